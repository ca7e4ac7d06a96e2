import Foundation
import XCTest
import HematoReview
@testable import HematoTerminal

/// The screen drawn into a grid and compared, as text, with a snapshot file: the characters,
/// then every cell's colours and attributes (`CellGrid.styleText`), so a wrong colour fails too.
/// A changed screen fails until the snapshot is looked at and re-recorded
/// with HV_RECORD_SNAPSHOTS=1.
final class ReviewScreenSnapshotTests: XCTestCase {
    static let snapshots = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Snapshots")
    let labels = ["EOSINOPHIL", "LYMPHOCYTE", "MONOCYTE", "NEUTROPHIL"]

    /// The style map is what catches a wrong colour: here the top class's bar is drawn in the
    /// plain bar colour, as a slip in the screen would draw it, and the snapshot must differ.
    func testASnapshotSeesAWrongColour() throws {
        var grid = CellGrid(width: 100, height: 24)
        _ = screen().draw(session(), into: &grid)
        let right = grid.styleText
        let theme = Theme.builtIn
        var recoloured = grid
        for y in 0..<grid.height {
            for x in 0..<grid.width where grid[x, y].style == theme["bar_top"] {
                recoloured[x, y] = CellGrid.Cell(character: grid[x, y].character, style: theme["bar"])
            }
        }
        XCTAssertEqual(recoloured.text, grid.text, "the same characters")
        XCTAssertNotEqual(recoloured.styleText, right)
        XCTAssertNotEqual(theme["bar_top"], theme["bar"], "the built-in theme tells the top bar apart")
    }

    func session() -> ReviewSession {
        var existing = LabelsFile()
        existing.setCategories(["NEUTROPHIL", "EOSINOPHIL"], forImage: "3")
        var s = ReviewSession(names: ["BloodImage_00001.jpg", "BloodImage_00002.jpg", "BloodImage_00003.jpg", "evil\u{1B}[2J.jpg"],
                              modelLabels: labels, existing: existing)
        s = s.reduce(.opinion(index: 0, .predicted(probabilities: [0.05, 0.02, 0.13, 0.80], imageHash: "h"))).0
        s = s.reduce(.opinion(index: 1, .predicted(probabilities: [0.70, 0.10, 0.10, 0.10], imageHash: "h"))).0
        return s
    }

    func screen() -> ReviewScreen { ReviewScreen(folderName: "slides/patient 7", graphicsMode: .blocks, theme: .builtIn) }

    /// Issue 11, defect 16: the screen says when the file's label and the model disagree (Enter keeps the label).
    func testALabelTheModelDisagreesWithIsPointedOut() {
        var s = session()
        s = s.reduce(.opinion(index: 2, .predicted(probabilities: [0.05, 0.02, 0.83, 0.10], imageHash: "h"))).0
        s = s.reduce(.next).0
        s = s.reduce(.next).0
        XCTAssertEqual(s.current, 2)
        var grid = CellGrid(width: 100, height: 24)
        _ = screen().draw(s, into: &grid)
        XCTAssertTrue(grid.text.contains("NEUTROPHIL, EOSINOPHIL"), grid.text)
        XCTAssertTrue(grid.text.contains("model says MONOCYTE"), grid.text)
        var agreeing = session()
        agreeing = agreeing.reduce(.set("NEUTROPHIL")).0.reduce(.previous).0
        var grid2 = CellGrid(width: 100, height: 24)
        _ = screen().draw(agreeing, into: &grid2)
        XCTAssertFalse(grid2.text.contains("model says"), grid2.text)
    }

