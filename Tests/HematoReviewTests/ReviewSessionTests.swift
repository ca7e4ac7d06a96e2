import XCTest
@testable import HematoReview

/// The session as state + actions, without a terminal or an engine.
final class ReviewSessionTests: XCTestCase {
    let labels = ["EOSINOPHIL", "LYMPHOCYTE", "MONOCYTE", "NEUTROPHIL"]
    let names = ["BloodImage_00001.jpg", "BloodImage_00002.jpg", "BloodImage_00003.jpg", "other.jpg"]

    func session(existing: LabelsFile = LabelsFile(), person: Set<String> = [], last: String? = nil) -> ReviewSession {
        ReviewSession(names: names, modelLabels: labels, existing: existing, decidedByPerson: person, resumeAfter: last)
    }

    func predicted(_ p: [Float]) -> ModelOpinion { .predicted(probabilities: p, imageHash: "h") }

    func run(_ s: ReviewSession, _ actions: [ReviewAction]) -> (ReviewSession, [Decision]) { s.run(actions) }

    /// Messages pass the reducer: shown until the next key, and one that must not drown another waits its turn.
    func testNotifyShowsAMessageUntilTheNextAction() {
        let (s, d) = run(session(), [.notify("first", unlessBusy: false), .notify("second", unlessBusy: true)])
        XCTAssertEqual(d, [])
        XCTAssertEqual(s.message, "first", "a quiet message does not replace one showing")
        XCTAssertEqual(run(s, [.notify("third", unlessBusy: false)]).0.message, "third")
        XCTAssertNil(run(s, [.next]).0.message, "the next key clears it")
        XCTAssertEqual(run(session(), [.notify("quiet", unlessBusy: true)]).0.message, "quiet")
    }

    func testAcceptTakesThePredictionAndMovesOn() {
        let (s, d) = run(session(), [.opinion(index: 0, predicted([0.1, 0.2, 0.6, 0.1])), .accept])
        XCTAssertEqual(d, [Decision(index: 0, image: "1", action: .accept, label: ["MONOCYTE"], opinion: predicted([0.1, 0.2, 0.6, 0.1]))])
        XCTAssertEqual(s.labels[0], .init(categories: ["MONOCYTE"], source: .person))
        XCTAssertEqual(s.current, 1)
        XCTAssertEqual(s.reviewedCount, 1)
    }

    /// Issue 11, defect 16: Enter on an image labelled in labels.csv replaced the label with the model's guess.
    func testAcceptOnALabelledImageConfirmsItsLabelNotThePrediction() {
        var existing = LabelsFile()
        existing.setCategories(["BASOPHIL"], forImage: "2")
        let (s, d) = run(session(existing: existing), [.next, .opinion(index: 1, predicted([0.1, 0.2, 0.6, 0.1])), .accept])
        XCTAssertEqual(d, [Decision(index: 1, image: "2", action: .accept, label: ["BASOPHIL"], opinion: predicted([0.1, 0.2, 0.6, 0.1]))])
        XCTAssertEqual(s.labels[1], .init(categories: ["BASOPHIL"], source: .person))
        XCTAssertEqual(s.current, 2)
        // Replacing takes a class key.
        let (r, d2) = run(s, [.previous, .set("MONOCYTE")])
        XCTAssertEqual(d2.map(\.label), [["MONOCYTE"]])
        XCTAssertEqual(r.labels[1]?.categories, ["MONOCYTE"])
    }

    func testAcceptWithoutAPredictionDecidesNothing() {
        let (s, d) = run(session(), [.accept])
        XCTAssertTrue(d.isEmpty)
        XCTAssertEqual(s.current, 0)
        XCTAssertNotNil(s.message)
        let (u, d2) = run(session(), [.opinion(index: 0, .unreadable(reason: "truncated")), .accept])
        XCTAssertTrue(d2.isEmpty)
        XCTAssertTrue(u.message?.contains("truncated") ?? false)
    }

    func testSetAndAddMakeSeveralCategories() {
        let (s, d) = run(session(), [.set("NEUTROPHIL"), .previous, .add("EOSINOPHIL")])
        XCTAssertEqual(d.map(\.label), [["NEUTROPHIL"], ["NEUTROPHIL", "EOSINOPHIL"]])
        XCTAssertEqual(d.map(\.action), [.set, .add])
        XCTAssertEqual(s.current, 0, "adding a class stays on the image")
        XCTAssertEqual(s.labels[0]?.categories, ["NEUTROPHIL", "EOSINOPHIL"])
    }

