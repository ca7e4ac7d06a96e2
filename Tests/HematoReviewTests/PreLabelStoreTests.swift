import Foundation
import XCTest
@testable import HematoReview

/// Issue 23 on disk: the record classify leaves beside labels.csv, read by the review's store with
/// the journal; old folders (no record) and journals written before the record still open as before.
final class PreLabelStoreTests: XCTestCase {
    var folder: String!
    let names = ["BloodImage_00001.jpg", "BloodImage_00002.jpg", "BloodImage_00003.jpg"]
    let classes = ["EOSINOPHIL", "LYMPHOCYTE", "MONOCYTE", "NEUTROPHIL"]

    override func setUpWithError() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("hv-prelabel-\(UUID())").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(atPath: folder) }

    var labelsPath: String { folder + "/labels.csv" }

    /// What `classify --output FOLDER/labels.csv` leaves: the labels, then the record beside them.
    func classify(_ text: String) throws {
        let labels = try LabelsFile(bytes: Array(text.utf8))
        try Data(labels.serialized()).write(to: URL(fileURLWithPath: labelsPath))
        try PreLabelRecord(tool: "classify", model: "m", lab: nil, labels: labels,
                           probabilities: ["1": ["NEUTROPHIL": 0.9, "EOSINOPHIL": 0.1]]).write(besideLabels: labelsPath)
    }

    func session(_ store: ReviewStore) -> ReviewSession {
        var s = ReviewSession(names: names, modelLabels: classes, existing: store.labels, decidedByPerson: store.decidedByPerson,
                              preLabels: store.preLabels, resumeAfter: store.lastImage)
        s.seedUndo(fromJournal: store.journalAtOpen)
        return s
    }

    func decide(_ store: ReviewStore, _ s: ReviewSession, _ action: ReviewAction) throws -> ReviewSession {
        let (next, d) = s.reduce(action)
        if let d {
            try store.record(JournalEntry(time: ReviewStore.timestamp(), reviewer: "r", image: d.image, imageHash: nil, model: "m",
                                          probabilities: nil, action: d.action, label: d.label, blank: d.blank,
                                          mode: s.mode(of: d), before: s.labelBefore(d)))
        }
        return next
    }

    func testAReviewOfAClassifiedFolderCountsOnlyWhatAPersonDecided() throws {
        try classify(",Image,Category\r\n,1,NEUTROPHIL\r\n,2,NEUTROPHIL\r\n,3,EOSINOPHIL\r\n")
        let record = try PreLabelRecord(bytes: [UInt8](try Data(contentsOf: URL(fileURLWithPath: folder + "/labels.prelabels.json"))))
        XCTAssertEqual(record.rows.first?.probabilities, ["NEUTROPHIL": 0.9, "EOSINOPHIL": 0.1])
        do {
            let store = try ReviewStore(labelsPath: labelsPath, reviewer: "r")
            var s = session(store)
            XCTAssertEqual(s.progressText, "0/3 reviewed · 3 pre-labelled")
            XCTAssertTrue(store.notes.isEmpty, "\(store.notes)")
            s = try decide(store, s, .accept)
            s = try decide(store, s, .set("LYMPHOCYTE"))
            XCTAssertEqual(s.progressText, "2/3 reviewed · 1 pre-labelled")
            try store.close()
        }
        let store = try ReviewStore(labelsPath: labelsPath, reviewer: "r")
        var s = session(store)
        XCTAssertEqual(s.progressText, "2/3 reviewed · 1 pre-labelled", "the same counts on reopening")
        XCTAssertEqual(s.current, 2)
        s = try decide(store, s, .undo)   // the correction taken back: the model's label again, not a person's
        XCTAssertEqual(s.labels[1], .init(categories: ["NEUTROPHIL"], source: .model))
        try store.close()
        let again = try ReviewStore(labelsPath: labelsPath, reviewer: "r")
        XCTAssertEqual(session(again).progressText, "1/3 reviewed · 2 pre-labelled")
    }

    func testARowEditedByHandIsNoLongerTheModelsAndOpeningSaysSo() throws {
        try classify(",Image,Category\r\n,1,NEUTROPHIL\r\n,2,NEUTROPHIL\r\n")
        try Data(",Image,Category\r\n,1,NEUTROPHIL\r\n,2,MONOCYTE\r\n".utf8).write(to: URL(fileURLWithPath: labelsPath))
        let store = try ReviewStore(labelsPath: labelsPath, reviewer: "r")
        let s = session(store)
        XCTAssertEqual(s.progressText, "0/3 reviewed · 1 pre-labelled · 1 from labels.csv")
        XCTAssertEqual(store.notes.count, 1)
        XCTAssertTrue(store.notes[0].contains("1 label(s) the model wrote"), store.notes[0])
    }

    func testADamagedOrLinkedRecordIsSaidAndItsLabelsCountAsImported() throws {
        try classify(",Image,Category\r\n,1,NEUTROPHIL\r\n")
        try Data("{\"format\":".utf8).write(to: URL(fileURLWithPath: folder + "/labels.prelabels.json"))
        var store: ReviewStore? = try ReviewStore(labelsPath: labelsPath, reviewer: "r")
        XCTAssertEqual(session(store!).progressText, "0/3 reviewed · 1 from labels.csv")
        XCTAssertTrue(store!.notes.joined().contains("is not a model's record"), "\(store!.notes)")
        store = nil
        try FileManager.default.removeItem(atPath: folder + "/labels.prelabels.json")
        try FileManager.default.createSymbolicLink(atPath: folder + "/labels.prelabels.json", withDestinationPath: "/dev/zero")
        store = try ReviewStore(labelsPath: labelsPath, reviewer: "r")
        XCTAssertEqual(session(store!).progressText, "0/3 reviewed · 1 from labels.csv")
        XCTAssertTrue(store!.notes.joined().contains("cannot be read"), "\(store!.notes)")
    }

    /// A folder reviewed before records existed: labels.csv's own rows, and a journal in today's format.
    func testAnOldFolderAndJournalOpenAsBefore() throws {
        try Data(",Image,Category\r\n,1,EOSINOPHIL\r\n,2,BASOPHIL\r\n".utf8).write(to: URL(fileURLWithPath: labelsPath))
        let journal = [
            #"{"action":"set","before":{"label":["BASOPHIL"]},"image":"2","image_hash":"fnv1a64:1","label":["MONOCYTE"],"model":"m","probabilities":{"MONOCYTE":0.5},"reviewer":"r","time":"2026-12-01T00:00:00Z"}"#,
            #"{"action":"set","image":"3","label":["LYMPHOCYTE"],"model":"m","reviewer":"r","time":"2026-12-01T00:00:01Z"}"#,
            #"{"action":"undo","image":"2","label":["BASOPHIL"],"model":"m","reviewer":"r","time":"2026-12-01T00:00:02Z"}"#,
        ].joined(separator: "\n") + "\n"
        try Data(journal.utf8).write(to: URL(fileURLWithPath: folder + "/labels.journal.jsonl"))
        let store = try ReviewStore(labelsPath: labelsPath, reviewer: "r")
        XCTAssertEqual(store.decidedByPerson, ["3"], "2 was put back to labels.csv's own label")
        let s = session(store)
        XCTAssertEqual(s.labels[1], .init(categories: ["BASOPHIL"], source: .file))
        XCTAssertEqual(s.progressText, "1/3 reviewed · 2 from labels.csv")
        XCTAssertEqual(String(decoding: try Data(contentsOf: URL(fileURLWithPath: labelsPath)), as: UTF8.self),
                       ",Image,Category\r\n,1,EOSINOPHIL\r\n,2,BASOPHIL\r\n,3,LYMPHOCYTE\r\n", "the journal's decision replayed")
    }
}
