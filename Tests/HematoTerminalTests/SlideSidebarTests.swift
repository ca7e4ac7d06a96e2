import XCTest
import HematoReview
@testable import HematoTerminal

/// The sidebar's count toward the slide's target.
final class SlideSidebarTests: XCTestCase {
    let model = ["EOSINOPHIL", "LYMPHOCYTE", "MONOCYTE", "NEUTROPHIL"]

    func testTheTotalCountsTowardTheTargetAndSaysWhenItIsReached() {
        let d = Differential(labelSets: [["NEUTROPHIL"], ["LYMPHOCYTE"], ["NEUTROPHIL"]])
        XCTAssertEqual(DifferentialText.lines(d, always: model, width: 30, rows: 9, target: 100).last, "3 of 100 cells")
        XCTAssertEqual(DifferentialText.lines(d, always: model, width: 30, rows: 9, target: 3).last, "3 of 3 cells · reached")
        XCTAssertEqual(DifferentialText.lines(Differential(labelSets: []), always: model, width: 30, rows: 4, target: 200),
                       ["0 of 200 cells"])
        XCTAssertEqual(DifferentialText.lines(d, always: model, width: 30, rows: 9).last, "3 cells", "no target: as before")
    }
}
