import Foundation
import XCTest
import HematoReview

/// The gallery driven through a real terminal: open it, correct one thumbnail, accept the rest
/// of the page with one key, quit; labels.csv and the journal hold exactly those decisions.
final class GalleryEndToEndTests: SampleFolderTestCase {
    func testCorrectOneThenAcceptThePage() throws {
        let top = try Harness.referenceTopClasses()
        let shown = try XCTUnwrap(top["1"])
        XCTAssertNotEqual(shown, "LYMPHOCYTE", "the correction below must differ from the class shown")
        let members = Set(top.filter { $0.value == shown }.keys)
        XCTAssertGreaterThan(members.count, 2)
        let t = try TmuxSession("\(Harness.binary) '\(folder!)' --graphics blocks --reviewer e2e; echo EXIT=$?; sleep 30")
        try t.waitFor("Image  1 of 16")
        try t.waitFor("0/16 reviewed · by name")  // every image classified: the gallery holds the whole class
        try t.send("v")
        try t.waitFor("gallery \(shown) · page 1 of 1 · 0/\(members.count) reviewed", "#1 ")
        try t.send("l")                          // the cursor starts on page 1's first image: corrected to LYMPHOCYTE, stays
        try t.waitFor("->LYM", "1/\(members.count) reviewed")
        try t.send("A")                          // no blind calls measure the model: A asks first
        try t.waitFor("No blind calls yet (C calibrates); accept \(members.count - 1) images anyway? y/N")
        try t.send("y")                          // the rest of the page: accepted as \(shown)
        let screen = try t.waitFor("\(members.count)/\(members.count) reviewed", "Every \(shown) image is reviewed")
        XCTAssertEqual(screen.components(separatedBy: " ok").count - 1, members.count - 1, screen)
        try t.send("Escape")                     // back to the single view, at the cursor's image
        let single = try t.waitFor("File   BloodImage_", "LYMPHOCYTE")
        let file = try XCTUnwrap(single.split(separator: "\n").first { $0.contains("File   BloodImage_") })
        let number = try XCTUnwrap(file.range(of: "BloodImage_").map { file[$0.upperBound...].prefix(5) })
        let corrected = String(try XCTUnwrap(Int(number)))
        XCTAssertTrue(members.contains(corrected), "the corrected image is one of the class shown")
        try t.send("q")
        try t.waitFor("EXIT=0", "\(members.count)/16 labelled")

        var rows = try csv().components(separatedBy: "\r\n")
        XCTAssertEqual(rows.removeFirst(), ",Image,Category")
        XCTAssertEqual(rows.removeLast(), "", "CRLF after every row")
        var expected = Set(members.map { ",\($0),\(shown)" })
        expected.remove(",\(corrected),\(shown)")
        expected.insert(",\(corrected),LYMPHOCYTE")
        XCTAssertEqual(Set(rows), expected)
        XCTAssertEqual(rows.count, members.count)

        let journal = try Journal.read(path: folder + "/labels.journal.jsonl")
        XCTAssertEqual(journal.map(\.action), [.set] + Array(repeating: .accept, count: members.count - 1))
        XCTAssertEqual(journal.first?.image, corrected)
        XCTAssertEqual(journal.first?.label, ["LYMPHOCYTE"])
        XCTAssertEqual(Set(journal.dropFirst().map(\.image)), members.subtracting([corrected]))
        XCTAssertEqual(journal.count, members.count, "one decision per image")
        XCTAssertTrue(journal.dropFirst().allSatisfy { $0.label == [shown] && $0.reviewer == "e2e" })
        XCTAssertTrue(journal.allSatisfy { $0.imageHash?.hasPrefix("fnv1a64:") ?? false })
    }
}
