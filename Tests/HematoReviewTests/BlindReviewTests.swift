import Foundation
import XCTest
@testable import HematoReview

/// Issue 13, item 5: blind review in the session, the journal's mode field, agreement by mode.
final class BlindReviewTests: XCTestCase {
    let labels = ["EOSINOPHIL", "LYMPHOCYTE", "MONOCYTE", "NEUTROPHIL"]
    let opinion = ModelOpinion.predicted(probabilities: [0.1, 0.1, 0.7, 0.1], imageHash: "h")

    func blindSession(existing: LabelsFile = LabelsFile()) -> ReviewSession {
        var s = ReviewSession(names: ["BloodImage_00001.jpg", "BloodImage_00002.jpg", "BloodImage_00003.jpg"], modelLabels: labels,
                              existing: existing)
        s.blind = true
        for i in 0..<3 { s = s.reduce(.opinion(index: i, opinion)).0 }
        return s
    }

    func testEnterDoesNotAcceptTheHiddenPrediction() {
        let (s, d) = blindSession().reduce(.accept)
        XCTAssertNil(d)
        XCTAssertEqual(s.current, 0)
        XCTAssertEqual(s.message, "Blind review: choose a class (e l m n b); the answer shows once you have.")
    }

    /// What `blindRefusal` names (the hint bar leaves it out) the reducer refuses: no decision,
    /// nothing reordered, no gallery, a "Blind review:" message; and nothing else is refused.
    func testWhatTheHintBarLeavesOutIsWhatTheReducerRefuses() throws {
        var file = LabelsFile()
        file.setCategories(["MONOCYTE"], forImage: "2")
        let sessions = [blindSession(), blindSession(existing: file).reduce(.next).0]
        let actions: [ReviewAction] = [.accept, .set("MONOCYTE"), .undo, .skip, .next, .toggleOrder, .cycleFilter, .toggleGallery,
                                       .toggleActivationMap, .toggleZoom, .cycleLabelFilter, .first, .last, .toggleHelp]
        for s in sessions {
            for action in actions {
                let (after, decision) = s.reduce(action)
                let refused = decision == nil && after.queue == s.queue && after.gallery == nil
                    && after.message?.hasPrefix("Blind review:") == true
                XCTAssertEqual(s.blindRefusal(action) != nil, refused, "\(action) on image \(s.current!)")
            }
            var open = s
            open.blind = false
            XCTAssertFalse(actions.contains { open.blindRefusal($0) != nil }, "nothing is refused out of blind review")
        }
        XCTAssertNotNil(sessions[0].blindRefusal(.accept), "no label: Enter would take the hidden answer")
        XCTAssertNil(sessions[1].blindRefusal(.accept), "a labels.csv label is confirmed as ever")
    }

    func testTheAnswerIsHiddenUntilDecidedThenShownAndSaid() {
        let s = blindSession()
        XCTAssertTrue(s.hidesPrediction(0))
        let (agreed, d) = s.reduce(.set("MONOCYTE"))
        XCTAssertEqual(d?.label, ["MONOCYTE"])
        XCTAssertEqual(s.mode(of: d!), .blind, "decided while hidden")
        XCTAssertFalse(agreed.hidesPrediction(0))
        XCTAssertTrue(agreed.hidesPrediction(1))
        XCTAssertEqual(agreed.message, "You: MONOCYTE. The model agrees (70%).")
        let (differed, _) = agreed.reduce(.set("NEUTROPHIL"))
        XCTAssertEqual(differed.message, "You: NEUTROPHIL. The model said MONOCYTE (70%).")
        // Undone, the image stays revealed: the reviewer has seen the answer, so a new decision is not blind.
        let (undone, u) = differed.reduce(.undo)
        XCTAssertNil(undone.labels[1])
        XCTAssertFalse(undone.hidesPrediction(1))
        XCTAssertEqual(differed.mode(of: u!), .open)
        let (again, d2) = undone.reduce(.set("LYMPHOCYTE"))
        XCTAssertEqual(undone.mode(of: d2!), .open)
        XCTAssertEqual(again.labels[1]?.categories, ["LYMPHOCYTE"])
        // Outside blind review nothing is hidden.
        var open = s
        open.blind = false
        XCTAssertFalse(open.hidesPrediction(0))
        XCTAssertEqual(open.mode(of: open.reduce(.accept).1!), .open)
    }

