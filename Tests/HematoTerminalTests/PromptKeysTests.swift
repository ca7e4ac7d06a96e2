import XCTest
import HematoReview
@testable import HematoTerminal

/// While the prompt is open, keys are text: the routing ReviewApp applies before the keymap.
final class PromptKeysTests: XCTestCase {
    func testKeysInThePrompt() {
        XCTAssertEqual(Keymap.promptAction(for: .enter), .promptSubmit)
        XCTAssertEqual(Keymap.promptAction(for: .escape), .promptClose)
        // Backspace as DEL (what tmux and most terminals send), as ^H, and as curses' decoded key.
        for key: Key in [.unknown("^?"), .control("h"), .unknown("KEY_BACKSPACE")] {
            XCTAssertEqual(Keymap.promptAction(for: key), .promptErase, key.label)
        }
        // Letters that are commands outside the prompt are text inside it.
        XCTAssertEqual(Keymap.promptAction(for: .character("q")), .promptType("q"))
        XCTAssertEqual(Keymap.promptAction(for: .character("/")), .promptType("/"))
        XCTAssertNil(Keymap.promptAction(for: .tab))
        XCTAssertNil(Keymap.promptAction(for: .home))
    }

    /// g, / and F open what they say; the new keys collide with no other binding (KeymapTests checks all keys once).
    func testTheNewBindings() {
        let map = Keymap.review
        XCTAssertEqual(map.action(for: .home), .first)
        XCTAssertEqual(map.action(for: .end), .last)
        XCTAssertEqual(map.action(for: .pageUp), .pageBack)
        XCTAssertEqual(map.action(for: .pageDown), .pageForward)
        XCTAssertEqual(map.action(for: .character("g")), .openPrompt(.goTo))
        XCTAssertEqual(map.action(for: .character("/")), .openPrompt(.search))
        XCTAssertEqual(map.action(for: .character("F")), .cycleLabelFilter)
    }
}
