import XCTest
import HematoAdapt
@testable import HematoReview

/// Expected values are published worked examples or worked by hand (shown), never the code's own output.
final class AgreementStatisticsTests: XCTestCase {
    /// Newcombe, "Two-sided confidence intervals for the single proportion", Stat. Med. 1998;17:857–872,
    /// Table II, method 3 (Wilson score, no continuity correction), to 4 decimals.
    func testWilsonMatchesNewcombesTable() throws {
        let cases: [(Int, Int, Double, Double)] = [
            (81, 263, 0.2553, 0.3662),
            (15, 148, 0.0624, 0.1605),
            (0, 20, 0.0000, 0.1611),
            (1, 29, 0.0061, 0.1718),
        ]
        for (x, n, lower, upper) in cases {
            let ci = try XCTUnwrap(WilsonInterval(successes: x, trials: n))
            XCTAssertEqual(ci.lower, lower, accuracy: 0.00006, "\(x)/\(n)")
            XCTAssertEqual(ci.upper, upper, accuracy: 0.00006, "\(x)/\(n)")
        }
    }

    /// 0/20 by hand: z²/n-weighted centre (0 + 1.9208/20)/(1 + 3.8415/20) = 1.9208/23.8415 = 0.080565,
    /// half-width 1.96/23.8415 · √(3.8415/4) = 0.080565, so 0 … 0.16113; 20/20 is its mirror image.
    func testWilsonIsSymmetricAndStaysInsideZeroToOne() throws {
        let all = try XCTUnwrap(WilsonInterval(successes: 20, trials: 20))
        XCTAssertEqual(all.upper, 1)
        XCTAssertEqual(all.lower, 1 - 0.16113, accuracy: 0.00002)
        let none = try XCTUnwrap(WilsonInterval(successes: 0, trials: 20))
        XCTAssertEqual(none.lower, 0)
        XCTAssertEqual(none.upper, 0.16113, accuracy: 0.00002)
        XCTAssertNil(WilsonInterval(successes: 0, trials: 0))
        XCTAssertNil(WilsonInterval(successes: 3, trials: 2))
    }

    /// The worked examples of Wikipedia's "Cohen's kappa" article.
    func testKappaMatchesThePublishedTwoByTwoExamples() throws {
        // 50 grant proposals: pₒ = 35/50 = 0.7, pₑ = (25·30 + 25·20)/50² = 0.5, κ = 0.2/0.5 = 0.4.
        let a = AgreementMatrix(labels: ["Yes", "No"], counts: [[20, 5], [10, 15]])
        XCTAssertEqual(try XCTUnwrap(a.accuracy), 0.7, accuracy: 1e-12)
        XCTAssertEqual(try XCTUnwrap(a.kappa), 0.4, accuracy: 1e-12)
        // Same pₒ = 0.6, different marginals: pₑ = 0.54 → κ = 0.06/0.46 = 0.1304; pₑ = 0.46 → κ = 0.14/0.54 = 0.2593.
        XCTAssertEqual(try XCTUnwrap(AgreementMatrix(labels: ["+", "-"], counts: [[45, 15], [25, 15]]).kappa), 0.06 / 0.46, accuracy: 1e-12)
        XCTAssertEqual(try XCTUnwrap(AgreementMatrix(labels: ["+", "-"], counts: [[25, 35], [5, 35]]).kappa), 0.14 / 0.54, accuracy: 1e-12)
    }

    /// Three classes by hand: n = 10, 8 on the diagonal (pₒ = 0.8); rows 3, 3, 4 and columns 3, 4, 3,
    /// so pₑ = (3·3 + 3·4 + 4·3)/100 = 0.33 and κ = 0.47/0.67 = 47/67.
    func testKappaForThreeClassesByHand() throws {
        let m = AgreementMatrix(labels: ["A", "B", "C"], counts: [[2, 1, 0], [0, 3, 0], [1, 0, 3]])
        XCTAssertEqual(m.total, 10)
        XCTAssertEqual(m.agreed, 8)
        XCTAssertEqual(try XCTUnwrap(m.kappa), 47.0 / 67.0, accuracy: 1e-12)
    }

    func testKappaIsUndefinedWithoutItemsOrWhenChanceAgreementIsCertain() {
        XCTAssertNil(AgreementMatrix(pairs: []).kappa)
        XCTAssertNil(AgreementMatrix(pairs: []).accuracy)
        let one = AgreementMatrix(pairs: [("N", "N"), ("N", "N")])
        XCTAssertEqual(one.accuracy, 1)
        XCTAssertNil(one.kappa)
        // Complete disagreement between two classes used equally: pₒ = 0, pₑ = 0.5, κ = −1.
        XCTAssertEqual(AgreementMatrix(pairs: [("A", "B"), ("B", "A")]).kappa, -1)
    }

    func testPairsAreTalliedReviewerByRowInTheGivenOrder() {
        let m = AgreementMatrix(pairs: [("A", "A"), ("A", "B"), ("B", "B"), ("C", "A")], order: ["B", "A", "D"])
        XCTAssertEqual(m.labels, ["B", "A", "D", "C"])
        XCTAssertEqual(m.counts, [[1, 0, 0, 0], [1, 1, 0, 0], [0, 0, 0, 0], [0, 1, 0, 0]])
    }

    func testMedian() {
        XCTAssertNil(median([] as [Double]))
        XCTAssertEqual(median([3, 1, 2]), 2)
        XCTAssertEqual(median([4, 1, 3, 2]), 2.5)
    }
}
