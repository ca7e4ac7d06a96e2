import XCTest
import HematoImage
@testable import HematoTerminal

final class BlockPictureTests: XCTestCase {
    func testFitsKeepingTheShape() {
        // 640×480 into 60×20 cells: 40 pixel rows available → 53×20 cells.
        let size = BlockPicture.fittedSize(imageWidth: 640, imageHeight: 480, columns: 60, rows: 20)
        XCTAssertEqual(size.columns, 53)
        XCTAssertEqual(size.rows, 20)
    }

    func testCubeMapping() {
        XCTAssertEqual(BlockPicture.cubeIndex((255, 0, 0)), 196)
        XCTAssertEqual(BlockPicture.cubeIndex((0, 0, 0)), 16)
        XCTAssertEqual(BlockPicture.cubeIndex((128, 128, 128)), 244, "greys use the grey ramp")
    }

    func testRenderPaintsEveryPaneRowAndThePictureColours() {
        let image = RGBImage(width: 4, height: 4, filledWith: (200, 10, 30))
        let pane = ReviewScreen.Rect(x: 2, y: 1, width: 6, height: 3)
        let out = BlockPicture.render(image, pane: pane, palette: .trueColour)
        for row in 1...3 { XCTAssertTrue(out.contains("\u{1B}[\(row + 1);3H"), "row \(row) positioned") }
        // A square picture in 6×3 cells: 6 pixel rows available, so 6×6 pixels = 6 columns × 3 rows of blocks.
        XCTAssertEqual(out.filter { $0 == "▀" }.count, 6 * 3)
        XCTAssertTrue(out.contains("38;2;200;10;30;48;2;200;10;30m"))
        XCTAssertTrue(BlockPicture.render(image, pane: pane, palette: .cube256).contains("38;5;"))
    }
}
