import Foundation
import XCTest
import HematoReview

/// Every program that writes or reads a folder's labels.csv against a review's: classify and merge
/// respect its lock, report counts what the journal has that the file lacks, and images that share
/// a number keep rows of their own (issue 22).
final class LabelsWritersEndToEndTests: SampleFolderTestCase {
    func testClassifyAndMergeAreRefusedWhileAReviewHoldsTheFile() throws {
        let labels = folder + "/labels.csv"
        try Data(",Image,Category\r\n,1,LYMPHOCYTE\r\n".utf8).write(to: URL(fileURLWithPath: labels))
        let before = try csv()
        let review = try ReviewStore(labelsPath: labels, reviewer: "alice")
        let classify = try Harness.run([Harness.binary, "classify", folder, "--output", labels])
        XCTAssertEqual(classify.status, 1, classify.error)
        XCTAssertTrue(classify.error.contains("\(labels) is open in a review (alice, pid"), classify.error)
        XCTAssertEqual(try csv(), before)

        let part = folder + "-part.csv"
        defer { for p in [part, part + ".shard.json"] { try? FileManager.default.removeItem(atPath: p) } }
        let shard = try Harness.run([Harness.binary, "classify", folder, "--shard", "1/1", "--output", part])
        XCTAssertEqual(shard.status, 0, shard.error)
        let merge = try Harness.run([Harness.binary, "merge", labels, part])
        XCTAssertEqual(merge.status, 1, merge.error)
        XCTAssertTrue(merge.error.contains("\(labels) is open in a review (alice, pid"), merge.error)
        XCTAssertEqual(try csv(), before)
        try review.close()
        // Once the review is over, both write as before.
        XCTAssertEqual(try Harness.run([Harness.binary, "merge", labels, part]).status, 0)
        XCTAssertNotEqual(try csv(), before)
    }

    func testReportCountsTheDecisionsLabelsCSVIsBehindOn() throws {
        try Data(",Image,Category\r\n".utf8).write(to: URL(fileURLWithPath: folder + "/labels.csv"))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        var journal = Data()
        for (image, label) in [("1", "MONOCYTE"), ("6", "LYMPHOCYTE")] {
            journal += try encoder.encode(JournalEntry(time: "2026-12-07T00:00:00.000Z", reviewer: "r", image: image, imageHash: nil, model: "m",
                                                       probabilities: nil, action: .set, label: [label], before: .init(row: nil))) + Data("\n".utf8)
        }
        try journal.write(to: URL(fileURLWithPath: folder + "/labels.journal.jsonl"))
        let r = try Harness.run([Harness.binary, "report", folder])
        XCTAssertEqual(r.status, 0, r.error)
        XCTAssertTrue(r.output.contains("2 of 16 images reviewed"), r.output)
        XCTAssertTrue(r.error.contains("2 decision(s) in \(folder!)/labels.journal.jsonl are not yet in \(folder!)/labels.csv"), r.error)
        XCTAssertEqual(try csv(), ",Image,Category\r\n", "report writes nothing")
    }

    func testImagesThatShareANumberAreClassifiedIntoRowsOfTheirOwn() throws {
        for name in ["BloodImage_00001.jpeg", "BloodImage_0001.jpg"] {
            try FileManager.default.copyItem(atPath: folder + "/BloodImage_00001.jpg", toPath: folder + "/" + name)
        }
        let out = folder + "/out.csv"
        let r = try Harness.run([Harness.binary, "classify", folder, "--output", out])
        XCTAssertTrue(r.error.contains("18 classified, 0 failed"), r.error)
        let rows = try String(contentsOfFile: out, encoding: .utf8).split(separator: "\r\n").dropFirst().map { $0.split(separator: ",")[0] }
        XCTAssertEqual(rows.count, 18)
        XCTAssertEqual(Set(rows).count, 18)
        XCTAssertTrue(rows.contains("1") && rows.contains("BloodImage_00001.jpeg") && rows.contains("BloodImage_0001.jpg"), "\(rows)")
    }
}
