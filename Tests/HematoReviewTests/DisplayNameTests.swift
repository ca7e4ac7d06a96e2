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

    func testNamesAsBytesShowInvalidBytesAsHex() {
        XCTAssertEqual(DisplayName.escaped(bytes: Array("cell".utf8) + [0xFF, 0xC3] + Array(".jpg".utf8)), "cell\\xFF\\xC3.jpg")
        XCTAssertEqual(DisplayName.escaped(bytes: Array("Zelle Ä\u{1B}]0;x\u{07}".utf8)), "Zelle Ä\\e]0;x\\x07")
        XCTAssertEqual(DisplayName.escaped(bytes: [0xC2, 0x9B] + Array("2J".utf8)), "\\u{9B}2J", "C1 CSI encoded in UTF-8")
        XCTAssertEqual(DisplayName.escaped(bytes: []), "")
    }

    func testOrdinaryNamesAreUntouched() {
        XCTAssertEqual(DisplayName.escaped("BloodImage_00001.jpg"), "BloodImage_00001.jpg")
        XCTAssertEqual(DisplayName.escaped("Zelle Ä ü 細胞.jpeg"), "Zelle Ä ü 細胞.jpeg")
    }
}
