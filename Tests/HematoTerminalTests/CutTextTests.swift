import XCTest
import HematoReview
@testable import HematoTerminal

/// Text too long for its place is cut where a reader can see the cut ("…"), and paths keep their
/// end: at 80 columns a folder "/tmp/explore" once showed as "/tmp", and gallery captions in a
/// folder of class subfolders as "NEUTROPHIL/B…" on every thumbnail.
final class CutTextTests: XCTestCase {
    let labels = ["EOSINOPHIL", "LYMPHOCYTE", "MONOCYTE", "NEUTROPHIL"]

    func testFittingKeepsTheStartOrTheEndAndMarksTheCut() {
        XCTAssertEqual("patient 7".fitted(to: 9), "patient 7")
        XCTAssertEqual("patient 7".fitted(to: 5), "pati…")
        XCTAssertEqual("slides/patient 7".fitted(to: 8, keepingEnd: true), "…tient 7")
        XCTAssertEqual("abc".fitted(to: 0), "")
        XCTAssertEqual("abc".fitted(to: 1), "…")
    }

    func testTheTitleKeepsTheFoldersEndOnBothScreens() {
        let folder = "/data/haematology/2026-11/slides/patient 7"
        var s = ReviewSession(names: (1...3).map { "NEUTROPHIL/BA_\($0)00001.jpg" }, modelLabels: labels)
        for i in 0..<3 { s = s.reduce(.opinion(index: i, .predicted(probabilities: [0.1, 0.1, 0.1, 0.7], imageHash: "h"))).0 }
        var single = CellGrid(width: 80, height: 24)
        ReviewScreen(folderName: folder, graphicsMode: .blocks, theme: .builtIn).draw(s, into: &single)
        let title = String(single.text.split(separator: "\n")[0])
        XCTAssertTrue(title.hasPrefix(" HematoVision  …"), title)
        XCTAssertTrue(title.contains("patient 7 "), title)
        XCTAssertTrue(title.hasSuffix("0/3 reviewed · by name · blocks "), title)

        s = s.reduce(.toggleGallery).0.reduce(.galleryLayout(columns: 4, rows: 2)).0
        var gallery = CellGrid(width: 80, height: 24)
        GalleryScreen(folderName: folder, graphicsMode: .blocks, theme: .builtIn).draw(s, into: &gallery)
        let rows = gallery.text.split(separator: "\n").map(String.init)
        XCTAssertTrue(rows[0].hasPrefix(" HematoVision  …"), rows[0])
        XCTAssertTrue(rows[0].contains("t 7 gallery NEUTROPHIL"), rows[0])
        // The caption keeps the file's name whole (its extension gives way first), never the folder part alone.
        XCTAssertTrue(rows.contains { $0.contains("…IL/BA_100001  70%") }, gallery.text)
        XCTAssertFalse(rows.contains { $0.contains("NEUTROPHIL/") }, gallery.text)
        // The gallery's message line marks a cut as the single view's does (one MessageLine).
        let long = String(repeating: "a long message ", count: 8)
        var said = CellGrid(width: 80, height: 24)
        GalleryScreen(folderName: folder, graphicsMode: .blocks, theme: .builtIn)
            .draw(s.reduce(.notify(long, unlessBusy: false)).0, into: &said)
        XCTAssertEqual(String(said.text.split(separator: "\n")[22]), " " + String(long.prefix(78)) + "…")
    }

    /// A message longer than the line ends in "…"; the text in an empty pane wraps whole within it.
    func testALongMessageShowsItsCutAndThePanesTextWraps() {
        var s = ReviewSession(names: ["a.jpg", "b.jpg"], modelLabels: labels)
        let long = "NOT SAVED: could not write labels.csv in /data/haematology/2026-11/slides/patient 7 (No space left on device)."
        s = s.reduce(.notify(long, unlessBusy: false)).0
        var grid = CellGrid(width: 80, height: 24)
        ReviewScreen(folderName: "f", graphicsMode: .blocks, theme: .builtIn).draw(s, into: &grid)
        let message = String(grid.text.split(separator: "\n")[22])
        XCTAssertEqual(message, " " + String(long.prefix(78)) + "…", message)

        s = s.reduce(.cycleLabelFilter).0.reduce(.cycleLabelFilter).0  // model ≠ label: nothing here
        var empty = CellGrid(width: 80, height: 24)
        ReviewScreen(folderName: "f", graphicsMode: .blocks, theme: .builtIn).draw(s, into: &empty)
        let rows = empty.text.split(separator: "\n").map { String($0.prefix(42)).trimmingCharacters(in: .whitespaces) }
        XCTAssertTrue(rows.contains("No image here is model ≠ label. Press"), empty.text)
        XCTAssertTrue(rows.contains("F for the next filter, Esc for all."), "wrapped whole in the pane:\n" + empty.text)
    }
}
