import XCTest
import HematoAdapt
@testable import HematoReview

/// The lab's own classes are never learnt: the model cannot predict them, so its head leaves them out.
final class ReviewerClassLearningTests: XCTestCase {
    func testALabsClassDecisionTeachesNothing() {
        let prior = LinearHead(classes: 2, dimensions: 2, weights: [Float](repeating: 0, count: 4), bias: [0, 0])
        var learner = LabLearner(prior: prior, shiftReference: nil)
        var s = ReviewSession(names: ["BloodImage_00001.jpg", "BloodImage_00002.jpg"], modelLabels: ["EOSINOPHIL", "NEUTROPHIL"])
        _ = learner.observe(index: 0, feature: [1, 0])
        _ = learner.observe(index: 1, feature: [0, 1])
        s = s.reduce(.set("BAND")).0
        s = s.reduce(.set("NEUTROPHIL")).0
        XCTAssertEqual(s.labels[0]?.categories, ["BAND"])
        XCTAssertEqual(learner.personDecisions(s).map(\.1), [1], "only NEUTROPHIL is learnt")
        XCTAssertEqual(learner.examples(for: s).labels, [1])
    }
}
