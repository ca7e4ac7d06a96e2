import Foundation
import XCTest
import HematoReview

/// The model learns from the reviewer while they review, in the real binary.
final class AdaptationEndToEndTests: XCTestCase {
    var folder: String!

    override func tearDownWithError() throws { if let folder { try? FileManager.default.removeItem(atPath: folder) } }

    /// Six copies of one photograph: after the reviewer corrects the first, the
    /// second (the same cells) must be predicted as the reviewer said.
    func testACorrectionChangesTheNextPrediction() throws {
        let top = try Harness.referenceTopClasses()["1"]!
        let (corrected, key) = top == "LYMPHOCYTE" ? ("MONOCYTE", "m") : ("LYMPHOCYTE", "l")
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("hv-adapt-\(UUID())").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        for n in 1...6 {
            try FileManager.default.copyItem(atPath: Harness.root.appendingPathComponent("SampleImages/BloodImage_00001.jpg").path,
                                             toPath: folder + "/copy\(n).jpg")
        }
        let t = try TmuxSession("\(Harness.binary) '\(folder!)' --graphics none; echo EXIT=$?; sleep 30")
        try t.waitFor("Image  1 of 6", "Enter accepts \(top)", "no decisions yet")
        try t.send(key)
        // The correction is a decision the model did not agree with, and it now predicts the reviewer's class.
        try t.waitFor("Image  2 of 6", "agreed 0/1 recent", "adapted to 1 decisions", "Enter accepts \(corrected)")
        try t.send("Enter")
        try t.waitFor("Image  3 of 6", "agreed 1/2 recent")
        try t.send("q")
        try t.waitFor("EXIT=0")
        let journal = try Journal.read(path: folder + "/labels.journal.jsonl")
        XCTAssertEqual(journal.map(\.label), [[corrected], [corrected]])
        // The journal keeps what the screen showed: the adapted probabilities for the second image.
        let shown = try XCTUnwrap(journal[1].probabilities)
        XCTAssertEqual(shown.max { $0.value < $1.value }?.key, corrected)
    }
}
