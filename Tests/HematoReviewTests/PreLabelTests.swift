import Foundation
import XCTest
@testable import HematoReview

/// Issue 23: labels the model wrote (classify, merge) are pre-labels, never counted as reviewed;
/// labels.csv's other labels are imported; only a person's decisions are reviewed.
final class PreLabelTests: XCTestCase {
    let names = ["BloodImage_00001.jpg", "BloodImage_00002.jpg", "BloodImage_00003.jpg", "BloodImage_00004.jpg"]
    let classes = ["EOSINOPHIL", "LYMPHOCYTE", "MONOCYTE", "NEUTROPHIL"]

    /// Images 1 and 2 as classify wrote them, 3 edited by hand since (the record says NEUTROPHIL), 4 unlabelled.
    func session(blind: Bool = false) throws -> ReviewSession {
        let file = try LabelsFile(bytes: Array(",Image,Category\r\n,1,EOSINOPHIL\r\n,2,NEUTROPHIL\r\n,3,MONOCYTE\r\n".utf8))
        var written = file
        written.setCategories(["NEUTROPHIL"], forImage: "3")
        let record = PreLabelRecord(tool: "classify", model: "m", lab: nil, date: Date(timeIntervalSince1970: 1_796_000_000),
                                    labels: written, probabilities: [:])
        var s = ReviewSession(names: names, modelLabels: classes, existing: file, preLabels: PreLabels(record))
        s.blind = blind
        return s
    }

    func testTheModelsLabelsArePreLabelledAndAnEditedRowIsImported() throws {
        let s = try session()
        XCTAssertEqual(s.labels[0]?.source, .model)
        XCTAssertEqual(s.labels[1]?.source, .model)
        XCTAssertEqual(s.labels[2]?.source, .file, "a row changed since the model wrote it: origin unknown")
        XCTAssertNil(s.labels[3])
        XCTAssertEqual(s.reviewedCount, 0)
        XCTAssertEqual(s.preLabelledCount, 2)
        XCTAssertEqual(s.importedCount, 1)
        XCTAssertEqual(s.labelledCount, 3)
        XCTAssertEqual(s.progressText, "0/4 reviewed · 2 pre-labelled · 1 from labels.csv")
        XCTAssertEqual(s.current, 3, "opens at the first unlabelled image, as before")
        XCTAssertEqual(s.originLines(s.labels[0]!), ["model's label, not reviewed", "(classify, 2026-11-30)"])
    }

    func testEnterConfirmsAPreLabelAndACorrectionCountsToo() throws {
        let (s, decisions) = try session().run([.first, .accept, .set("LYMPHOCYTE")])
        XCTAssertEqual(decisions.map(\.action), [.accept, .set])
        XCTAssertEqual(decisions.map(\.label), [["EOSINOPHIL"], ["LYMPHOCYTE"]], "Enter keeps the model's label, now a person's")
        XCTAssertEqual(s.labels[0], .init(categories: ["EOSINOPHIL"], source: .person))
        XCTAssertEqual(s.labels[1], .init(categories: ["LYMPHOCYTE"], source: .person))
        XCTAssertEqual(s.progressText, "2/4 reviewed · 1 from labels.csv")
    }

    func testUndoPutsTheModelsLabelBackUncounted() throws {
        var (s, _) = try session().run([.first, .accept])
        XCTAssertEqual(s.reviewedCount, 1)
        (s, _) = s.run([.undo])
        XCTAssertEqual(s.labels[0], .init(categories: ["EOSINOPHIL"], source: .model))
        XCTAssertEqual(s.progressText, "0/4 reviewed · 2 pre-labelled · 1 from labels.csv")
        XCTAssertEqual(s.message, "Undone: BloodImage_00001.jpg has EOSINOPHIL, the model's label again.")
    }

    func testTabGoesToTheNextImageNoPersonDecided() throws {
        var (s, _) = try session().run([.last, .nextUnreviewed])
        XCTAssertEqual(s.current, 0, "round to the first: a pre-label is not a decision")
        (s, _) = s.run([.accept, .accept, .accept, .accept])      // 1, 2, 3 and 4 decided by a person (4 has no prediction: refused)
        XCTAssertEqual(s.reviewedCount, 3)
        (s, _) = s.run([.first, .nextUnreviewed])
        XCTAssertEqual(s.current, 3)
        (s, _) = s.run([.set("MONOCYTE"), .nextUnreviewed])
        XCTAssertEqual(s.message, "Every image here has a reviewer's label.")
    }