    func testUndoRestoresEveryStepInReverse() {
        var existing = LabelsFile()
        existing.setCategories(["BASOPHIL"], forImage: "2")
        let (s, d) = run(session(existing: existing), [.set("EOSINOPHIL"), .set("MONOCYTE"), .undo, .undo, .undo])
        XCTAssertEqual(d.map(\.action), [.set, .set, .undo, .undo])
        XCTAssertEqual(d[2], Decision(index: 1, image: "2", action: .undo, label: ["BASOPHIL"], opinion: nil))
        XCTAssertEqual(d[3].label, [], "the first image had no label before")
        XCTAssertNil(s.labels[0])
        XCTAssertEqual(s.labels[1], .init(categories: ["BASOPHIL"], source: .file))
        XCTAssertEqual(s.current, 0, "undo goes back to the image it changed")
        XCTAssertEqual(s.message, "Nothing to undo.")
    }

    func testMovingAroundStaysInsideTheQueue() {
        let (s, _) = run(session(), [.previous])
        XCTAssertEqual(s.current, 0)
        XCTAssertEqual(s.message, "This is the first image.")
        let (t, d) = run(session(), [.next, .skip, .next, .next, .next])
        XCTAssertEqual(t.current, 3)
        XCTAssertTrue(d.isEmpty)
    }

    func testJumpToTheNextUnreviewedWraps() {
        var existing = LabelsFile()
        existing.setCategories(["NEUTROPHIL"], forImage: "2")
        existing.setCategories(["NEUTROPHIL"], forImage: "3")
        var (s, _) = run(session(existing: existing), [.next, .next, .next])
        XCTAssertEqual(s.current, 3)
        (s, _) = run(s, [.nextUnreviewed])
        XCTAssertEqual(s.current, 0)
    }

    func testLeastConfidentFirstOrderKeepsTheCurrentImage() {
        let (s, _) = run(session(), [
            .opinion(index: 0, predicted([0.97, 0.01, 0.01, 0.01])),
            .opinion(index: 1, predicted([0.4, 0.3, 0.2, 0.1])),
            .opinion(index: 2, predicted([0.1, 0.1, 0.7, 0.1])),
            .toggleOrder,
        ])
        XCTAssertEqual(s.queue, [1, 2, 0, 3], "classified by rising confidence, then the rest by name")
        XCTAssertEqual(s.current, 0)
        let (back, _) = run(s, [.toggleOrder])
        XCTAssertEqual(back.queue, [0, 1, 2, 3])
    }

    func testFilterByPredictedClassCycles() {
        var (s, _) = run(session(), [
            .opinion(index: 0, predicted([0.9, 0.05, 0.03, 0.02])),
            .opinion(index: 2, predicted([0.8, 0.1, 0.05, 0.05])),
            .opinion(index: 3, predicted([0.1, 0.1, 0.1, 0.7])),
            .cycleFilter,
        ])
        XCTAssertEqual(s.filter, "EOSINOPHIL")
        XCTAssertEqual(s.queue, [0, 2])
        for _ in 0..<4 { (s, _) = run(s, [.cycleFilter]) }
        XCTAssertNil(s.filter)
        XCTAssertEqual(s.queue.count, 4)
    }

    func testResumesAfterTheLastJournalledImage() {
        var existing = LabelsFile()
        existing.setCategories(["MONOCYTE"], forImage: "1")
        existing.setCategories(["MONOCYTE"], forImage: "2")
        let s = session(existing: existing, person: ["2"], last: "2")
        XCTAssertEqual(s.current, 2)
        XCTAssertEqual(s.labels[0]?.source, .file)
        XCTAssertEqual(s.labels[1]?.source, .person)
        XCTAssertEqual(session(existing: existing).current, 2, "without a journal: the first image with no label")
    }

    func testClassificationStartsAtTheCurrentImageThenSweepsTheFolder() {
        var (s, _) = run(session(), [.next, .next, .opinion(index: 3, predicted([0.25, 0.25, 0.25, 0.25]))])
        XCTAssertEqual(s.classificationPriority(limit: 3), [2], "only unclassified images from the current one on")
        var sweep = ClassificationSweep()
        XCTAssertEqual(sweep.next(s, limit: 4), [2, 0, 1], "then the rest of the folder in name order")
        // Without any key press, answering each request leads to the whole folder.
        var rounds = 0
        while s.classifiedCount < s.names.count && rounds < 10 {
            for i in sweep.next(s, limit: 2) { s = s.reduce(.opinion(index: i, predicted([0.1, 0.2, 0.3, 0.4]))).0 }
            rounds += 1
        }
        XCTAssertEqual(s.classifiedCount, 4)
        XCTAssertEqual(sweep.next(s), [])
    }

