import Foundation
import XCTest
@testable import HematoReview

/// Issue 13, item 6: `u` after reopening a folder takes back earlier sittings' decisions, newest first.
final class UndoAcrossSittingsTests: XCTestCase {
    var folder: String!
    let names = ["BloodImage_00001.jpg", "BloodImage_00002.jpg", "BloodImage_00003.jpg"]
    let labels = ["EOSINOPHIL", "LYMPHOCYTE", "MONOCYTE", "NEUTROPHIL"]

    override func setUpWithError() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("hv-undo-\(UUID())").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(atPath: folder) }

    var labelsPath: String { folder + "/labels.csv" }
    func csv() throws -> String { String(decoding: try Data(contentsOf: URL(fileURLWithPath: labelsPath)), as: UTF8.self) }

    /// One sitting as `hematovision review` runs it: open, seed, reduce, record each decision as ReviewApp does, close.
    @discardableResult
    func sitting(_ actions: [ReviewAction]) throws -> ReviewSession {
        let store = try ReviewStore(labelsPath: labelsPath, reviewer: "r")
        var s = ReviewSession(names: names, modelLabels: labels, existing: store.labels, decidedByPerson: store.decidedByPerson)
        s.seedUndo(fromJournal: store.journalAtOpen)
        for a in actions {
            let (next, d) = s.reduce(a)
            if let d {
                try store.record(JournalEntry(time: ReviewStore.timestamp(), reviewer: "r", image: d.image, imageHash: nil, model: "m",
                                              probabilities: nil, action: d.action, label: d.label, blank: d.blank,
                                              mode: s.mode(of: d), before: s.labelBefore(d)))
            }
            s = next
        }
        try store.close()
        return s
    }

    func testUndoAfterReopeningRestoresTheEarlierLabelsNewestFirst() throws {
        // labels.csv had image 2 as BASOPHIL before any review.
        try Data(",Image,Category\r\n,2,BASOPHIL\r\n".utf8).write(to: URL(fileURLWithPath: labelsPath))
        try sitting([.set("NEUTROPHIL"), .set("MONOCYTE")])                 // 1 → N, 2 → M (was BASOPHIL)
        try sitting([.first, .set("EOSINOPHIL")])                           // 1 → E (was N, by the first sitting)
        XCTAssertEqual(try csv(), ",Image,Category\r\n,2,MONOCYTE\r\n,1,EOSINOPHIL\r\n")

        var s = try sitting([.undo])
        XCTAssertEqual(s.current, 0, "the undo goes to the image")
        XCTAssertEqual(s.labels[0], .init(categories: ["NEUTROPHIL"], source: .person))
        XCTAssertEqual(try csv(), ",Image,Category\r\n,2,MONOCYTE\r\n,1,NEUTROPHIL\r\n")
        s = try sitting([.undo])
        XCTAssertEqual(s.labels[1], .init(categories: ["BASOPHIL"], source: .file), "labels.csv's own label, recorded with the first decision")
        XCTAssertEqual(try csv(), ",Image,Category\r\n,2,BASOPHIL\r\n,1,NEUTROPHIL\r\n")
        s = try sitting([.undo, .undo])
        XCTAssertNil(s.labels[0], "image 1 had no row before the first sitting")
        XCTAssertEqual(s.message, "Nothing to undo.")
        XCTAssertEqual(try csv(), ",Image,Category\r\n,2,BASOPHIL\r\n")
        let journal = try Journal.read(path: folder + "/labels.journal.jsonl")
        XCTAssertEqual(journal.map(\.action), [.set, .set, .set, .undo, .undo, .undo])
    }

    /// A journal written before `before` existed does not say what labels.csv held: that step is refused, not guessed.
    func testAnOlderJournalsFirstEntryIsNotGuessed() throws {
        try Data(",Image,Category\r\n,1,NEUTROPHIL\r\n".utf8).write(to: URL(fileURLWithPath: labelsPath))
        let old = [#"{"action":"set","image":"1","label":["BASOPHIL"],"model":"m","reviewer":"r","time":"2025-01-01T00:00:00Z"}"#,
                   #"{"action":"set","image":"1","label":["NEUTROPHIL"],"model":"m","reviewer":"r","time":"2025-01-01T00:00:01Z"}"#]
        try Data((old.joined(separator: "\n") + "\n").utf8).write(to: URL(fileURLWithPath: folder + "/labels.journal.jsonl"))
        let s = try sitting([.undo, .undo, .undo])
        XCTAssertEqual(s.labels[0]?.categories, ["BASOPHIL"], "the second entry's label before it is the first entry's")
        XCTAssertEqual(s.message, "Cannot undo BloodImage_00001.jpg further: its label before this journal began is not recorded.")
        XCTAssertEqual(try csv(), ",Image,Category\r\n,1,BASOPHIL\r\n")
    }

    /// Undos journaled in an earlier sitting took their decisions off the stack already.
    func testJournaledUndosPop() {
        func e(_ image: String, _ action: JournalEntry.Action, _ label: [String]) -> JournalEntry {
            JournalEntry(time: "t", reviewer: "r", image: image, imageHash: nil, model: "m", probabilities: nil, action: action, label: label,
                         before: action == .undo ? nil : .init(row: nil))
        }
        var s = ReviewSession(names: names, modelLabels: labels)
        s.seedUndo(fromJournal: [e("1", .set, ["MONOCYTE"]), e("2", .set, ["MONOCYTE"]), e("2", .undo, []), e("3", .set, ["EOSINOPHIL"])])
        XCTAssertEqual(s.undoStack.map(\.index), [0, 2])
    }
}
