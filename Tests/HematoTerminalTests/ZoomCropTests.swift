import XCTest
import HematoImage
import HematoReview
@testable import HematoTerminal

/// Issue 13: z shows the first cell enlarged to the pane, or the middle half when no cell was found.
final class ZoomCropTests: XCTestCase {
    func cell(x: Float, y: Float, width: Float, height: Float) -> CellOpinion {
        CellOpinion(x: x, y: y, width: width, height: height, probabilities: [1, 0])
    }

    func testWithoutACellTheMiddleHalf() {
        let r = ZoomCrop.region(cell: nil, width: 640, height: 480)
        XCTAssertEqual([r.x, r.y, r.width, r.height], [160, 120, 320, 240])
    }

    func testASquareAroundTheCellWithAMargin() {
        // A 64×48 nucleus box at (256, 192) in a 640×480 picture.
        let r = ZoomCrop.region(cell: cell(x: 0.4, y: 0.4, width: 0.1, height: 0.1), width: 640, height: 480)
        XCTAssertEqual(r.width, r.height, "a square")
        XCTAssertEqual(r.width, Int((64 * ZoomCrop.sideInNuclei).rounded()))
        XCTAssertEqual(Double(r.x) + Double(r.width) / 2, 288, accuracy: 1, "centred on the nucleus")
        XCTAssertEqual(Double(r.y) + Double(r.height) / 2, 216, accuracy: 1)
        XCTAssertLessThan(r.x, 256)
        XCTAssertGreaterThan(r.x + r.width, 256 + 64)
        XCTAssertLessThan(r.y, 192)
        XCTAssertGreaterThan(r.y + r.height, 192 + 48)
    }

    func testACellAtTheEdgeIsShiftedInsideThePicture() {
        let r = ZoomCrop.region(cell: cell(x: 0.95, y: 0, width: 0.05, height: 0.1), width: 640, height: 480)
        XCTAssertEqual(r.x + r.width, 640)
        XCTAssertEqual(r.y, 0)
        XCTAssertEqual(r.width, r.height)
        let huge = ZoomCrop.region(cell: cell(x: 0.1, y: 0.1, width: 0.8, height: 0.8), width: 640, height: 480)
        XCTAssertEqual([huge.x, huge.y, huge.width, huge.height], [0, 0, 640, 480], "never larger than the picture")
    }

    func testTheCroppedPictureIsThatRegion() {
        var picture = RGBImage(width: 100, height: 80, filledWith: (0, 0, 0))
        for y in 0..<80 { for x in 0..<100 { picture.pixels[(y * 100 + x) * 3] = UInt8(x); picture.pixels[(y * 100 + x) * 3 + 1] = UInt8(y) } }
        let middle = ZoomCrop.cropped(picture, cell: nil)
        XCTAssertEqual(middle.width, 50)
        XCTAssertEqual(middle.height, 40)
        XCTAssertTrue(middle.pixel(x: 0, y: 0) == (25, 20, 0))
        let c = cell(x: 0.1, y: 0.1, width: 0.1, height: 0.1)
        let r = ZoomCrop.region(cell: c, width: 100, height: 80)
        let zoomed = ZoomCrop.cropped(picture, cell: c)
        XCTAssertEqual(zoomed.width, r.width)
        XCTAssertTrue(zoomed.pixel(x: 0, y: 0) == (UInt8(r.x), UInt8(r.y), 0))
    }

    /// Zoom and the activation map combine: the heat is blended on the whole picture, then the cell is cut out.
    func testZoomAndTheOverlayCombine() {
        let picture = RGBImage(width: 64, height: 64, filledWith: (128, 128, 128))
        let map = ActivationMap(width: 1, height: 1, values: [1], classIndex: 0, x: 0.25, y: 0.25, boxWidth: 0.5, boxHeight: 0.5)
        let both = PicturePainter.prepared(picture, cells: [], overlay: map, zoomed: true)
        XCTAssertEqual(both.width, 32)
        XCTAssertEqual(both, ActivationOverlay.blended(picture, map).cropped(middleHalf: true))
        XCTAssertFalse(both.pixel(x: 16, y: 16) == (128, 128, 128))
        XCTAssertEqual(PicturePainter.prepared(picture, cells: [], overlay: nil, zoomed: false), picture)
    }
}

private extension RGBImage {
    func cropped(middleHalf: Bool) -> RGBImage {
        Resampling.cropped(self, x: width / 4, y: height / 4, width: width / 2, height: height / 2)!
    }
}