    // MARK: an empty queue (issue #11: one image predicted NEUTROPHIL, f, Tab crashed)

    /// One image, predicted NEUTROPHIL, filtered to EOSINOPHIL: nothing left to show.
    func emptyFilteredSession() -> ReviewSession {
        let one = ReviewSession(names: ["BloodImage_00001.jpg"], modelLabels: labels)
        let (s, _) = run(one, [.opinion(index: 0, predicted([0.1, 0.1, 0.1, 0.7])), .cycleFilter])
        XCTAssertEqual(s.filter, "EOSINOPHIL")
        XCTAssertEqual(s.queue, [])
        XCTAssertNil(s.current)
        return s
    }

    func testNavigationOnAnEmptyQueueSaysSoAndStays() {
        for s in [emptyFilteredSession(), ReviewSession(names: [], modelLabels: labels)] {
            for action in [ReviewAction.nextUnreviewed, .next, .skip, .previous] {
                let (t, d) = run(s, [action])
                XCTAssertNil(d.first, "\(action)")
                XCTAssertNil(t.current, "\(action)")
                XCTAssertEqual(t.position, 0, "\(action)")
                XCTAssertTrue(t.message?.hasPrefix(s.filter == nil ? "There are no images" : "No image here is predicted EOSINOPHIL") ?? false,
                              "\(action): \(String(describing: t.message))")
            }
        }
    }

    func testDecisionsOnAnEmptyQueueDecideNothing() {
        for s in [emptyFilteredSession(), ReviewSession(names: [], modelLabels: labels)] {
            for action in [ReviewAction.accept, .set("MONOCYTE"), .add("MONOCYTE")] {
                let (t, d) = run(s, [action])
                XCTAssertTrue(d.isEmpty, "\(action)")
                XCTAssertTrue(t.labels.isEmpty, "\(action)")
                XCTAssertNotNil(t.message, "\(action)")
            }
            let (u, d) = run(s, [.undo])
            XCTAssertTrue(d.isEmpty)
            XCTAssertEqual(u.message, "Nothing to undo.")
        }
    }

    func testUndoOfAnImageTheFilterHidesRestoresItsLabel() {
        let one = ReviewSession(names: ["BloodImage_00001.jpg"], modelLabels: labels)
        let (s, d) = run(one, [.opinion(index: 0, predicted([0.1, 0.1, 0.1, 0.7])), .set("LYMPHOCYTE"), .cycleFilter, .undo, .next])
        XCTAssertEqual(d.map(\.action), [.set, .undo])
        XCTAssertNil(s.labels[0])
        XCTAssertEqual(s.queue, [])
    }

    func testOrderFilterHelpQuitAndLateOpinionsOnAnEmptyQueue() {
        var (s, _) = run(emptyFilteredSession(), [.toggleOrder])
        XCTAssertEqual(s.order, .leastConfident)
        XCTAssertEqual(s.queue, [])
        (s, _) = run(s, [.toggleHelp, .toggleHelp, .cycleFilter, .cycleFilter])
        XCTAssertEqual(s.filter, "MONOCYTE")
        XCTAssertEqual(s.queue, [])
        (s, _) = run(s, [.cycleFilter])
        XCTAssertEqual(s.filter, "NEUTROPHIL")
        XCTAssertEqual(s.queue, [0])
        XCTAssertEqual(s.current, 0, "the image comes back when the filter shows it again")
        (s, _) = run(s, [.cycleFilter])
        XCTAssertNil(s.filter)
        // A session with no images at all: help, quit, and an opinion for an index it does not have.
        let empty = ReviewSession(names: [], modelLabels: labels)
        let (e, _) = run(empty, [.toggleOrder, .cycleFilter, .opinion(index: 0, predicted([1, 0, 0, 0])), .toggleHelp])
        XCTAssertTrue(e.opinions.isEmpty)
        XCTAssertTrue(e.showingHelp)
        XCTAssertEqual(e.classificationPriority(limit: 4), [])
        XCTAssertTrue(run(e, [.quit]).0.finished)
    }

    func testAnOpinionWithMoreProbabilitiesThanClassesIsNotAccepted() {
        let (s, d) = run(session(), [.opinion(index: 0, predicted([0, 0, 0, 0, 1])), .accept])
        XCTAssertTrue(d.isEmpty)
        XCTAssertNil(s.predictedClass(0))
        XCTAssertNotNil(s.message)
    }