    /// Issue 22, item 16: a lab adapted to earlier sittings' decisions, none yet in this one: the
    /// Model lines said "no decisions yet" beside "adapted to 167 decisions".
    func testTheModelLinesDoNotContradictEachOther() {
        var s = session()
        var trust = s.trust
        trust.adaptedTo = 167
        trust.keptPrior = false
        s = s.reduce(.repredicted([:], trust: trust)).0
        var grid = CellGrid(width: 100, height: 24)
        _ = screen().draw(s, into: &grid)
        // The Model block's first line is now the trust line (issue 21): what blind calls measured, not
        // a count of this sitting's decisions, so nothing beside "adapted to 167" can deny it.
        XCTAssertTrue(grid.text.contains("Model  not measured: no blind calls"), grid.text)
        XCTAssertTrue(grid.text.contains("adapted to 167 decisions"), grid.text)
        XCTAssertFalse(grid.text.contains("no decisions yet"), grid.text)
        var fresh = CellGrid(width: 100, height: 24)
        _ = screen().draw(session(), into: &fresh)
        XCTAssertTrue(fresh.text.contains("Model  not measured: no blind calls"), fresh.text)
        XCTAssertTrue(fresh.text.contains("as shipped"), fresh.text)
    }

    func testFirstImageWithAPrediction() throws {
        var grid = CellGrid(width: 100, height: 24)
        let pane = screen().draw(session(), into: &grid)
        XCTAssertEqual(pane, ReviewScreen.Rect(x: 0, y: 1, width: 61, height: 21))
        try assertSnapshot(grid, "first-image-100x24")
    }

    func testAfterADecisionAndOnAFileNameWithEscapes() throws {
        var s = session().reduce(.set("MONOCYTE")).0  // image 1 → MONOCYTE, now on image 2
        s = s.reduce(.next).0.reduce(.next).0        // image 4, the odd name, not yet classified
        var grid = CellGrid(width: 100, height: 24)
        screen().draw(s, into: &grid)
        XCTAssertTrue(grid.text.contains("evil\\e[2J.jpg"), "the escape is shown, not sent")
        try assertSnapshot(grid, "escaped-name-100x24")
    }

    func testHelpListsEveryBinding() throws {
        var s = session()
        s = s.reduce(.toggleHelp).0
        // 48 rows: the keymap grew with Home, End, the page keys, g, / and F, the gallery's keys, c, z, C, ! and S.
        var grid = CellGrid(width: 100, height: 48)
        XCTAssertNil(screen().draw(s, into: &grid), "no picture under the help")
        for b in Keymap.review.bindings { XCTAssertTrue(grid.text.contains(b.help), b.help) }
        let rows = grid.text.split(separator: "\n", omittingEmptySubsequences: false)
        XCTAssertTrue(rows[47].contains("accept"), "the hint bar stays in view under the help")
        try assertSnapshot(grid, "help-100x48")
    }

    /// At 80×24 the help takes three pages, each help text whole (the five add keys share a line):
    /// every binding is on one of them, and each page says how to turn and how to close.
    func testHelpAt80x24ShowsEveryKeyWholeOnThreePages() throws {
        let open = session().reduce(.toggleHelp).0
        var first = CellGrid(width: 80, height: 24), second = CellGrid(width: 80, height: 24), third = CellGrid(width: 80, height: 24)
        screen().draw(open, into: &first)
        screen().draw(open.reduce(.turnHelpPage(1)).0, into: &second)
        screen().draw(open.reduce(.turnHelpPage(1)).0.reduce(.turnHelpPage(1)).0, into: &third)
        let all = first.text + second.text + third.text
        for b in Keymap.review.bindings {
            if case .add = b.action { continue }
            XCTAssertTrue(all.contains(b.keys.map(\.label).joined(separator: " ")), b.help)
            XCTAssertTrue(all.contains(b.help), "cut: \(b.help)")
        }
        XCTAssertTrue(first.text.contains("E L M N B    add a class (an image with several cells)"))
        XCTAssertFalse(all.contains("…"), "nothing is cut at 80 columns")
        XCTAssertTrue(first.text.contains("Keys · page 1 of 3"))
        XCTAssertTrue(first.text.contains("→ next page   any other key closes this"))
        XCTAssertTrue(second.text.contains("Keys · page 2 of 3"))
        XCTAssertTrue(second.text.contains("→ next page   ← back   any other key closes this"))
        XCTAssertTrue(third.text.contains("Keys · page 3 of 3"))
        XCTAssertTrue(third.text.contains("← back   any other key closes this"))
        XCTAssertTrue(first.text.split(separator: "\n").last!.contains("accept"), "the hint bar stays in view")
        try assertSnapshot(first, "help-80x24")
        try assertSnapshot(second, "help-80x24-page-2")
        // A page past the last (the terminal grew while the help showed) draws the last one.
        var past = CellGrid(width: 80, height: 24)
        screen().draw(open.reduce(.turnHelpPage(1)).0.reduce(.turnHelpPage(1)).0.reduce(.turnHelpPage(1)).0, into: &past)
        XCTAssertEqual(past.text, third.text)
    }