    func testTheGalleryTreatsPreLabelsAsOpen() throws {
        var s = try session()
        for i in 0..<4 {
            s = s.reduce(.opinion(index: i, .predicted(probabilities: [0.7, 0.1, 0.1, 0.1], imageHash: "h"))).0
        }
        s = s.reduce(.toggleGallery).0
        XCTAssertEqual(s.gallery?.predicted, "EOSINOPHIL")
        XCTAssertEqual(s.pageAcceptances.count, 4, "pre-labelled, imported and unlabelled: none decided by a person")
        // No blind calls were made, so A asks first (issue 21); the reviewer says yes.
        let done = s.acceptingPage(confirmed: true) { _ in }
        XCTAssertEqual(done.session.labels[1]?.categories, ["EOSINOPHIL"], "A takes the page's class over the model's old label")
        XCTAssertEqual(done.session.labels[2]?.categories, ["MONOCYTE"], "labels.csv's own label is confirmed, as Enter does")
        XCTAssertEqual(done.session.reviewedCount, 4)
    }

    func testBlindReviewHidesThePreLabelAndRefusesEnter() throws {
        let s = try session(blind: true).run([.first]).0
        XCTAssertTrue(s.hidesLabel(0))
        XCTAssertNotNil(s.blindRefusal(.accept), "Enter would take the model's hidden answer")
        var (after, decisions) = s.run([.accept])
        XCTAssertTrue(decisions.isEmpty)
        (after, decisions) = after.run([.set("LYMPHOCYTE")])
        XCTAssertEqual(decisions.map(\.label), [["LYMPHOCYTE"]])
        XCTAssertFalse(after.hidesLabel(0))
        XCTAssertFalse(s.hidesLabel(2), "an imported label is no answer of the model")
    }

    /// Old journals: an undo back to labels.csv's label used to count the image as decided on reopening.
    func testPersonDecisionsFollowUndos() {
        func e(_ image: String, _ action: JournalEntry.Action, _ label: [String], before: [String]?? = nil) -> JournalEntry {
            JournalEntry(time: "t", reviewer: "r", image: image, imageHash: nil, model: "m", probabilities: nil, action: action,
                         label: label, before: before.map { JournalEntry.Before(row: $0) })
        }
        let journal = [e("1", .set, ["MONOCYTE"], before: .some(["NEUTROPHIL"])), e("2", .set, ["LYMPHOCYTE"]),
                       e("2", .set, ["EOSINOPHIL"]), e("2", .undo, ["LYMPHOCYTE"]), e("1", .undo, ["NEUTROPHIL"]),
                       e("3", .accept, ["MONOCYTE"]), e("3", .undo, [])]
        XCTAssertEqual(PersonDecisions(journal).images, ["2"], "1 is back to its file label, 3 to none; 2 keeps its first decision")
    }

    func testReportCountsEachOriginApart() throws {
        let file = try LabelsFile(bytes: Array(",Image,Category\r\n,1,EOSINOPHIL\r\n,2,NEUTROPHIL\r\n,3,MONOCYTE\r\n,9,LYMPHOCYTE\r\n".utf8))
        let record = PreLabelRecord(tool: "classify", model: "m", lab: nil, labels: file, probabilities: [:])
        var edited = file
        edited.setCategories(["LYMPHOCYTE"], forImage: "2")   // by hand
        edited.setCategories(["NEUTROPHIL"], forImage: "3")   // by a person, in review
        let journal = [JournalEntry(time: "t", reviewer: "r", image: "3", imageHash: nil, model: "m", probabilities: nil,
                                    action: .set, label: ["NEUTROPHIL"])]
        let p = ProvenanceCounts(imageKeys: ["1", "2", "3", "4"], labels: edited, journal: journal, preLabels: PreLabels(record))
        XCTAssertEqual([p.reviewedByPerson, p.preLabelled, p.imported], [1, 1, 1], "9 is not in the folder")
        XCTAssertEqual(p.personDifferential.counts["NEUTROPHIL"], 1)
        XCTAssertEqual(p.personDifferential.cells, 1)
        XCTAssertEqual(p.preLabelledDifferential.counts["EOSINOPHIL"], 1)
        XCTAssertEqual(PreLabels(record).changedRows(in: edited, decidedByPerson: ["3"]), 1)
    }

