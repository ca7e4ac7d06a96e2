import Foundation
import XCTest
import HematoReview
@testable import HematoTerminal

/// The gallery drawn into a grid and compared with a snapshot (characters and colours), as the
/// review screen is (ReviewScreenSnapshotTests; re-record with HV_RECORD_SNAPSHOTS=1).
final class GalleryScreenSnapshotTests: XCTestCase {
    let labels = ["EOSINOPHIL", "LYMPHOCYTE", "MONOCYTE", "NEUTROPHIL"]

    /// 17 images predicted NEUTROPHIL (the last with an escape in its name), confidences 0.40, 0.43, …;
    /// one labelled in labels.csv, one corrected and one accepted by the reviewer; the cursor on the correction.
    func session() -> ReviewSession {
        var names = (1...16).map { String(format: "BloodImage_%05d.jpg", $0) }
        names.append("evil\u{1B}[2J.jpg")
        var existing = LabelsFile()
        existing.setCategories(["MONOCYTE"], forImage: "3")
        var s = ReviewSession(names: names, modelLabels: labels, existing: existing)
        for i in names.indices {
            let c = Float(40 + 3 * i) / 100, rest = (1 - c) / 3
            s = s.reduce(.opinion(index: i, .predicted(probabilities: [rest, rest, rest, c], imageHash: "h"))).0
        }
        for action: ReviewAction in [.toggleGallery, .galleryLayout(columns: 5, rows: 3), .previousPage,
                                     .set("NEUTROPHIL"), .nextRow, .set("LYMPHOCYTE")] {
            s = s.reduce(action).0
        }
        return s
    }

    func screen(_ mode: GraphicsMode = .blocks) -> GalleryScreen {
        GalleryScreen(folderName: "slides/patient 7", graphicsMode: mode, theme: .builtIn)
    }

    func testAPageOfThumbnailsWithCaptionsAndTheCursor() throws {
        XCTAssertTrue(GalleryScreen.layout(width: 100, height: 30) == (5, 3))
        var grid = CellGrid(width: 100, height: 30)
        let panes = screen().draw(session(), into: &grid)
        XCTAssertEqual(panes.map(\.index), Array(0..<15), "least confident first, 5 × 3 on the first page")
        XCTAssertEqual(panes[0].pane, ReviewScreen.Rect(x: 1, y: 2, width: 18, height: 6))
        XCTAssertEqual(panes[6].pane, ReviewScreen.Rect(x: 21, y: 11, width: 18, height: 6))
        let text = grid.text
        XCTAssertTrue(text.contains("gallery NEUTROPHIL · page 1 of 2 · 2/17 reviewed"), text)
        XCTAssertTrue(text.contains("#1  40%"), text)
        let rows = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        XCTAssertTrue(rows[17].hasPrefix("│#6  55%      ->LYM│"), "the correction under the cursor: \(rows[17])")
        XCTAssertEqual(grid[15, 17].style.foreground, Theme.builtIn["warning"].foreground, "in the correction's colour")
        XCTAssertEqual(grid[1, 17].style, Theme.builtIn["title"], "the cursor's caption")
        XCTAssertTrue(rows[8].contains("#3  46%    csv MON"), "a label from labels.csv: \(rows[8])")
        XCTAssertEqual(String([grid[17, 8].character, grid[18, 8].character]), "ok", "the accepted one")
        XCTAssertEqual(grid[18, 8].style, Theme.builtIn["person"])
        XCTAssertEqual(grid[0, 10].character, "─", "the frame round the cursor's thumbnail")
        XCTAssertEqual(grid[19, 18].character, "┘")
        XCTAssertEqual(grid[0, 10].style, Theme.builtIn["bar_top"])
        XCTAssertEqual(grid[20, 10].character, " ", "no frame round the others")
        try assertSnapshot(grid, "gallery-100x30")
    }

    /// The second page: two thumbnails, the odd name escaped, never sent raw.
    func testTheLastPageAndAnEscapedName() throws {
        let s = session().reduce(.nextPage).0.reduce(.next).0
        var grid = CellGrid(width: 100, height: 30)
        let panes = screen().draw(s, into: &grid)
        XCTAssertEqual(panes.map(\.index), [15, 16])
        XCTAssertTrue(grid.text.contains("│evil\\e[2J.jpg  88%│"), grid.text)
        XCTAssertFalse(grid.text.contains("\u{1B}"))
        XCTAssertTrue(grid.text.contains("page 2 of 2"), grid.text)
    }

