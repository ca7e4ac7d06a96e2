import XCTest
@testable import HematoReview

final class DisplayNameTests: XCTestCase {
    func testControlCharactersBecomeVisibleEscapes() {
        XCTAssertEqual(DisplayName.escaped("cell\u{1B}[2J.jpg"), "cell\\e[2J.jpg")
        XCTAssertEqual(DisplayName.escaped("a\u{07}b\nc\td"), "a\\x07b\\nc\\td")
        XCTAssertEqual(DisplayName.escaped("x\u{9B}31m"), "x\\u{9B}31m")
        XCTAssertEqual(DisplayName.escaped("abc\u{202E}gpj.exe"), "abc\\u{202E}gpj.exe")
        XCTAssertEqual(DisplayName.escaped("back\\slash"), "back\\\\slash")
    }

    func testOrdinaryNamesAreUntouched() {
        XCTAssertEqual(DisplayName.escaped("BloodImage_00001.jpg"), "BloodImage_00001.jpg")
        XCTAssertEqual(DisplayName.escaped("Zelle Ä ü 細胞.jpeg"), "Zelle Ä ü 細胞.jpeg")
    }
}
