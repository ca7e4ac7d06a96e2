import XCTest
import HematoAdapt
@testable import HematoReview

/// The review's side of learning the lab: agreement counted before each
/// decision, predictions replaced when the model adapts, the examples a refit
/// gets, and near ties.
final class LearningInReviewTests: XCTestCase {
    let labels = ["EOSINOPHIL", "LYMPHOCYTE", "MONOCYTE", "NEUTROPHIL"]
    let names = ["a.jpg", "b.jpg", "c.jpg"]

    func predicted(_ p: [Float]) -> ModelOpinion { .predicted(probabilities: p, imageHash: "h") }

    func session(_ opinions: [[Float]]) -> ReviewSession {
        var s = ReviewSession(names: names, modelLabels: labels)
        for (i, p) in opinions.enumerated() { s = s.reduce(.opinion(index: i, predicted(p))).0 }
        return s
    }

    func testAgreementIsCountedAgainstThePredictionShownBeforeTheDecision() {
        var s = session([[0.1, 0.1, 0.1, 0.7], [0.1, 0.1, 0.1, 0.7], [0.7, 0.1, 0.1, 0.1]])
        s = s.reduce(.accept).0                 // agrees: NEUTROPHIL
        s = s.reduce(.set("LYMPHOCYTE")).0      // disagrees
        s = s.reduce(.set("EOSINOPHIL")).0      // agrees
        XCTAssertEqual(s.trust.calls, [0: .init(agreed: true, blind: false), 1: .init(agreed: false, blind: false), 2: .init(agreed: true, blind: false)])
        XCTAssertEqual(s.trust.openCalls, .init(agreed: 2, calls: 3))
        XCTAssertEqual(s.trust.blindCalls, .init(), "none was made with the answer hidden")
    }

    func testAdaptedPredictionsReplaceTheOldOnesAndReorderTheQueue() {
        var s = session([[0.1, 0.1, 0.1, 0.7], [0.1, 0.1, 0.1, 0.7], [0.7, 0.1, 0.1, 0.1]])
        s = s.reduce(.toggleOrder).0            // least confident first: all tie at 0.7, name order
        XCTAssertEqual(s.queue, [0, 1, 2])
        var trust = s.trust
        trust.adaptedTo = 1
        trust.keptPrior = false
        s = s.reduce(.repredicted([1: [0.05, 0.9, 0.03, 0.02], 2: [0.4, 0.3, 0.2, 0.1]], trust: trust)).0
        XCTAssertEqual(s.predictedClass(1), "LYMPHOCYTE")
        XCTAssertEqual(s.opinions[1], predicted([0.05, 0.9, 0.03, 0.02]))
        XCTAssertEqual(s.queue, [2, 0, 1], "the least confident image now comes first")
        XCTAssertEqual(s.trust.adaptedTo, 1)
    }

    /// The head is refitted on a reviewer's label, so its new answer on that very image would
    /// echo the reviewer: the image keeps the answer it was decided against, until the label goes.
    func testAnImageAPersonLabelledKeepsTheAnswerItWasDecidedAgainst() {
        var s = session([[0.1, 0.1, 0.1, 0.7], [0.1, 0.1, 0.1, 0.7], [0.7, 0.1, 0.1, 0.1]])
        s = s.reduce(.set("MONOCYTE")).0        // image 0 corrected; the model said NEUTROPHIL
        let echo: [Int: [Float]] = [0: [0.05, 0.05, 0.85, 0.05], 1: [0.05, 0.05, 0.6, 0.3]]
        s = s.reduce(.repredicted(echo, trust: s.trust)).0
        XCTAssertEqual(s.predictedClass(0), "NEUTROPHIL", "the refit's echo of the reviewer is not shown")
        XCTAssertEqual(s.opinions[0], predicted([0.1, 0.1, 0.1, 0.7]))
        XCTAssertEqual(s.predictedClass(1), "MONOCYTE", "an image nobody labelled takes the refit's answer")
        s = s.reduce(.undo).0                   // the label goes: the next refit speaks for image 0 again
        XCTAssertNil(s.labels[0])
        s = s.reduce(.repredicted([0: [0.2, 0.1, 0.1, 0.6]], trust: s.trust)).0
        XCTAssertEqual(s.opinions[0], predicted([0.2, 0.1, 0.1, 0.6]))
    }