    /// The gallery's keys are in the help at 80×24 too (on its second page), each with its whole text.
    func testTheHelpListsTheGallerysKeysAt80x24() {
        let screen = ReviewScreen(folderName: "f", graphicsMode: .blocks, theme: .builtIn)
        let open = session().reduce(.toggleHelp).0
        var rows: [String] = []
        for page in [open, open.reduce(.turnHelpPage(1)).0] {
            var small = CellGrid(width: 80, height: 24)
            screen.draw(page, into: &small)
            rows += small.text.split(separator: "\n").map(String.init)
        }
        for b in Keymap.review.bindings {
            switch b.action {
            case .toggleGallery, .previousRow, .nextRow, .acceptPage, .nextPage, .previousPage:
                let key = b.keys[0].label
                XCTAssertTrue(rows.contains { $0.contains(" \(key)" + String(repeating: " ", count: 13 - key.count) + b.help) }, b.help)
            default: break
            }
        }
    }

    /// Thumbnails on a row whose cells changed are written again (curses may rewrite the blank
    /// cells it believes lie between changes, wiping sixel and block pictures). Moving the cursor
    /// changes the frame's and the captions' rows only, none of the pictures' rows (11–16).
    func testTheRowsToPaintAgainAreThoseTheFrameMovedOn() {
        let s = session()
        var before = CellGrid(width: 100, height: 30), after = CellGrid(width: 100, height: 30)
        screen().draw(s, into: &before)
        screen().draw(s.reduce(.next).0, into: &after)  // the frame moves one thumbnail right, on the same tile row
        XCTAssertEqual(ReviewApp.changedRows(from: before, to: after), [10, 17, 18], "the frame and captions, no picture row")
        XCTAssertEqual(ReviewApp.changedRows(from: before, to: before), [])
        XCTAssertEqual(ReviewApp.changedRows(from: nil, to: before), Set(0..<30))
        XCTAssertEqual(ReviewApp.changedRows(from: CellGrid(width: 80, height: 30), to: before), Set(0..<30))
    }

    /// An 80×24 terminal: 4 × 2 a page; pictures off: captions, no panes.
    func testASmallTerminalAndPicturesOff() throws {
        XCTAssertTrue(GalleryScreen.layout(width: 80, height: 24) == (4, 2))
        XCTAssertTrue(GalleryScreen.layout(width: 110, height: 32) == (6, 3))
        XCTAssertTrue(GalleryScreen.layout(width: 160, height: 50) == (6, 4))
        let s = session().reduce(.galleryLayout(columns: 4, rows: 2)).0
        var grid = CellGrid(width: 80, height: 24)
        XCTAssertEqual(screen(.none).draw(s, into: &grid).count, 0)
        XCTAssertTrue(grid.text.contains("(pictures off)"), grid.text)
        XCTAssertTrue(grid.text.contains("page 1 of 3"), grid.text)
    }

    /// Issue 22, item 16: after a correction the caption kept "…02.bmp ->MON" of
    /// "slide2/field_002.bmp", which could be 002, 102 or 202. The file's name stays whole; the
    /// extension gives way first, then the percentage.
    func testACorrectedCaptionKeepsTheNamesNumber() throws {
        let names = ["slide2/field_002.bmp", "slide2/field_102.bmp", "slide2/field_202.bmp"]
        var s = ReviewSession(names: names, modelLabels: ["EOSINOPHIL", "LYMPHOCYTE", "MONOCYTE", "NEUTROPHIL"])
        for (i, c) in [Float(0.5), 0.6, 0.7].enumerated() {
            s = s.reduce(.opinion(index: i, .predicted(probabilities: [0.1, 0.1, 0.1, c], imageHash: "h"))).0
        }
        s = s.reduce(.toggleGallery).0.reduce(.galleryLayout(columns: 6, rows: 3)).0
        s = s.reduce(.set("MONOCYTE")).0  // the first, field_002
        var grid = CellGrid(width: 110, height: 32)
        _ = screen().draw(s, into: &grid)
        let captions = try XCTUnwrap(grid.text.split(separator: "\n").first { $0.contains("->MON") }.map(String.init))
        XCTAssertTrue(captions.contains("…field_002 ->MON"), captions)
        XCTAssertTrue(captions.contains("…/field_102  60%"), captions)
        XCTAssertTrue(captions.contains("…/field_202  70%"), captions)
        var wide = CellGrid(width: 200, height: 32)
        _ = screen().draw(s, into: &wide)
        XCTAssertTrue(wide.text.contains("slide2/field_102.bmp  60%"), "with room, name and percentage whole: " + wide.text)
    }
}
