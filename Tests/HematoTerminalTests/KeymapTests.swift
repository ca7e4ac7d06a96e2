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
}
