import XCTest
@testable import HematoReview

/// The slide's target count in the reducer: counted in cells, said once when reached.
final class SlideTargetTests: XCTestCase {
    let labels = ["EOSINOPHIL", "LYMPHOCYTE", "MONOCYTE", "NEUTROPHIL"]
    let names = (1...5).map { "BloodImage_0000\($0).jpg" }

    func session(target: Int?) -> ReviewSession {
        var s = ReviewSession(names: names, modelLabels: labels)
        s.target = target
        return s
    }

    func testTheDecisionThatReachesTheTargetSaysSoAndTheNextDoesNot() {
        let (two, _) = session(target: 3).run([.set("NEUTROPHIL"), .set("LYMPHOCYTE")])
        XCTAssertFalse(two.targetReached)
        XCTAssertEqual(two.cellCountText, "2 of 3 cells")
        XCTAssertNil(two.message)
        // A second class on one image is a cell too: the third cell reaches it.
        let (three, _) = two.run([.previous, .add("MONOCYTE")])
        XCTAssertTrue(three.targetReached)
        XCTAssertEqual(three.message, "Target reached: 3 of 3 cells.")
        XCTAssertEqual(three.cellCountText, "3 of 3 cells · target reached")
        let (four, _) = three.run([.next, .set("EOSINOPHIL")])
        XCTAssertNil(four.message, "said once, not on every decision after")
        // Undo below the target and reach it again: said again.
        let (again, _) = four.run([.undo, .undo, .add("MONOCYTE")])
        XCTAssertEqual(again.message, "Target reached: 3 of 3 cells.")
    }

    func testWithoutATargetNothingIsSaid() {
        let (s, _) = session(target: nil).run([.set("NEUTROPHIL"), .set("LYMPHOCYTE"), .set("MONOCYTE")])
        XCTAssertFalse(s.targetReached)
        XCTAssertEqual(s.cellCountText, "3 cells")
        XCTAssertNil(s.message)
    }

    func testReachingTheTargetOnTheLastImageKeepsTheLastImageWord() {
        let (s, _) = session(target: 5).run((0..<5).map { _ in .set("NEUTROPHIL") })
        XCTAssertEqual(s.message, "Target reached: 5 of 5 cells. Last image labelled. Press q to quit (all saved).")
    }
}
