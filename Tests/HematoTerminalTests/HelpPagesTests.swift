import XCTest
import HematoReview
@testable import HematoTerminal

/// The help's pages: how many a terminal needs, and which keys turn them.
final class HelpPagesTests: XCTestCase {
    func testPagesFollowTheTerminalsSize() {
        // Three pages at 80×24 since the keymap gained C (calibration), ! (flag) and S (sign off).
        XCTAssertEqual(HelpPages(keymap: .review, width: 80, height: 24).count, 3)
        XCTAssertEqual(HelpPages(keymap: .review, width: 100, height: 48).count, 1, "tall enough for every binding")
        let wide = HelpPages(keymap: .review, width: 160, height: 30)
        XCTAssertEqual(wide.count, 1, "two whole columns")
        XCTAssertEqual(wide.columns, 2)
        // Every binding is on some page, in the keymap's order, whatever the size.
        for (w, h) in [(80, 24), (100, 48), (160, 30), (60, 12)] {
            let lines = HelpPages(keymap: .review, width: w, height: h).pages.flatMap { $0 }
            let helps = Keymap.review.bindings.map(\.help).filter { h in lines.contains { $0.help == h } }
            XCTAssertEqual(lines.map(\.help).filter(helps.contains), helps, "\(w)×\(h)")
            XCTAssertGreaterThanOrEqual(lines.count, Keymap.review.bindings.count - 4, "\(w)×\(h): only the add keys share a line")
        }
    }

    func testArrowsSpaceAndPageKeysTurnWhereThereIsAPageAndAnyOtherKeyCloses() {
        let help = HelpPages(keymap: .review, width: 80, height: 24)
        for key in [Key.right, .pageDown, .character(" "), .character("j")] {
            XCTAssertEqual(help.action(for: key, onPage: 0), .turnHelpPage(1), key.label)
            XCTAssertEqual(help.action(for: key, onPage: help.count - 1), .toggleHelp, "\(key.label) on the last page closes")
        }
        for key in [Key.left, .pageUp, .character("k")] {
            XCTAssertEqual(help.action(for: key, onPage: 1), .turnHelpPage(-1), key.label)
            XCTAssertEqual(help.action(for: key, onPage: 0), .toggleHelp, "\(key.label) on the first page closes")
        }
        for key in [Key.escape, .enter, .character("q"), .character("n"), .character("?")] {
            XCTAssertEqual(help.action(for: key, onPage: 0), .toggleHelp, key.label)
        }
    }

    func testOpeningTheHelpStartsAtItsFirstPage() {
        var s = ReviewSession(names: ["a.jpg"], modelLabels: ["EOSINOPHIL"])
        s = s.reduce(.toggleHelp).0.reduce(.turnHelpPage(1)).0
        XCTAssertEqual(s.helpPage, 1)
        s = s.reduce(.turnHelpPage(-1)).0.reduce(.turnHelpPage(-1)).0
        XCTAssertEqual(s.helpPage, 0, "never before the first")
        s = s.reduce(.turnHelpPage(1)).0.reduce(.toggleHelp).0.reduce(.toggleHelp).0
        XCTAssertTrue(s.showingHelp)
        XCTAssertEqual(s.helpPage, 0)
    }
}