    /// A label from labels.csv is not the reviewer's decision: the answer stays hidden on it, and Enter confirms it (blind).
    func testALabelFromTheFileKeepsTheAnswerHidden() {
        var file = LabelsFile()
        file.setCategories(["BASOPHIL"], forImage: "1")
        let s = blindSession(existing: file).reduce(.first).0  // opening starts at the first unlabelled image
        XCTAssertTrue(s.hidesPrediction(0))
        let (next, d) = s.reduce(.accept)
        XCTAssertEqual(d?.label, ["BASOPHIL"])
        XCTAssertEqual(s.mode(of: d!), .blind)
        XCTAssertEqual(s.labelBefore(d!), JournalEntry.Before(row: ["BASOPHIL"]))
        XCTAssertFalse(next.hidesPrediction(0))
    }

    func testOrderAndPredictedFiltersAreRefusedAndDisagreeSkipsHiddenImages() {
        var file = LabelsFile()
        file.setCategories(["BASOPHIL"], forImage: "2")
        let s = blindSession(existing: file)
        for a: ReviewAction in [.toggleOrder, .cycleFilter] {
            let (n, _) = s.reduce(a)
            XCTAssertEqual(n.order, .name)
            XCTAssertNil(n.filter)
            XCTAssertTrue(n.message?.hasPrefix("Blind review:") ?? false)
        }
        // Image 2's file label differs from the model: listing it as "disagree" would tell the hidden answer.
        let (disagree, _) = s.reduce(.cycleLabelFilter).0.reduce(.cycleLabelFilter)
        XCTAssertEqual(disagree.labelFilter, .disagree)
        XCTAssertEqual(disagree.queue, [])
        var open = s
        open.blind = false
        XCTAssertEqual(open.reduce(.cycleLabelFilter).0.reduce(.cycleLabelFilter).0.queue, [1])
    }

    // MARK: the journal

    func entry(mode: JournalEntry.Mode) -> JournalEntry {
        JournalEntry(time: "2026-11-27T10:00:00.000Z", reviewer: "r", image: "1", imageHash: nil, model: "m",
                     probabilities: ["MONOCYTE": 0.7], action: .set, label: ["MONOCYTE"], mode: mode)
    }

