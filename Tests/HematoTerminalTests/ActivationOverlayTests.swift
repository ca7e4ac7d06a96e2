import XCTest
import HematoImage
import HematoReview
@testable import HematoTerminal

/// Issue 13, "why": the activation map blended over the picture before it is encoded.
final class ActivationOverlayTests: XCTestCase {
    let grey = RGBImage(width: 40, height: 40, filledWith: (128, 128, 128))

    func assertUnchanged(_ a: RGBImage, _ b: RGBImage, x: Int, y: Int, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertTrue(a.pixel(x: x, y: y) == b.pixel(x: x, y: y), "pixel \(x),\(y): \(a.pixel(x: x, y: y)) vs \(b.pixel(x: x, y: y))",
                      file: file, line: line)
    }

    func testAMapHotInOneCornerHeatsThatCornerAndLeavesTheOppositeOne() {
        // 2×2, evidence only in the top-left cell, covering the whole picture.
        let map = ActivationMap(width: 2, height: 2, values: [1, 0, 0, 0], classIndex: 0)
        let out = ActivationOverlay.blended(grey, map)
        let hot = out.pixel(x: 1, y: 1)
        // Inferno's hot end is pale yellow: red and green rise above the grey, blue falls below it.
        XCTAssertGreaterThan(Int(hot.r), 150, "\(hot)")
        XCTAssertGreaterThan(Int(hot.g), 150, "\(hot)")
        XCTAssertLessThan(Int(hot.b), 160, "\(hot)")
        assertUnchanged(out, grey, x: 39, y: 39)
        assertUnchanged(out, grey, x: 39, y: 0)   // top right: its cell has no evidence either
        assertUnchanged(out, grey, x: 0, y: 39)
        // Bilinear upsampling: the heat fades from the corner, it is not a hard square.
        let nearer = out.pixel(x: 5, y: 5), farther = out.pixel(x: 15, y: 15)
        XCTAssertGreaterThan(Int(nearer.g), Int(farther.g), "\(nearer) vs \(farther)")
    }

    func testAtMostAboutFortyFivePercentOfTheHeatIsBlendedIn() {
        let black = RGBImage(width: 8, height: 8, filledWith: (0, 0, 0))
        let hot = ActivationOverlay.blended(black, ActivationMap(width: 1, height: 1, values: [1], classIndex: 0)).pixel(x: 4, y: 4)
        // Pale yellow (252, 255, 164) at 45 % over black; the picture still shows through.
        XCTAssertEqual(Int(hot.r), 113, accuracy: 1)
        XCTAssertEqual(Int(hot.g), 115, accuracy: 1)
        XCTAssertEqual(Int(hot.b), 74, accuracy: 1)
    }

    func testAMapBelowTheThresholdLeavesThePictureAlone() {
        let lukewarm = ActivationMap(width: 3, height: 3, values: [Float](repeating: 0.3, count: 9), classIndex: 1)
        XCTAssertEqual(ActivationOverlay.blended(grey, lukewarm), grey)
    }

    func testTheMapLiesInItsBoxOnly() {
        // A uniformly hot map on the lower-right quarter (the canonical view's square around a cell).
        let map = ActivationMap(width: 7, height: 7, values: [Float](repeating: 1, count: 49), classIndex: 2,
                                x: 0.5, y: 0.5, boxWidth: 0.5, boxHeight: 0.5)
        let out = ActivationOverlay.blended(grey, map)
        for (x, y) in [(20, 20), (30, 30), (39, 39), (20, 39)] {
            XCTAssertFalse(out.pixel(x: x, y: y) == grey.pixel(x: x, y: y), "inside the box: \(x),\(y)")
        }
        for (x, y) in [(19, 19), (0, 0), (19, 39), (39, 19), (10, 30)] { assertUnchanged(out, grey, x: x, y: y) }
    }

    func testABoxReachingPastTheEdgeIsClipped() {
        // The canonical view pads a cell at the edge: its square starts left of and above the picture.
        var values = [Float](repeating: 0, count: 4)
        values[3] = 1  // hot at the box's bottom right, which is the picture's middle
        let map = ActivationMap(width: 2, height: 2, values: values, classIndex: 0, x: -0.5, y: -0.5, boxWidth: 1, boxHeight: 1)
        let out = ActivationOverlay.blended(grey, map)
        XCTAssertFalse(out.pixel(x: 15, y: 15) == grey.pixel(x: 15, y: 15))
        assertUnchanged(out, grey, x: 0, y: 0)     // the box's middle: between cold and hot, under the threshold
        assertUnchanged(out, grey, x: 25, y: 25)   // outside the box
    }

    func testTheRampRisesInBrightness() {
        let lightness = stride(from: Float(0), through: 1, by: 0.05).map { v -> Float in
            let c = ActivationOverlay.colour(v)
            return 0.2126 * c.0 + 0.7152 * c.1 + 0.0722 * c.2
        }
        XCTAssertEqual(lightness, lightness.sorted(), "brighter for more evidence")
    }

    /// The painter blends the map in before encoding, whichever way the terminal shows pictures.
    func testSixelKittyAndBlocksAllShowTheMap() {
        let sample = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("SampleImages/BloodImage_00001.jpg").path
        let pane = ReviewScreen.Rect(x: 0, y: 1, width: 40, height: 15)
        let hot = ActivationMap(width: 2, height: 2, values: [1, 0, 0, 0], classIndex: 3)
        let cold = ActivationMap(width: 2, height: 2, values: [0.1, 0, 0, 0], classIndex: 3)
        for graphics in [GraphicsMode.sixel, .kitty, .blocks] {
            let caps = TerminalCapabilities(graphics: graphics, palette: .trueColour, cellWidth: 6, cellHeight: 12)
            let plain = PicturePainter.paint(path: sample, pane: pane, capabilities: caps)
            XCTAssertFalse(plain.contains("cannot show"), "\(graphics)")
            XCTAssertNotEqual(PicturePainter.paint(path: sample, pane: pane, capabilities: caps, overlay: hot), plain, "\(graphics)")
            XCTAssertEqual(PicturePainter.paint(path: sample, pane: pane, capabilities: caps, overlay: cold), plain, "\(graphics)")
            XCTAssertNotEqual(PicturePainter.paint(path: sample, pane: pane, capabilities: caps, zoomed: true), plain, "\(graphics)")
        }
    }

    func testTheMapIsKeptAsBytesAndReadBilinearly() {
        let map = ActivationMap(width: 2, height: 1, values: [0, 1], classIndex: 0)
        XCTAssertEqual(map.values, [0, 255])
        XCTAssertEqual(map.value(u: 0.25, v: 0.5), 0, accuracy: 0.01)  // the first cell's centre
        XCTAssertEqual(map.value(u: 0.5, v: 0.5), 0.5, accuracy: 0.01)  // half way between the centres
        XCTAssertEqual(map.value(u: 0.99, v: 0.5), 1, accuracy: 0.01)   // past the last centre: clamped
    }
}
