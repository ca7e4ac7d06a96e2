import XCTest
@testable import HematoBatch

final class ScoresTests: XCTestCase {
    let labels = ["A", "B", "C"]

    func testCountsWorkedByHand() {
        // truth A A B B C; predicted A B B B A
        let p: [[Float]] = [[0.9, 0.05, 0.05], [0.2, 0.7, 0.1], [0.1, 0.8, 0.1], [0.3, 0.6, 0.1], [0.5, 0.2, 0.3]]
        let s = Scores(labels: labels, truth: [0, 0, 1, 1, 2], probabilities: p)
        XCTAssertEqual(s.n, 5)
        XCTAssertEqual(s.accuracy, 0.6, accuracy: 1e-12)
        XCTAssertEqual(s.confusion, [[1, 1, 0], [0, 2, 0], [1, 0, 0]])
        XCTAssertEqual(s.perClassRecall, ["A": 0.5, "B": 1, "C": 0])
        // F1: A p=1/2 r=1/2 → 0.5; B p=2/3 r=1 → 0.8; C 0 → macro 0.4333…
        XCTAssertEqual(s.macroF1, (0.5 + 0.8 + 0) / 3, accuracy: 1e-12)
        // Bins: 0.9 (right), 0.7 (wrong), 0.8 (right), 0.6 (right), 0.5 (wrong), each alone in its bin.
        let gaps: [Double] = [0.1, 0.7, 0.2, 0.4, 0.5]
        let ece = gaps.reduce(0, +) / 5
        XCTAssertEqual(s.expectedCalibrationError, ece, accuracy: 1e-6)
    }

    func testPerfectAndConfidentIsCalibrated() {
        let s = Scores(labels: labels, truth: [0, 1, 2], probabilities: [[1, 0, 0], [0, 1, 0], [0, 0, 1]])
        XCTAssertEqual(s.accuracy, 1)
        XCTAssertEqual(s.macroF1, 1)
        XCTAssertEqual(s.expectedCalibrationError, 0)
    }
}
