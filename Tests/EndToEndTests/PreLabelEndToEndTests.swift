import Foundation
import XCTest
import HematoReview

/// Issue 23: pre-label with classify, then correct in review. The model's labels are never
/// counted as reviewed; labels.csv's own (the dataset's) are counted apart; report and
/// --labels-out give what a person decided.
final class PreLabelEndToEndTests: SampleFolderTestCase {
    func reportJSON(_ extra: [String] = []) throws -> [String: Any] {
        let r = try Harness.run([Harness.binary, "report", folder, "--json"] + extra)
        XCTAssertEqual(r.status, 0, r.error)
        return try XCTUnwrap(JSONSerialization.jsonObject(with: Data(r.output.utf8)) as? [String: Any])
    }

    func testClassifyThenReviewCountsOnlyWhatAPersonDecided() throws {
        let classified = try Harness.run([Harness.binary, "classify", folder, "--output", folder + "/labels.csv"])
        XCTAssertEqual(classified.status, 0, classified.error)
        let written = try LabelsFile(bytes: Array(try csv().utf8))
        XCTAssertTrue(FileManager.default.fileExists(atPath: folder + "/labels.prelabels.json"))
        XCTAssertEqual(try reportJSON()["pre_labelled"] as? Int, 16)

        let t = try TmuxSession("\(Harness.binary) '\(folder!)' --reviewer e2e; echo EXIT=$?; sleep 30")
        try t.waitFor("Image  1 of 16", "0/16 reviewed · 16 pre-labelled", "model's label, not reviewed")
        try t.send("End")
        try t.waitFor("Image  16 of 16")
        try t.send("Tab")                      // round to the first image no person decided: the first
        try t.waitFor("Image  1 of 16")
        try t.send("Enter")                    // confirms the model's label on 1 …
        try t.waitFor("Image  2 of 16", "1/16 reviewed · 15 pre-labelled")
        try t.send("Enter")                    // … and on 2
        try t.waitFor("Image  3 of 16", "2/16 reviewed · 14 pre-labelled")
        // A correction on 3: a class other than the one the model wrote.
        let third = try XCTUnwrap(written.rows.dropFirst(2).first)
        let (key, other) = third.categories == ["MONOCYTE"] ? ("l", "LYMPHOCYTE") : ("m", "MONOCYTE")
        try t.send(key)
        try t.waitFor("Image  4 of 16", "3/16 reviewed · 13 pre-labelled")
        try t.send("q")
        try t.waitFor("EXIT=0", "16/16 labelled (3 reviewed · 13 pre-labelled)")

        let object = try reportJSON()
        XCTAssertEqual(object["reviewed_by_person"] as? Int, 3)
        XCTAssertEqual(object["pre_labelled"] as? Int, 13)
        XCTAssertEqual(object["imported"] as? Int, 0)
        XCTAssertEqual(object["reviewed"] as? Int, 16, "the old key keeps its meaning: images with a label")
        XCTAssertEqual((object["differential_reviewed_by_person"] as? [String: Int])?.values.reduce(0, +), 3)
        let text = try Harness.run([Harness.binary, "report", folder])
        XCTAssertTrue(text.output.contains("3 reviewed by a person, 13 pre-labelled by the model (not reviewed)"), text.output)
        XCTAssertTrue(text.output.contains("pre-labelled by the model and still open: 13 image(s)"), text.output)
        XCTAssertTrue(text.output.contains("differential of all labels (16 of 16 images): 16 cell(s)"), text.output)
        XCTAssertTrue(text.output.contains("differential of the 3 image(s) a person reviewed: 3 cell(s)"), text.output)

        // What a person decided, in the dataset's format; untouched rows byte for byte.
        let out = folder + "/reviewed.csv"
        let export = try Harness.run([Harness.binary, "report", folder, "--labels-out", out, "--reviewed-only"])
        XCTAssertEqual(export.status, 0, export.error)
        let rows = written.rows.prefix(3).map(\.image)
        XCTAssertEqual(String(decoding: try Data(contentsOf: URL(fileURLWithPath: out)), as: UTF8.self),
                       ",Image,Category\r\n,\(rows[0]),\(written.rows[0].categories[0])\r\n,\(rows[1]),\(written.rows[1].categories[0])\r\n"
                       + ",\(rows[2]),\(other)\r\n")
        let all = try Harness.run([Harness.binary, "report", folder, "--labels-out", folder + "/all.csv"])
        XCTAssertEqual(all.status, 0, all.error)
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: folder + "/all.csv")), try Data(contentsOf: URL(fileURLWithPath: folder + "/labels.csv")))
    }

    /// The dataset's own labels.csv: imported, counted apart, and exported byte for byte.
    func testTheDatasetsOwnLabelsAreImportedAndExportedByteForByte() throws {
        let samples = Harness.root.appendingPathComponent("SampleImages/labels.csv")
        try FileManager.default.copyItem(atPath: samples.path, toPath: folder + "/labels.csv")
        let object = try reportJSON()
        XCTAssertEqual(object["imported"] as? Int, 16)
        XCTAssertEqual(object["pre_labelled"] as? Int, 0)
        XCTAssertEqual(object["reviewed_by_person"] as? Int, 0)
        let out = folder + "/export.csv"
        XCTAssertEqual(try Harness.run([Harness.binary, "report", folder, "--labels-out", out]).status, 0)
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: out)), try Data(contentsOf: samples))
        XCTAssertEqual(try Harness.run([Harness.binary, "report", folder, "--labels-out", out, "--reviewed-only"]).status, 0)
        XCTAssertEqual(String(decoding: try Data(contentsOf: URL(fileURLWithPath: out)), as: UTF8.self), ",Image,Category\r\n")
    }

    /// The export is a new file of our own: never through a link, never into a FIFO, never over what the report reads.
    func testTheExportRefusesLinksFIFOsAndTheLabelsItReads() throws {
        try Data(",Image,Category\r\n,1,NEUTROPHIL\r\n".utf8).write(to: URL(fileURLWithPath: folder + "/labels.csv"))
        try Data("victim".utf8).write(to: URL(fileURLWithPath: folder + "/victim"))
        XCTAssertEqual(symlink("victim", folder + "/link.csv"), 0)
        XCTAssertEqual(mkfifo(folder + "/fifo.csv", 0o600), 0)
        for (target, words) in [("link.csv", "symbolic link"), ("fifo.csv", "named pipe"), ("labels.csv", "a file the report reads")] {
            let r = try Harness.run([Harness.binary, "report", folder, "--labels-out", folder + "/" + target])
            XCTAssertEqual(r.status, 1, target)
            XCTAssertTrue(r.error.contains(words), r.error)
        }
        XCTAssertEqual(String(decoding: try Data(contentsOf: URL(fileURLWithPath: folder + "/victim")), as: UTF8.self), "victim")
        XCTAssertEqual(try csv(), ",Image,Category\r\n,1,NEUTROPHIL\r\n")
    }

    /// merge leaves the same record beside the labels it writes as classify does.
    func testMergedLabelsArePreLabelledToo() throws {
        let parts = folder + "/parts"
        try FileManager.default.createDirectory(atPath: parts, withIntermediateDirectories: true)
        for k in 1...2 {
            let r = try Harness.run([Harness.binary, "classify", folder, "--shard", "\(k)/2", "-o", parts + "/p\(k).csv"])
            XCTAssertEqual(r.status, 0, r.error)
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: parts + "/p1.prelabels.json"), "a shard's part is recorded by merge")
        let merged = try Harness.run([Harness.binary, "merge", folder + "/labels.csv", parts + "/p1.csv", parts + "/p2.csv"])
        XCTAssertEqual(merged.status, 0, merged.error)
        let object = try reportJSON()
        XCTAssertEqual(object["pre_labelled"] as? Int, 16)
        XCTAssertEqual(object["reviewed_by_person"] as? Int, 0)
        let record = try PreLabelRecord(bytes: [UInt8](try Data(contentsOf: URL(fileURLWithPath: folder + "/labels.prelabels.json"))))
        XCTAssertEqual(record.tool, "merge")
    }
}
