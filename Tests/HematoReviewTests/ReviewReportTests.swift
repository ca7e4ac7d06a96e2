import XCTest
@testable import HematoReview

final class ReviewReportTests: XCTestCase {
    func entry(_ image: String, _ action: JournalEntry.Action, _ label: [String], top: String?, reviewer: String = "ann",
               time: String = "2025-01-01T10:00:00.000Z") -> JournalEntry {
        let p = top.map { t in Dictionary(uniqueKeysWithValues: ["EOSINOPHIL", "LYMPHOCYTE", "MONOCYTE", "NEUTROPHIL"].map { ($0, $0 == t ? Float(0.7) : 0.1) }) }
        return JournalEntry(time: time, reviewer: reviewer, image: image, imageHash: nil, model: "m", probabilities: p, action: action, label: label)
    }

    func testMultiLabelsCountEachCellAndTheIntervalIsOfCells() throws {
        let labels = try LabelsFile(bytes: Array(",Image,Category\r\n,1,NEUTROPHIL\r\n,2,\"NEUTROPHIL, LYMPHOCYTE\"\r\n,3,NEUTROPHIL\r\n,99,MONOCYTE\r\n".utf8))
        let r = ReviewReport(imageKeys: ["1", "2", "3", "4"], labels: labels, journal: [])
        XCTAssertEqual(r.total, 4)
        XCTAssertEqual(r.reviewed, 3)
        XCTAssertEqual(r.labelsWithoutImage, 1)           // image 99 is not in the folder
        XCTAssertEqual(r.differential.cells, 4)            // 3 images, one of them with two cells
        XCTAssertEqual(r.differential.multiLabelImages, 1)
        XCTAssertEqual(r.differential.counts, ["EOSINOPHIL": 0, "LYMPHOCYTE": 1, "MONOCYTE": 0, "NEUTROPHIL": 3, "BASOPHIL": 0])
        let neutrophil = try XCTUnwrap(r.differential.rows.first { $0.name == "NEUTROPHIL" })
        XCTAssertEqual(neutrophil.share, 0.75)
        XCTAssertEqual(neutrophil.interval, WilsonInterval(successes: 3, trials: 4))
        XCTAssertNil(r.firstDecision)
    }

    func testAgreementUsesEachImagesLastEntryAndTheModelAtThatTime() throws {
        let journal = [
            entry("1", .accept, ["NEUTROPHIL"], top: "NEUTROPHIL", time: "2025-01-01T10:00:05.000Z"),
            entry("2", .set, ["MONOCYTE"], top: "LYMPHOCYTE", time: "2025-01-01T10:00:09.000Z"),
            entry("3", .set, ["EOSINOPHIL"], top: "EOSINOPHIL", reviewer: "bob", time: "2025-01-02T08:00:00.000Z"),  // the key for the top class: accepted
            entry("4", .set, ["MONOCYTE"], top: "NEUTROPHIL", time: "2025-01-01T10:00:12.000Z"),
            entry("4", .undo, [], top: "NEUTROPHIL", time: "2025-01-01T10:00:13.000Z"),                        // undone: no decision
            entry("5", .add, ["NEUTROPHIL", "LYMPHOCYTE"], top: "NEUTROPHIL", time: "2025-01-01T10:00:20.000Z"),  // multi: corrected, not in the matrix
            entry("6", .set, ["LYMPHOCYTE"], top: nil, time: "2025-01-01T10:00:21.000Z"),                       // no prediction yet
        ]
        let a = Agreement(journal: journal)
        XCTAssertEqual(a.decisions, 5)
        XCTAssertEqual(a.accepted, 2)
        XCTAssertEqual(a.corrected, 2)
        XCTAssertEqual(a.multiLabel, 1)
        XCTAssertEqual(a.withoutPrediction, 1)
        // Pairs (reviewer, model): (N, N), (M, L), (E, E); classes in CellClass order.
        XCTAssertEqual(a.matrix.labels, ["EOSINOPHIL", "LYMPHOCYTE", "MONOCYTE", "NEUTROPHIL"])
        XCTAssertEqual(a.matrix.counts, [[1, 0, 0, 0], [0, 0, 0, 0], [0, 1, 0, 0], [0, 0, 0, 1]])
        XCTAssertEqual(a.matrix.accuracy!, 2.0 / 3.0, accuracy: 1e-12)
        // By hand: pₒ = 2/3; rows E1 L0 M1 N1, columns E1 L1 M0 N1 → pₑ = (1 + 0 + 0 + 1)/9 = 2/9; κ = (4/9)/(7/9) = 4/7.
        XCTAssertEqual(a.matrix.kappa!, 4.0 / 7.0, accuracy: 1e-12)

        let r = ReviewReport(imageKeys: ["1", "2", "3", "4", "5", "6"], labels: LabelsFile(), journal: journal)
        XCTAssertEqual(r.reviewers.map(\.name), ["ann", "bob"])
        XCTAssertEqual(r.reviewers[0].entries, 6)
        XCTAssertEqual(r.reviewers[0].first, "2025-01-01T10:00:05.000Z")
        XCTAssertEqual(r.reviewers[0].last, "2025-01-01T10:00:21.000Z")
        XCTAssertEqual(r.firstDecision, "2025-01-01T10:00:05.000Z")
        XCTAssertEqual(r.lastDecision, "2025-01-02T08:00:00.000Z")
        XCTAssertEqual(r.actions, ["accept": 1, "set": 4, "undo": 1, "add": 1])
    }