    func testNearTiesAreMarked() {
        let s = session([[0.48, 0.46, 0.03, 0.03], [0.6, 0.3, 0.05, 0.05]])
        XCTAssertTrue(s.isNearTie(0))
        XCTAssertFalse(s.isNearTie(1))
        XCTAssertFalse(s.isNearTie(2), "no prediction yet")
    }

    func testOnlySingleClassDecisionsByAPersonWithAKnownFeatureTeach() {
        let prior = LinearHead(classes: 4, dimensions: 2, weights: [Float](repeating: 0, count: 8), bias: [0, 0, 0, 0])
        var learner = LabLearner(prior: prior, shiftReference: nil)
        var s = session([[0.1, 0.1, 0.1, 0.7], [0.1, 0.1, 0.1, 0.7], [0.7, 0.1, 0.1, 0.1]])
        _ = learner.observe(index: 0, feature: [1, 0])
        _ = learner.observe(index: 1, feature: [0, 1])
        s = s.reduce(.set("MONOCYTE")).0        // image 0: teaches
        s = s.reduce(.add("EOSINOPHIL")).0      // image 1 gets two classes: cannot teach one class
        s = s.reduce(.add("LYMPHOCYTE")).0
        s = s.reduce(.next).0
        s = s.reduce(.set("EOSINOPHIL")).0      // image 2: no feature yet
        let examples = learner.examples(for: s)
        XCTAssertEqual(examples.labels, [2])
        XCTAssertEqual(Array(examples.feature(0)), [1, 0])
    }

    /// Issue 22, item 9: with 100,000 files the kept features grew to 176 MB and on (50,000 kept,
    /// 256 MB). Undecided images' features are capped at 52 MB, the oldest giving way; a decided
    /// image's is always kept, since the head is fitted on it.
    func testKeptFeaturesAreBoundedTheOldestGoAndDecidedOnesStay() {
        XCTAssertLessThanOrEqual(LabLearner.featureLimit * (1280 * 4 + 64), 56 << 20, "the bound the README states")
        var learner = LabLearner(prior: LinearHead(classes: 2, dimensions: 2, weights: [1, 0, 0, 1], bias: [0, 0]), shiftReference: nil)
        _ = learner.observe(index: 0, feature: [0, 1], decided: true)
        _ = learner.observe(index: 1, feature: [0, 1])
        learner.keep(1)  // decided after it was classified
        for i in 2..<(LabLearner.featureLimit + 10) { _ = learner.observe(index: i, feature: [1, 0]) }
        XCTAssertLessThanOrEqual(learner.features.count, LabLearner.featureLimit + 2)
        XCTAssertEqual(learner.features[0], [0, 1])
        XCTAssertEqual(learner.features[1], [0, 1])
        XCTAssertNil(learner.features[2], "the oldest undecided went")
        XCTAssertNotNil(learner.features[LabLearner.featureLimit + 9], "the newest is kept")
    }
}

/// Esc never quits: it closes the help, then clears the filter.
final class CancelTests: XCTestCase {
    func testEscClosesHelpThenClearsTheFilterAndNeverQuits() {
        var s = ReviewSession(names: ["a.jpg", "b.jpg"], modelLabels: ["EOSINOPHIL", "LYMPHOCYTE"])
        s = s.reduce(.opinion(index: 0, .predicted(probabilities: [0.9, 0.1], imageHash: "h"))).0
        s = s.reduce(.cycleFilter).0
        s = s.reduce(.toggleHelp).0
        XCTAssertTrue(s.showingHelp)
        s = s.reduce(.cancel).0
        XCTAssertFalse(s.showingHelp)
        XCTAssertEqual(s.filter, "EOSINOPHIL")
        s = s.reduce(.cancel).0
        XCTAssertNil(s.filter)
        XCTAssertEqual(s.queue, [0, 1])
        s = s.reduce(.cancel).0
        XCTAssertFalse(s.finished)
        XCTAssertEqual(s.message, "Esc closes the help or clears the filter; q quits.")
    }
}
