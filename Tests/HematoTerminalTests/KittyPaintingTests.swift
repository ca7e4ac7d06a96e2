import XCTest
import HematoImage
@testable import HematoTerminal

/// The review pane's kitty picture: the last one deleted, the new one placed where a sixel picture would be.
final class KittyPaintingTests: XCTestCase {
    func testKittyPaintingDeletesTheLastPictureAndKeepsTheCursor() throws {
        let caps = TerminalCapabilities(graphics: .kitty, palette: .trueColour, cellWidth: 10, cellHeight: 20)
        let image = RGBImage(width: 40, height: 20, filledWith: (200, 100, 50))
        let text = PicturePainter.kitty(image, pane: ReviewScreen.Rect(x: 0, y: 1, width: 30, height: 10), capabilities: caps)
        XCTAssertTrue(text.hasPrefix("\u{1B}_Ga=d,d=A,q=2\u{1B}\\"))
        // 40×20 into 300×200 pixels: scale 7.5 → 300×150 pixels → 30×8 cells, centred from row 1 + 1.
        XCTAssertTrue(text.contains("\u{1B}[3;1H\u{1B}_Ga=T,f=24,s=300,v=150,c=30,r=8,q=2,C=1,m=1;"), text.prefix(2000).debugDescription)
        XCTAssertEqual(PicturePainter.clearing(TerminalCapabilities(graphics: .sixel, palette: .trueColour)), "")
    }
}
