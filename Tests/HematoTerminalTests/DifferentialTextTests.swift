import XCTest
import HematoReview
@testable import HematoTerminal

/// The sidebar's live differential and the label's wrapping, as text.
final class DifferentialTextTests: XCTestCase {
    let model = ["EOSINOPHIL", "LYMPHOCYTE", "MONOCYTE", "NEUTROPHIL"]

    func testTwoClassesALineThenTheCells() {
        let d = Differential(labelSets: [["NEUTROPHIL"], ["NEUTROPHIL", "LYMPHOCYTE"], ["EOSINOPHIL"], ["NEUTROPHIL"]])
        XCTAssertEqual(DifferentialText.lines(d, always: model, width: 30, rows: 9), [
            "EOS 1 20%      LYM 1 20%",
            "MON 0 0%       NEU 3 60%",
            "5 cells · 1 multi-label image",
        ])
    }

    func testABasophilAppearsOnceCountedAndShortRowsDropTheTotalFirst() {
        let d = Differential(labelSets: [["BASOPHIL"], ["MONOCYTE"], ["MONOCYTE"], ["MONOCYTE"]])
        XCTAssertEqual(DifferentialText.lines(d, always: model, width: 30, rows: 9), [
            "EOS 0 0%       LYM 0 0%",
            "MON 3 75%      NEU 0 0%",
            "BAS 1 25%",
            "4 cells",
        ])
        XCTAssertEqual(DifferentialText.lines(d, always: model, width: 30, rows: 3).count, 3)
        XCTAssertEqual(DifferentialText.lines(d, always: model, width: 30, rows: 3).last, "BAS 1 25%")
        XCTAssertEqual(DifferentialText.lines(d, always: model, width: 30, rows: 1), ["EOS 0 0%       LYM 0 0%"])
        XCTAssertEqual(DifferentialText.lines(d, always: model, width: 30, rows: 0), [])
    }

    func testNothingLabelledYetAndClassesThatShareTheirFirstLetters() {
        XCTAssertEqual(DifferentialText.lines(Differential(labelSets: []), always: model, width: 30, rows: 4), ["no labels yet"])
        let d = Differential(labelSets: [["NEUTROPHIL"], ["NEUTROPHIL BAND"]])
        XCTAssertEqual(DifferentialText.lines(d, always: [], width: 30, rows: 9),
                       ["NEUTROPHIL 1 50%", "NEUTROPHIL BAND 1 50%", "2 cells"])
    }

    func testALabelIsWrappedAfterACommaAndACutOneEndsInAnEllipsis() {
        XCTAssertEqual(ReviewScreen.labelLines(["NEUTROPHIL"], width: 30, maxLines: 2), ["NEUTROPHIL"])
        XCTAssertEqual(ReviewScreen.labelLines(["NEUTROPHIL", "EOSINOPHIL", "LYMPHOCYTE"], width: 30, maxLines: 2),
                       ["NEUTROPHIL, EOSINOPHIL,", "LYMPHOCYTE"])
        XCTAssertEqual(ReviewScreen.labelLines(["NEUTROPHIL", "EOSINOPHIL", "LYMPHOCYTE", "MONOCYTE", "BASOPHIL"], width: 30, maxLines: 2),
                       ["NEUTROPHIL, EOSINOPHIL,", "LYMPHOCYTE, MONOCYTE, BASOPHIL"], "exactly the width: whole")
        XCTAssertEqual(ReviewScreen.labelLines(["NEUTROPHIL", "EOSINOPHIL", "LYMPHOCYTE", "MONOCYTE", "BASOPHIL"], width: 28, maxLines: 2),
                       ["NEUTROPHIL, EOSINOPHIL,", "LYMPHOCYTE, MONOCYTE, BASOP…"])
        XCTAssertEqual(ReviewScreen.labelLines(["NEUTROPHIL", "EOSINOPHIL"], width: 15, maxLines: 1), ["NEUTROPHIL, EO…"])
        XCTAssertEqual(ReviewScreen.labelLines(["A\u{1B}[2J"], width: 30, maxLines: 1), ["A\\e[2J"], "escaped, as file names are")
    }
}
