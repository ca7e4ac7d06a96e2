import XCTest
import HematoReview
@testable import HematoTerminal

final class KeymapTests: XCTestCase {
    func testOneKeyPerClassAndNoKeyBoundTwice() {
        let map = Keymap.review
        for cls in CellClass.allCases {
            XCTAssertNotNil(map.bindings.first { $0.action == .set(cls.rawValue) }, cls.rawValue)
        }
        let keys = map.bindings.flatMap(\.keys)
        XCTAssertEqual(keys.count, Set(keys).count, "a key bound to two actions")
        XCTAssertEqual(map.action(for: .enter), .accept)
        XCTAssertEqual(map.action(for: .character("3")), .set("MONOCYTE"))
        XCTAssertEqual(map.action(for: .character("N")), .add("NEUTROPHIL"))
    }

    func testTheReadmeKeyTableIsTheKeymap() throws {
        let readme = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("README.md")
        let text = try String(contentsOf: readme, encoding: .utf8)
        XCTAssertTrue(text.contains(Keymap.review.markdownTable), "README.md's key table differs from the keymap; paste Keymap.review.markdownTable")
    }

    /// The hint bar is built from the keymap: every hint names keys that do what it says, the
    /// class keys share one hint, and the most needed come first.
    func testTheHintBarComesFromTheKeymap() {
        let map = Keymap.review
        let hints = map.hints()
        XCTAssertEqual(hints.first?.word, "accept")
        XCTAssertEqual(hints.first { $0.word == "set" }?.keys, "e l m n b")
        XCTAssertEqual(hints.first { $0.word == "move" }?.keys, "← →")
        XCTAssertEqual(Set(hints.map(\.word)).count, hints.count, "each word once")
        XCTAssertTrue(hints.contains { $0.word == "remove" && $0.keys == "x" }, "x is on the bar")
        for hint in hints {
            for label in hint.keys.split(separator: " ") {
                let binding = map.bindings.first { $0.keys.first?.label == String(label) }
                XCTAssertEqual(binding?.hint?.word, hint.word, "\(label) is hinted as \(hint.word)")
            }
        }
        let gallery = map.hints(in: .gallery)
        XCTAssertEqual(gallery.first?.word, "accept page")
        XCTAssertEqual(gallery.first { $0.word == "correct" }?.keys, "e l m n b")
        XCTAssertEqual(gallery.first { $0.word == "move" }?.keys, "← → ↑ ↓")
        XCTAssertFalse(gallery.contains { $0.word == "set" || $0.word == "gallery" }, "the single view's words stay there")
        var grid = CellGrid(width: 200, height: 20)
        let screen = ReviewScreen(folderName: "f", graphicsMode: .blocks, theme: .builtIn)
        screen.draw(ReviewSession(names: ["a.jpg"], modelLabels: ["EOSINOPHIL"]), into: &grid)
        let bar = grid.text.split(separator: "\n", omittingEmptySubsequences: false).last.map(String.init) ?? ""
        var previous = bar.startIndex
        for hint in hints {
            guard let at = bar.range(of: hint.keys + " " + hint.word, range: previous..<bar.endIndex) else {
                return XCTFail("\(hint.keys) \(hint.word) missing or out of order in \(bar)")
            }
            previous = at.upperBound
        }
    }

    /// An Alt+key nothing is bound to is Esc then the key (Esc then q typed quickly arrives as Alt+q).
    func testAnAltKeyThatMeansNothingIsEscThenTheKey() {
        let map = Keymap.review
        XCTAssertEqual(map.resolved(.alt(.character("q"))), [.escape, .character("q")])
        XCTAssertEqual(map.resolved(.alt(.escape)), [.escape, .escape])
        XCTAssertEqual(map.resolved(.character("q")), [.character("q")])
        XCTAssertEqual(Key.alt(.character("j")).label, "Alt+j")
        XCTAssertEqual(Key.pageDown.label, "PgDn")
        XCTAssertEqual(Key.character("\u{202E}").label, "\\u{202E}", "a key's name is escaped like a file name")
    }
}
