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

    /// Applies actions, collecting the decisions the shell would persist.
    func run(_ s: ReviewSession, _ actions: [ReviewAction]) -> (ReviewSession, [Decision]) {
        var s = s
        var decisions: [Decision] = []
        for a in actions {
            let (next, d) = s.reduce(a)
            s = next
            if let d { decisions.append(d) }
        }
        return (s, decisions)
    }

    func testAcceptTakesThePredictionAndMovesOn() {
        let (s, d) = run(session(), [.opinion(index: 0, predicted([0.1, 0.2, 0.6, 0.1])), .accept])
        XCTAssertEqual(d, [Decision(index: 0, image: "1", action: .accept, label: ["MONOCYTE"], opinion: predicted([0.1, 0.2, 0.6, 0.1]))])
        XCTAssertEqual(s.labels[0], .init(categories: ["MONOCYTE"], source: .person))
        XCTAssertEqual(s.current, 1)
        XCTAssertEqual(s.reviewedCount, 1)
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

    func testHelpAndQuit() {
        let (s, _) = run(session(), [.toggleHelp])
        XCTAssertTrue(s.showingHelp)
        let (t, d) = run(s, [.quit])
        XCTAssertTrue(t.finished)
        XCTAssertTrue(d.isEmpty)
    }
}
