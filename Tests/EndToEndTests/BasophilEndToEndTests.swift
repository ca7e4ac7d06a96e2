import Foundation
import XCTest

/// BASOPHIL is one of the bundled model's classes end to end: the review offers it as the model's answer and
/// writes it, `classify` writes it, and `evaluate` scores a class folder of basophils instead of leaving it out.
/// The basophil is a PBC crop from PBC's validation share, which the model never trained on (Fixtures/pbc-basophil).
final class BasophilEndToEndTests: XCTestCase {
    static let basophil = "BA_114542.jpg"
    static let fixture = Harness.root.appendingPathComponent("Tests/EndToEndTests/Fixtures/pbc-basophil/\(basophil)")
    var folder: String!

    override func setUpWithError() throws {
        folder = NSTemporaryDirectory() + "hv-basophil-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: folder + "/BASOPHIL", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: folder + "/NEUTROPHIL", withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: Self.fixture.path, toPath: folder + "/BASOPHIL/\(Self.basophil)")
        // A neutrophil field from the samples, so the folder holds two classes.
        try FileManager.default.copyItem(atPath: Harness.root.appendingPathComponent("SampleImages/BloodImage_00013.jpg").path,
                                         toPath: folder + "/NEUTROPHIL/BloodImage_00013.jpg")
    }

    override func tearDownWithError() throws { if let folder { try? FileManager.default.removeItem(atPath: folder) } }

    func testTheReviewOffersBasophilAndAcceptingItWritesIt() throws {
        let single = folder + "/BASOPHIL"
        let t = try TmuxSession("\(Harness.binary) '\(single)' --reviewer e2e; echo EXIT=$?; sleep 30")
        try t.waitFor("Image  1 of 1", "Enter accepts BASOPHIL", timeout: 60)
        try t.send("Enter")
        try t.waitFor("1/1 reviewed")
        try t.send("q")
        try t.waitFor("EXIT=0")
        let csv = String(decoding: try Data(contentsOf: URL(fileURLWithPath: single + "/labels.csv")), as: UTF8.self)
        XCTAssertEqual(csv, ",Image,Category\r\n,\(Self.basophil),BASOPHIL\r\n")
    }

    func testClassifyWritesBasophil() throws {
        let out = folder + "/predictions.csv"
        let r = try Harness.run([Harness.binary, "classify", folder + "/BASOPHIL", "--output", out])
        XCTAssertEqual(r.status, 0, r.error)
        let csv = String(decoding: try Data(contentsOf: URL(fileURLWithPath: out)), as: UTF8.self)
        XCTAssertTrue(csv.contains("\(Self.basophil),BASOPHIL"), csv)
    }

    func testEvaluateScoresAClassFolderOfBasophils() throws {
        let r = try Harness.run([Harness.binary, "evaluate", folder, "--json"])
        XCTAssertEqual(r.status, 0, r.error)
        let object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(r.output.utf8)) as? [String: Any])
        XCTAssertEqual(object["n"] as? Int, 2, "the basophil is scored, not left out")
        let perClass = try XCTUnwrap(object["per_class"] as? [String: Any])
        let basophil = try XCTUnwrap(perClass["BASOPHIL"] as? [String: Any], "\(perClass)")
        XCTAssertEqual(basophil["recall"] as? Double, 1, "\(basophil)")
    }
}