    func testSessionSummaryCountsTheSessionsDecisionsAndTheMedianGap() throws {
        let opened = try XCTUnwrap(SessionSummary.parse("2025-01-01T10:00:00.000Z"))
        let entries = [
            entry("1", .accept, ["NEUTROPHIL"], top: "NEUTROPHIL", time: "2025-01-01T10:00:04.000Z"),   // 4 s
            entry("2", .set, ["MONOCYTE"], top: "LYMPHOCYTE", time: "2025-01-01T10:00:06.500Z"),      // 2.5 s
            entry("2", .undo, [], top: "LYMPHOCYTE", time: "2025-01-01T10:00:07.000Z"),               // not a decision
            entry("2", .set, ["LYMPHOCYTE"], top: "LYMPHOCYTE", time: "2025-01-01T10:00:17.000Z"),    // 10 s
        ]
        let s = SessionSummary(entries: entries, openedAt: opened)
        XCTAssertEqual(s.entries, 4)
        XCTAssertEqual(s.agreement.decisions, 2)
        XCTAssertEqual(s.agreement.accepted, 2)
        XCTAssertEqual(s.agreement.corrected, 0)
        XCTAssertEqual(s.differential.counts["NEUTROPHIL"], 1)
        XCTAssertEqual(s.differential.counts["LYMPHOCYTE"], 1)
        XCTAssertEqual(s.differential.counts["MONOCYTE"], 0)
        XCTAssertEqual(try XCTUnwrap(s.medianSeconds), 4, accuracy: 1e-9)  // median of 4, 2.5, 10
        XCTAssertTrue(s.text.contains("median 4.0 s per decision"), s.text)
        XCTAssertTrue(s.text.contains("accepted 2, corrected 0"), s.text)
        XCTAssertEqual(SessionSummary(entries: [], openedAt: opened).text, "")
    }

    /// Issue 22, item 16: a sitting whose only step undid an earlier sitting's decision decided
    /// nothing; it said "1 image(s) decided … without the model's answer" (the undo entry carries
    /// the label it put back, and no probabilities when the image was not classified yet).
    func testASittingWithOnlyAnUndoDecidedNothing() throws {
        let opened = try XCTUnwrap(SessionSummary.parse("2025-01-01T10:00:00.000Z"))
        let undo = entry("7", .undo, ["NEUTROPHIL"], top: nil, time: "2025-01-01T10:00:03.000Z")
        let s = SessionSummary(entries: [undo], openedAt: opened)
        XCTAssertEqual(s.agreement.decisions, 0)
        XCTAssertEqual(s.differential.cells, 0)
        XCTAssertEqual(s.text, "this session: no image decided (1 step(s), each undone or an undo)")
        // A decision then its undo: nothing decided either; another image decided stays counted.
        let both = SessionSummary(entries: [entry("8", .set, ["MONOCYTE"], top: "NEUTROPHIL", time: "2025-01-01T10:00:05.000Z"),
                                            entry("8", .undo, [], top: "NEUTROPHIL", time: "2025-01-01T10:00:06.000Z"),
                                            entry("9", .accept, ["LYMPHOCYTE"], top: "LYMPHOCYTE", time: "2025-01-01T10:00:09.000Z"), undo],
                                  openedAt: opened)
        XCTAssertEqual(both.agreement.decisions, 1)
        XCTAssertEqual(both.differential.cells, 1)
        XCTAssertEqual(both.differential.counts["LYMPHOCYTE"], 1)
        XCTAssertTrue(both.text.hasPrefix("this session: 1 image(s) decided in 4 step(s)"), both.text)
        XCTAssertFalse(both.text.contains("without the model's answer"), both.text)
    }

    /// `A` on a gallery page writes its decisions within milliseconds: the 12 s the reviewer spent
    /// on the page is shared by its four decisions (3 s each), not 12 s for one and 0 for three.
    func testDecisionsWrittenForOneKeyShareItsTime() throws {
        let opened = try XCTUnwrap(SessionSummary.parse("2025-01-01T10:00:00.000Z"))
        let entries = [
            entry("1", .set, ["MONOCYTE"], top: "NEUTROPHIL", time: "2025-01-01T10:00:08.000Z"),     // 8 s
            entry("2", .accept, ["NEUTROPHIL"], top: "NEUTROPHIL", time: "2025-01-01T10:00:20.000Z"), // A: 12 s …
            entry("3", .accept, ["NEUTROPHIL"], top: "NEUTROPHIL", time: "2025-01-01T10:00:20.004Z"),
            entry("4", .accept, ["NEUTROPHIL"], top: "NEUTROPHIL", time: "2025-01-01T10:00:20.009Z"),
            entry("5", .accept, ["NEUTROPHIL"], top: "NEUTROPHIL", time: "2025-01-01T10:00:20.013Z"), // … over 4
            entry("5", .undo, [], top: "NEUTROPHIL", time: "2025-01-01T10:00:25.000Z"),
            entry("5", .set, ["LYMPHOCYTE"], top: "NEUTROPHIL", time: "2025-01-01T10:00:25.050Z"),    // after an undo: its own key
        ]
        let s = SessionSummary(entries: entries, openedAt: opened)
        // 8, 3, 3, 3, 3, 0.05: the median is 3.
        XCTAssertEqual(try XCTUnwrap(s.medianSeconds), 3, accuracy: 1e-6)
        XCTAssertTrue(s.text.contains("median 3.0 s per decision"), s.text)
    }
}