    func testTheRecordRoundTripsAndRefusesOtherJSON() throws {
        let file = try LabelsFile(bytes: Array(",Image,Category\r\n,1,EOSINOPHIL\r\n,a/b c.png,\"MONOCYTE, NEUTROPHIL\"\r\n".utf8))
        let record = PreLabelRecord(tool: "merge", model: "m with lab x", lab: "x", labels: file,
                                    probabilities: ["1": ["EOSINOPHIL": 0.75, "MONOCYTE": 0.25]])
        XCTAssertEqual(try PreLabelRecord(bytes: record.serialized()), record)
        XCTAssertEqual(record.rows.map(\.label), [["EOSINOPHIL"], ["MONOCYTE", "NEUTROPHIL"]])
        XCTAssertEqual(record.labelsHash, "fnv1a64:" + String(ContentHashValue.of(file.serialized()), radix: 16))
        XCTAssertThrowsError(try PreLabelRecord(bytes: Array(#"{"format":"other","rows":[]}"#.utf8)))
        XCTAssertThrowsError(try PreLabelRecord(bytes: Array("{\"format\":\"\(PreLabelRecord.formatName)\"}".utf8)))
        XCTAssertThrowsError(try PreLabelRecord(bytes: []))
        let hostile = PreLabels(PreLabelRecord(tool: "\u{1B}]0;x\u{07}", model: "m", lab: nil, labels: file, probabilities: [:]))
        XCTAssertFalse(hostile.origin.contains("\u{1B}"), hostile.origin)
    }

    /// A record is a file anyone could have written: every odd one is refused with a sentence or read, never a trap.
    func testHostileRecordsAreRefusedOrReadNeverATrap() throws {
        let format = PreLabelRecord.formatName
        let inputs = [
            #"{"format":"\#(format)","tool":"classify","model":"m","date":"d","labels_hash":"h","rows":[{"image":"1","label":["A"],"probabilities":{"A":1e999}}]}"#,
            #"{"format":"\#(format)","tool":"classify","model":"m","date":"d","labels_hash":"h","rows":[{"image":1,"label":"A"}]}"#,
            #"{"format":"\#(format)","tool":7,"model":"m","date":"d","labels_hash":"h","rows":[]}"#,
            String(repeating: "[", count: 100_000),
            "\u{0}\u{FF}",
            #"{"format":"\#(format)","tool":"classify","model":"m","date":"d","labels_hash":"h","rows":[{"image":"1","label":["A"]},{"image":"1","label":["B"]}]}"#,
        ]
        for text in inputs.dropLast() {
            XCTAssertThrowsError(try PreLabelRecord(bytes: Array(text.utf8)), text.prefix(80).description) { error in
                XCTAssertFalse("\(error)".isEmpty)
            }
        }
        let duplicated = try PreLabelRecord(bytes: Array(inputs.last!.utf8))
        XCTAssertEqual(PreLabels(duplicated).categories["1"], ["B"], "the last row of an image counts")
    }

    func testAnExportKeepsRowsByteForByte() throws {
        let bytes = Array(",Image,Category\r\n,1,EOSINOPHIL\r\n,2,  NEUTROPHIL \r\n,3,\"MONOCYTE,LYMPHOCYTE\"".utf8)
        let file = try LabelsFile(bytes: bytes)
        XCTAssertEqual(file.keepingRows { _ in true }.serialized(), bytes)
        XCTAssertEqual(String(decoding: file.keepingRows { $0 != "1" }.serialized(), as: UTF8.self),
                       ",Image,Category\r\n,2,  NEUTROPHIL \r\n,3,\"MONOCYTE,LYMPHOCYTE\"")
        XCTAssertEqual(String(decoding: file.keepingRows { $0 == "2" }.serialized(), as: UTF8.self), ",Image,Category\r\n,2,  NEUTROPHIL \r\n")
        let journal = [JournalEntry(time: "t", reviewer: "r", image: "1", imageHash: nil, model: "m", probabilities: nil,
                                    action: .set, label: ["LYMPHOCYTE"]),
                       JournalEntry(time: "t", reviewer: "r", image: "4", imageHash: nil, model: "m", probabilities: nil,
                                    action: .set, label: ["MONOCYTE"])]
        XCTAssertEqual(String(decoding: file.bringingUpToDate(with: journal).serialized(), as: UTF8.self),
                       ",Image,Category\r\n,1,LYMPHOCYTE\r\n,2,  NEUTROPHIL \r\n,3,\"MONOCYTE,LYMPHOCYTE\"\r\n,4,MONOCYTE\r\n")
    }
}

/// The hash the record names, computed here without the record's code.
enum ContentHashValue {
    static func of(_ bytes: [UInt8]) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in bytes { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }
        return h
    }
}
