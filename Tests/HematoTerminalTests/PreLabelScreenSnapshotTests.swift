import Foundation
import XCTest
import HematoReview
@testable import HematoTerminal

/// Issue 23: the review screen tells the model's labels from a person's and from labels.csv's own.
final class PreLabelScreenSnapshotTests: XCTestCase {
    let labels = ["EOSINOPHIL", "LYMPHOCYTE", "MONOCYTE", "NEUTROPHIL"]

    func session() -> ReviewSession {
        var written = LabelsFile()
        written.setCategories(["NEUTROPHIL"], forImage: "1")
        written.setCategories(["EOSINOPHIL"], forImage: "2")
        let record = PreLabelRecord(tool: "classify", model: "m", lab: nil, date: Date(timeIntervalSince1970: 1_796_000_000),
                                    labels: written, probabilities: [:])
        var s = ReviewSession(names: ["BloodImage_00001.jpg", "BloodImage_00002.jpg", "BloodImage_00003.jpg"],
                              modelLabels: labels, existing: written, preLabels: PreLabels(record))
        s = s.reduce(.opinion(index: 0, .predicted(probabilities: [0.05, 0.02, 0.13, 0.80], imageHash: "h"))).0
        s = s.reduce(.opinion(index: 1, .predicted(probabilities: [0.10, 0.10, 0.70, 0.10], imageHash: "h"))).0
        return s.reduce(.first).0
    }

    func screen() -> ReviewScreen { ReviewScreen(folderName: "slides/patient 7", graphicsMode: .blocks, theme: .builtIn) }

    func testAPreLabelSaysWhoWroteItAndIsNotCountedAsReviewed() throws {
        var grid = CellGrid(width: 100, height: 24)
        screen().draw(session(), into: &grid)
        XCTAssertTrue(grid.text.contains("0/3 reviewed · 2 pre-labelled"), grid.text)
        XCTAssertTrue(grid.text.contains("model's label, not reviewed"), grid.text)
        XCTAssertTrue(grid.text.contains("(classify, 2026-11-30)"), grid.text)
        try assertSnapshot(grid, "pre-labelled-100x24")
    }

    /// The pre-label the adapted model no longer agrees with: the sidebar says both, on lines of their own.
    func testAPreLabelTheModelNowDisagreesWithKeepsEveryLine() throws {
        let s = session().reduce(.next).0
        var grid = CellGrid(width: 100, height: 24)
        screen().draw(s, into: &grid)
        let lines = grid.text.split(separator: "\n").map(String.init)
        let origin = try XCTUnwrap(lines.firstIndex { $0.contains("model's label, not reviewed") })
        XCTAssertTrue(lines[origin + 1].contains("(classify, 2026-11-30)"), lines[origin + 1])
        XCTAssertTrue(lines[origin + 2].contains("model says MONOCYTE"), lines[origin + 2])
        XCTAssertTrue(lines[origin + 3].contains("Model"), lines[origin + 3])
    }

    func testAfterEnterThePreLabelIsAReviewersLabel() throws {
        let s = session().reduce(.accept).0.reduce(.previous).0
        var grid = CellGrid(width: 100, height: 24)
        screen().draw(s, into: &grid)
        XCTAssertTrue(grid.text.contains("1/3 reviewed · 1 pre-labelled"), grid.text)
        XCTAssertTrue(grid.text.contains("set by a reviewer"), grid.text)
    }
}
