import Foundation
import XCTest
@testable import HematoReview

final class ReviewStoreTests: XCTestCase {
    var folder: String!

    override func setUpWithError() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("hv-store-\(UUID())").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(atPath: folder) }

    func entry(_ image: String, _ action: JournalEntry.Action, _ label: [String]) -> JournalEntry {
        JournalEntry(time: "2026-11-26T00:00:00Z", reviewer: "test", image: image, imageHash: "fnv1a64:1", model: "m",
                     probabilities: ["NEUTROPHIL": 0.9], action: action, label: label)
    }

    func testEachDecisionIsInTheJournalAndTheCSVAtOnce() throws {
        let path = folder + "/labels.csv"
        let original = Array(",Image,Category\r\n,0,NEUTROPHIL\r\n,1,\"NEUTROPHIL, EOSINOPHIL\"".utf8)
        try Data(original).write(to: URL(fileURLWithPath: path))
        let store = try ReviewStore(labelsPath: path, reviewer: "test")
        try store.record(entry("5", .set, ["MONOCYTE"]))
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        XCTAssertEqual(String(decoding: bytes, as: UTF8.self),
                       ",Image,Category\r\n,0,NEUTROPHIL\r\n,1,\"NEUTROPHIL, EOSINOPHIL\"\r\n,5,MONOCYTE\r\n")
        let journal = try Journal.read(path: folder + "/labels.journal.jsonl")
        XCTAssertEqual(journal, [entry("5", .set, ["MONOCYTE"])])
        try store.record(entry("5", .undo, []))
        XCTAssertEqual([UInt8](try Data(contentsOf: URL(fileURLWithPath: path))), original + Array("\r\n".utf8))
    }

    func testReopeningRestoresWhoDecidedAndWhere() throws {
        let path = folder + "/labels.csv"
        do {
            let store = try ReviewStore(labelsPath: path, reviewer: "a")
            try store.record(entry("3", .set, ["LYMPHOCYTE"]))
            try store.record(entry("4", .accept, ["NEUTROPHIL"]))
        }
        let reopened = try ReviewStore(labelsPath: path, reviewer: "b")
        XCTAssertEqual(reopened.decidedByPerson, ["3", "4"])
        XCTAssertEqual(reopened.lastImage, "4")
        XCTAssertEqual(reopened.labels.categories(forImage: "3"), ["LYMPHOCYTE"])
    }

    func testASecondReviewerIsRefused() throws {
        let path = folder + "/labels.csv"
        do {
            let first = try ReviewStore(labelsPath: path, reviewer: "alice")
            XCTAssertThrowsError(try ReviewStore(labelsPath: path, reviewer: "bob")) { error in
                let refusal = error as! ReviewLock.Refusal
                XCTAssertTrue(refusal.holder.contains("alice"), refusal.holder)
                XCTAssertTrue(refusal.description.contains("another review is open"))
            }
            withExtendedLifetime(first) {}
        }
        // Once the first is gone, the folder is free again.
        _ = try ReviewStore(labelsPath: path, reviewer: "bob")
    }

    func testAMalformedLabelFileIsRefusedWithItsLine() throws {
        let path = folder + "/labels.csv"
        try Data(",Image,Category\r\n,1,\"NEUTROPHIL\r\n".utf8).write(to: URL(fileURLWithPath: path))
        XCTAssertThrowsError(try ReviewStore(labelsPath: path, reviewer: "t")) { error in
            XCTAssertEqual((error as? LabelsFileError)?.line, 2)
        }
    }

    func testAJournalLineCutShortByACrashIsIgnored() throws {
        let journal = folder + "/labels.journal.jsonl"
        let good = try JSONEncoder().encode(entry("1", .set, ["MONOCYTE"]))
        try (good + Data("\n{\"time\":\"2026".utf8)).write(to: URL(fileURLWithPath: journal))
        XCTAssertEqual(try Journal.read(path: journal).map(\.image), ["1"])
        try (Data("garbage\n".utf8) + good + Data("\n".utf8)).write(to: URL(fileURLWithPath: journal))
        XCTAssertThrowsError(try Journal.read(path: journal))
    }

    func testAFolderThatCannotBeWrittenGetsAClearMessage() {
        XCTAssertThrowsError(try ReviewStore(labelsPath: "/proc/hv-cannot-write/labels.csv", reviewer: "t")) { error in
            XCTAssertTrue("\(error)".contains("--output"), "\(error)")
        }
    }
}
