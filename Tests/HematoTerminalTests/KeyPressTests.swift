import XCTest
import HematoReview
@testable import HematoTerminal

/// What the terminal hands the reducer for a key: each table's meaning, no choice between them.
final class KeyPressTests: XCTestCase {
    func testAKeyCarriesEveryTablesMeaning() {
        let q = Keymap.review.press(.character("q"), helpPages: 2)
        XCTAssertEqual(q.command, .quit)
        XCTAssertEqual(q.promptEdit, .promptType("q"), "typed into an open prompt")
        XCTAssertNil(q.helpStep)
        XCTAssertFalse(q.interrupts)
        XCTAssertFalse(q.overridesModes)
        XCTAssertEqual(q.helpPages, 2)
        let right = Keymap.review.press(.right, helpPages: 2)
        XCTAssertEqual(right.helpStep, 1)
        XCTAssertEqual(Keymap.review.press(.pageUp, helpPages: 2).helpStep, -1)
        XCTAssertTrue(Keymap.review.press(.character("Y"), helpPages: 1).yes)
        XCTAssertFalse(Keymap.review.press(.character("n"), helpPages: 1).yes)
        XCTAssertEqual(Keymap.review.press(.unknown("F5"), helpPages: 1), KeyPress(label: "F5", command: nil))
    }

    func testCtrlCAndCtrlZAreCommandsInEveryModeAndOnlyCtrlCInterrupts() {
        let c = Keymap.review.press(.control("c"), helpPages: 1)
        XCTAssertEqual(c.command, .quit)
        XCTAssertTrue(c.interrupts)
        XCTAssertTrue(c.overridesModes)
        let z = Keymap.review.press(.control("z"), helpPages: 1)
        XCTAssertEqual(z.command, .suspend)
        XCTAssertFalse(z.interrupts)
        XCTAssertTrue(z.overridesModes)
    }

    /// The reducer decides by what is open: the same key quits, types or closes the help.
    func testTheSessionPicksTheMeaningByWhatIsOpen() {
        var s = ReviewSession(names: ["a.png", "b.png"], modelLabels: ["A", "B"])
        let q = ReviewAction.key(Keymap.review.press(.character("q"), helpPages: 1))
        var opened = s
        _ = opened.reduce(.openPrompt(.search)) as [Effect]
        _ = opened.reduce(q) as [Effect]
        XCTAssertEqual(opened.prompt?.text, "q")
        var help = s
        _ = help.reduce(.toggleHelp) as [Effect]
        _ = help.reduce(q) as [Effect]
        XCTAssertFalse(help.showingHelp)
        XCTAssertFalse(help.finished)
        XCTAssertEqual(s.reduce(q) as [Effect], [.quit(interrupted: false)])
        XCTAssertTrue(s.finished)
    }
}