    func encoded(_ e: JournalEntry) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("hv-journal-\(UUID()).jsonl").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try Journal(path: path).append(e)
        return String(decoding: try Data(contentsOf: URL(fileURLWithPath: path)), as: UTF8.self)
    }

    func testTheModeIsWrittenOnlyWhenBlindAndOldLinesReadAsOpen() throws {
        let blind = try encoded(entry(mode: .blind))
        XCTAssertTrue(blind.contains(#""mode":"blind""#), blind)
        XCTAssertTrue(blind.hasPrefix(#"{"action":"#), "entries still start with the action (a torn line's glued entry is found by it)")
        let open = try encoded(entry(mode: .open))
        XCTAssertFalse(open.contains(#""mode":"#), "open is the absence of the field: an open journal is byte for byte as before")
        XCTAssertEqual(try JSONDecoder().decode(JournalEntry.self, from: Data(blind.utf8)).decidedIn, .blind)
        // A line written before the field existed.
        let old = #"{"action":"accept","image":"1","label":["MONOCYTE"],"model":"m","reviewer":"r","time":"2025-01-01T00:00:00Z"}"#
        let decoded = try JSONDecoder().decode(JournalEntry.self, from: Data(old.utf8))
        XCTAssertNil(decoded.mode)
        XCTAssertEqual(decoded.decidedIn, .open)
        XCTAssertNil(decoded.before)
    }

    /// An older binary's JournalEntry (the fields before this change, decoded the same synthesized way) reads a new line.
    func testAnOlderDecoderReadsTheNewLines() throws {
        struct OldEntry: Decodable {
            var time, reviewer, image, model: String
            var imageHash: String?
            var probabilities: [String: Float]?
            var action: JournalEntry.Action
            var label: [String]
            var blank: Bool?
            enum CodingKeys: String, CodingKey { case time, reviewer, image, imageHash = "image_hash", model, probabilities, action, label, blank }
        }
        var e = entry(mode: .blind)
        e.before = JournalEntry.Before(row: [])
        let line = try encoded(e)
        XCTAssertTrue(line.contains(#""before":{"blank":true,"label":[]}"#), line)
        let old = try JSONDecoder().decode(OldEntry.self, from: Data(line.utf8))
        XCTAssertEqual(old.label, ["MONOCYTE"])
        XCTAssertEqual(old.action, .set)
    }

    // MARK: agreement by mode

    func decided(_ image: String, _ label: String, model top: String, _ mode: JournalEntry.Mode, _ action: JournalEntry.Action = .set) -> JournalEntry {
        let p = Dictionary(uniqueKeysWithValues: labels.map { ($0, $0 == top ? Float(0.7) : 0.1) })
        return JournalEntry(time: "2026-11-27T10:00:00.000Z", reviewer: "r", image: image, imageHash: nil, model: "m",
                            probabilities: p, action: action, label: action == .undo ? [] : [label], mode: mode)
    }

    func testAgreementByModeJudgesEachImageByItsLastEntry() {
        let journal = [
            // Blind: (reviewer, model) = (E, E), (E, L), (L, L), (L, L), (M, L).
            decided("1", "EOSINOPHIL", model: "EOSINOPHIL", .blind),
            decided("2", "EOSINOPHIL", model: "LYMPHOCYTE", .blind),
            decided("3", "LYMPHOCYTE", model: "LYMPHOCYTE", .blind),
            decided("4", "LYMPHOCYTE", model: "LYMPHOCYTE", .blind),
            decided("5", "MONOCYTE", model: "LYMPHOCYTE", .blind),
            // Open: (N, N), (N, N), and image 6 decided blind, then changed with the answer showing: open.
            decided("6", "MONOCYTE", model: "NEUTROPHIL", .blind),
            decided("6", "NEUTROPHIL", model: "NEUTROPHIL", .open),
            decided("7", "NEUTROPHIL", model: "NEUTROPHIL", .open, .accept),
            // Decided blind, then undone: no decision in either mode.
            decided("8", "MONOCYTE", model: "MONOCYTE", .blind),
            decided("8", "", model: "MONOCYTE", .open, .undo),
        ]
        let r = ReviewReport(imageKeys: (1...8).map(String.init), labels: LabelsFile(), journal: journal)
        let blind = r.agreementByMode[.blind]!, open = r.agreementByMode[.open]!
        XCTAssertEqual(blind.decisions, 5)
        XCTAssertEqual(blind.accepted, 3)
        XCTAssertEqual(blind.corrected, 2)
        XCTAssertEqual(blind.matrix.total, 5)
        XCTAssertEqual(blind.matrix.accuracy!, 0.6, accuracy: 1e-12)
        // By hand: rows (reviewer) E2 L2 M1, columns (model) E1 L4 M0; pₑ = (2·1 + 2·4 + 1·0)/25 = 10/25 = 0.4;
        // κ = (0.6 − 0.4)/(1 − 0.4) = 1/3.
        XCTAssertEqual(blind.matrix.kappa!, 1.0 / 3.0, accuracy: 1e-12)
        XCTAssertEqual(open.decisions, 2)
        XCTAssertEqual(open.accepted, 2)
        XCTAssertEqual(open.matrix.accuracy, 1)
        XCTAssertNil(open.matrix.kappa, "one class only: kappa is 0/0")
        XCTAssertEqual(r.agreement.decisions, 7, "the overall agreement is unchanged: every mode together")
    }

    func testTheSessionSummarySaysBlind() throws {
        let opened = try XCTUnwrap(SessionSummary.parse("2026-11-27T09:59:00.000Z"))
        let entries = [decided("1", "EOSINOPHIL", model: "EOSINOPHIL", .blind), decided("2", "MONOCYTE", model: "MONOCYTE", .blind),
                       decided("2", "LYMPHOCYTE", model: "MONOCYTE", .open)]
        let text = SessionSummary(entries: entries, openedAt: opened, blind: true).text
        XCTAssertTrue(text.contains("blind review: 1 of 2 decided with the model's answer hidden"), text)
        XCTAssertFalse(SessionSummary(entries: entries, openedAt: opened).text.contains("blind"))
    }
}
