import XCTest
@testable import HematoReview

/// One answer on every screen: once the model has adapted, the first cell's line says what the
/// bars and Enter say; a further cell, judged only by the shipped model, says so.
final class OneAnswerTests: XCTestCase {
    let labels = ["EOSINOPHIL", "LYMPHOCYTE", "MONOCYTE", "NEUTROPHIL"]

    func testTheFirstCellLineIsTheImagesAnswerAfterTheModelAdapts() {
        var s = ReviewSession(names: ["a.jpg"], modelLabels: labels)
        let shipped: [Float] = [0.05, 0.05, 0.84, 0.06]
        s = s.reduce(.opinion(index: 0, .predicted(probabilities: shipped, imageHash: "h"))).0
        s = s.reduce(.cellsFound(index: 0, [CellOpinion(x: 0, y: 0, width: 0.5, height: 0.5, probabilities: shipped),
                                            CellOpinion(x: 0.5, y: 0.5, width: 0.4, height: 0.4, probabilities: [0.9, 0.04, 0.03, 0.03])])).0
        XCTAssertEqual(s.cellLines(0), [.init(label: "MONOCYTE", percent: 84, shipped: false), .init(label: "EOSINOPHIL", percent: 90, shipped: false)])
        var trust = s.trust
        trust.adaptedTo = 3
        trust.keptPrior = false
        s = s.reduce(.repredicted([0: [0.1, 0.77, 0.1, 0.03]], trust: trust)).0
        XCTAssertEqual(s.predictedClass(0), "LYMPHOCYTE")
        XCTAssertEqual(s.cellLines(0).first, .init(label: "LYMPHOCYTE", percent: 77, shipped: false), "the bars' answer, not the shipped model's MONOCYTE 84 %")
        XCTAssertEqual(s.cellLines(0).last, .init(label: "EOSINOPHIL", percent: 90, shipped: true), "only the shipped model has judged the second cell")
    }
}