    func testHelpAndQuit() {
        let (s, _) = run(session(), [.toggleHelp])
        XCTAssertTrue(s.showingHelp)
        let (t, d) = run(s, [.quit])
        XCTAssertTrue(t.finished)
        XCTAssertTrue(d.isEmpty)
    }

    // MARK: issue 13: the live differential and `x`

    /// Counted as the report counts labels.csv: each class of a multi-label is a cell; labels
    /// from the file count, and every decision (undo included) changes the counts at once.
    func testTheDifferentialFollowsEachDecision() {
        var existing = LabelsFile()
        existing.setCategories(["NEUTROPHIL", "EOSINOPHIL"], forImage: "3")
        let start = session(existing: existing)
        XCTAssertEqual(start.differential, Differential(labelSets: [["NEUTROPHIL", "EOSINOPHIL"]]))
        let (s, _) = run(start, [.set("NEUTROPHIL"), .previous, .add("LYMPHOCYTE")])
        XCTAssertEqual(s.differential, Differential(labelSets: [["NEUTROPHIL", "LYMPHOCYTE"], ["NEUTROPHIL", "EOSINOPHIL"]]))
        XCTAssertEqual(s.differential.counts["NEUTROPHIL"], 2)
        XCTAssertEqual(s.differential.cells, 4)
        XCTAssertEqual(s.differential.multiLabelImages, 2)
        let (u, _) = run(s, [.undo, .undo])
        XCTAssertEqual(u.differential, start.differential)
        XCTAssertEqual(u.message, "Undone: BloodImage_00001.jpg has no label again.")
        XCTAssertEqual(run(u, [.next, .previous]).0, start.reduce(.next).0.reduce(.previous).0, "undone to the start: the same session")
        // Undoing an Enter that confirmed labels.csv's own label changes nothing on screen but the message.
        let confirmed = run(start, [.next, .next, .accept, .undo]).0
        XCTAssertEqual(confirmed.message, "Undone: BloodImage_00003.jpg has NEUTROPHIL, EOSINOPHIL from labels.csv again.")
    }

    func testXRemovesTheLastClassOfSeveralThenBlanksTheLabel() {
        let (s, d) = run(session(), [.opinion(index: 0, predicted([0.1, 0.1, 0.1, 0.7])), .set("NEUTROPHIL"), .previous,
                                     .add("EOSINOPHIL"), .removeLabel, .removeLabel, .removeLabel])
        XCTAssertEqual(d.map(\.action), [.set, .add, .remove, .remove])
        XCTAssertEqual(d[2], Decision(index: 0, image: "1", action: .remove, label: ["NEUTROPHIL"],
                                      opinion: predicted([0.1, 0.1, 0.1, 0.7])))
        XCTAssertEqual(d[3].label, [])
        XCTAssertTrue(d[3].blank, "a cleared label is a blank Category, not a removed row")
        XCTAssertEqual(s.labels[0], .init(categories: [], source: .person))
        XCTAssertEqual(s.current, 0, "x stays on the image")
        XCTAssertEqual(s.message, "The label is already blank.")
        XCTAssertEqual(s.trust.calls, [:], "a blank label is no call on the model, as `report` counts the journal")
        XCTAssertEqual(s.differential.cells, 0)
        XCTAssertEqual(s.reviewedCount, 1, "a blank label is a row in labels.csv, as in the dataset")
    }

    func testXWithoutALabelDoesNothingAndUndoBringsBackTheBlank() {
        let (s, d) = run(session(), [.removeLabel])
        XCTAssertTrue(d.isEmpty)
        XCTAssertEqual(s.message, "This image has no label to remove.")
        // set, x (blank), set again, undo: back to the blank row, said so in the decision.
        let (t, e) = run(session(), [.set("MONOCYTE"), .previous, .removeLabel, .set("LYMPHOCYTE"), .undo])
        XCTAssertEqual(e.last, Decision(index: 0, image: "1", action: .undo, label: [], opinion: nil, blank: true))
        XCTAssertEqual(t.labels[0], .init(categories: [], source: .person))
        let (v, f) = run(t, [.undo, .undo])
        XCTAssertEqual(f.map(\.label), [["MONOCYTE"], []])
        XCTAssertEqual(f.map(\.blank), [false, false], "the first undo restores a class, the last leaves no row")
        XCTAssertNil(v.labels[0])
    }
}
