import XCTest
import HematoImage
@testable import HematoTerminal

/// Issue 22, item 14: a sixel picture is drawn in bands of six pixel rows, so a picture whose
/// height is no multiple of six covers more than its own height: a square crop at 120×40 in
/// xterm (cells of 6×13 pixels, a pane of 37 rows = 481 pixels) reached 486 pixels and lay over
/// the message line. The picture's bands must end inside the pane.
final class SixelPaintingTests: XCTestCase {
    /// The pixel rows the sixel data covers: six per band, bands separated by "-".
    func coveredRows(_ text: String) throws -> Int {
        let start = try XCTUnwrap(text.range(of: "\u{1B}P"))
        let body = text[start.upperBound...]
        let end = try XCTUnwrap(body.range(of: "\u{1B}\\"))
        var data = body[..<end.lowerBound]
        while data.last == "-" { data = data.dropLast() }  // a band break with no band after it draws nothing
        return (data.filter { $0 == "-" }.count + 1) * 6
    }

    func testTheBandsOfASquareCropEndInsideThePane() throws {
        let caps = TerminalCapabilities(graphics: .sixel, palette: .trueColour, cellWidth: 6, cellHeight: 13)
        for (width, height) in [(120, 40), (160, 50), (100, 30), (80, 24)] {
            let pane = ReviewScreen.Rect(x: 0, y: 1, width: width - ReviewScreen.sidebarWidth - 1, height: height - 3)
            for side in [320, 480, 100] {
                let text = try PicturePainter.sixel(RGBImage(width: side, height: side, filledWith: (200, 180, 190)), pane: pane, capabilities: caps)
                let place = try XCTUnwrap(text.range(of: "H\u{1B}P").map { text[..<$0.lowerBound] }.flatMap { $0.split(separator: "[").last })
                let top = try XCTUnwrap(Int(place.split(separator: ";")[0])) - 1  // the row the picture starts on
                let bottom = top * caps.cellHeight + (try coveredRows(text))       // its last pixel row, + 1
                XCTAssertLessThanOrEqual(bottom, (pane.y + pane.height) * caps.cellHeight,
                                         "\(side)² at \(width)×\(height): the picture reaches into row \(bottom / caps.cellHeight), the pane ends before row \(pane.y + pane.height)")
            }
        }
    }
}