    /// A terminal too narrow for the longest help cuts it with "…", never silently.
    func testHelpOnANarrowTerminalMarksWhatItCuts() {
        var grid = CellGrid(width: 66, height: 50)  // room for 47 cells of help; the longest has 53
        screen().draw(session().reduce(.toggleHelp).0, into: &grid)
        XCTAssertTrue(grid.text.contains("label EOSINOPHIL, next image"), grid.text)
        XCTAssertTrue(grid.text.contains("remove the last of several labels, or blank th…"), grid.text)
        XCTAssertTrue(grid.text.contains("any key closes this"), "one page")
    }

    /// Issue 21 and issue 22 item 12: the trust line (blind calls, their agreement and its
    /// interval) is wrapped over the sidebar's lines at 80 columns, never cut; the open calls apart.
    func testTheTrustLineWrapsWholeAt80Columns() throws {
        var s = ReviewSession(names: (1...40).map { String(format: "BloodImage_%05d.jpg", $0) }, modelLabels: labels)
        for i in 0..<40 { s = s.reduce(.opinion(index: i, .predicted(probabilities: [0.1, 0.1, 0.1, 0.7], imageHash: "h"))).0 }
        s.blind = true
        for n in 0..<24 { s = s.reduce(.set(n < 17 ? "NEUTROPHIL" : "LYMPHOCYTE")).0 }
        s.blind = false
        s = s.reduce(.accept).0.reduce(.set("MONOCYTE")).0
        var grid = CellGrid(width: 80, height: 24)
        screen().draw(s, into: &grid)
        let lines = grid.text.split(separator: "\n").map { String($0.dropFirst(42)).trimmingCharacters(in: .whitespaces) }
        let at = try XCTUnwrap(lines.firstIndex { $0.hasPrefix("Model") }, grid.text)
        XCTAssertEqual(Array(lines[at...(at + 4)]), ["Model  model on this lab: 17 of 24", "blind calls agree, 71%", "(95% CI 51–85%)",
                                                      "open calls: 1 of 2 agree", "as shipped"], grid.text)
        XCTAssertFalse(grid.text.contains("…"), grid.text)
    }

    /// Issue 13: at 80×24, a multi-label too long for one line wraps after a comma (cut ones end
    /// in "…": DifferentialTextTests), and the
    /// differential of the labels so far fits in the rows left (two classes a line).
    func testAMultiLabelAndTheDifferentialAt80x24() throws {
        var s = session().reduce(.set("NEUTROPHIL")).0.reduce(.previous).0
        for cls in ["EOSINOPHIL", "LYMPHOCYTE", "MONOCYTE", "BASOPHIL"] { s = s.reduce(.add(cls)).0 }
        var grid = CellGrid(width: 80, height: 24)
        screen().draw(s, into: &grid)
        XCTAssertTrue(grid.text.contains("NEUTROPHIL, EOSINOPHIL,"), grid.text)
        XCTAssertTrue(grid.text.contains("LYMPHOCYTE, MONOCYTE, BASOPHIL"), grid.text)
        XCTAssertTrue(grid.text.contains("NEU 2 29%"), grid.text)
        try assertSnapshot(grid, "multi-label-80x24")
    }

    /// Issue 13, item 5: in blind review nothing of the answer is on screen before the decision
    /// (no class, no percentage, no "Enter accepts"); after it, the bars and the comparison are.
    func testBlindReviewHidesTheAnswerUntilDecided() throws {
        var s = session()
        s.blind = true
        var grid = CellGrid(width: 100, height: 24)
        screen().draw(s, into: &grid)
        // The sidebar down to the label (below it: the agreement so far and the labels' own counts, which tell nothing of this image).
        let sidebar = grid.text.split(separator: "\n").prefix(14).map { String($0.suffix(ReviewScreen.sidebarWidth)) }.joined(separator: "\n")
        XCTAssertFalse(sidebar.contains("%"), sidebar)
        XCTAssertFalse(sidebar.contains("NEUTROPHIL"), "the top class is not named")
        XCTAssertFalse(grid.text.contains("Enter accept"), "Enter is refused here, so neither the sidebar nor the hint bar offers it")
        XCTAssertTrue(grid.text.contains("hidden until you decide (blind)"), grid.text)
        XCTAssertTrue(grid.text.contains("choose a class (blind)"), grid.text)
        XCTAssertTrue(grid.text.split(separator: "\n")[0].contains("BLIND"))
        try assertSnapshot(grid, "blind-before-100x24")
        let decided = s.reduce(.set("MONOCYTE")).0.reduce(.previous).0
        var after = CellGrid(width: 100, height: 24)
        screen().draw(decided, into: &after)
        XCTAssertTrue(after.text.contains(" 80.0%"), after.text)
        XCTAssertTrue(after.text.contains("model says NEUTROPHIL"), after.text)
        XCTAssertTrue(after.text.split(separator: "\n").last!.contains("Enter accept"), "a labelled image can be confirmed")
    }

    /// The prompt replaces the message line while open; what was typed is shown escaped. A label filter is named in the title.
    func testThePromptAndTheLabelFilterAreShown() {
        var s = session().reduce(.openPrompt(.search)).0
        s = s.reduce(.promptType("\u{1B}")).0.reduce(.promptType("x")).0
        var grid = CellGrid(width: 100, height: 24)
        screen().draw(s, into: &grid)
        let lines = grid.text.split(separator: "\n", omittingEmptySubsequences: false)
        XCTAssertTrue(lines[22].hasPrefix(" Search names: \\ex▏"), String(lines[22]))
        let filtered = session().reduce(.cycleLabelFilter).0
        var grid2 = CellGrid(width: 100, height: 24)
        screen().draw(filtered, into: &grid2)
        XCTAssertTrue(grid2.text.split(separator: "\n")[0].contains("only unlabelled"), grid2.text)
    }

    /// Issue 13: with c and z on, the sidebar says the picture carries the activation map (of which
    /// class) and is zoomed, so a reviewer never takes the heat map or the cut-out for the picture itself.
    func testTheSidebarSaysWhenTheActivationMapAndZoomAreOn() throws {
        let map = ActivationMap(width: 2, height: 2, values: [1, 0, 0, 0], classIndex: 3)
        var s = session().reduce(.activationMapFound(index: 0, map)).0
        var plain = CellGrid(width: 100, height: 24)
        screen().draw(s, into: &plain)
        XCTAssertFalse(plain.text.contains("activation map"), plain.text)
        s = s.reduce(.toggleActivationMap).0.reduce(.toggleZoom).0
        var grid = CellGrid(width: 100, height: 24)
        let pane = screen().draw(s, into: &grid)
        XCTAssertNotNil(pane, "the picture is still shown")
        XCTAssertTrue(grid.text.contains("View   activation map of NEUTROPHIL"), grid.text)
        XCTAssertTrue(grid.text.contains("zoomed to the middle"), grid.text)
        try assertSnapshot(grid, "activation-map-zoom-100x24")
    }

    func testTooSmallTerminalSaysSo() {
        var grid = CellGrid(width: 40, height: 10)
        XCTAssertNil(screen().draw(session(), into: &grid))
        XCTAssertTrue(grid.text.contains("Terminal too small: 40×10"))
    }
}
