import Foundation
import XCTest
import HematoImage

/// The review screen in a real sixel terminal (xterm -ti vt340 under Xvfb), looked at
/// as a person would: screenshots, compared pixel by pixel with the source pictures.
final class SixelEndToEndTests: VirtualDisplayTestCase {
    /// Mean absolute difference (0–255) between the screen's picture area and a source
    /// picture, both reduced to a 16×12 grid of block averages (robust to dithering).
    func difference(_ shot: RGBImage, _ source: RGBImage, area: (x: Int, y: Int, w: Int, h: Int)) -> Double {
        guard let crop = Resampling.cropped(shot, x: area.x, y: area.y, width: area.w, height: area.h) else { return 255 }
        let a = Resampling.resized(crop, width: 16, height: 12), b = Resampling.resized(source, width: 16, height: 12)
        return zip(a.pixels, b.pixels).reduce(0.0) { $0 + abs(Double($1.0) - Double($1.1)) } / Double(a.pixels.count)
    }

    func testPicturesAppearAndAreReplacedInARealSixelTerminal() throws {
        let folder = try Harness.sampleFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try startX()
        _ = try start(["xterm", "-ti", "vt340", "-xrm", "XTerm*allowWindowOps: true", "-xrm", "XTerm*maxGraphicSize: 1024x768",
                       "-xrm", "XTerm*scrollBar: false", "-geometry", "120x36+0+0", "-e", Harness.binary, folder],
                      environment: ["DISPLAY": display])
        let names = try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasSuffix(".jpg") }.sorted()
        let first = try ImageDecoding.load(folder + "/" + names[0]), second = try ImageDecoding.load(folder + "/" + names[1])
        // xterm's font here is 6×13 with a 2-pixel border; the picture pane is the 81 columns
        // left of the sidebar, rows 1–33. A 640×480 field fills 486×364 pixels of it,
        // from row 4 (centred). Compare an area a few pixels inside that.
        let area = (x: 2 + 6, y: 2 + 4 * 13 + 6, w: 486 - 12, h: 364 - 12)

        func waitForPicture(_ expected: RGBImage, other: RGBImage, _ what: String) throws -> RGBImage {
            let deadline = Date().addingTimeInterval(20)
            var shot = try screenshot()
            while Date() < deadline {
                if difference(shot, expected, area: area) < 12 { break }
                usleep(200_000)
                shot = try screenshot()
            }
            let mine = difference(shot, expected, area: area), theirs = difference(shot, other, area: area)
            print("sixel check, \(what): difference to the expected picture \(mine), to the other \(theirs)")
            XCTAssertLessThan(mine, 12, "\(what): the pane does not show the picture (difference \(mine))")
            XCTAssertGreaterThan(theirs, mine + 4, "\(what): the pane looks as much like the other picture (\(theirs) vs \(mine))")
            let white = RGBImage(width: 4, height: 3, filledWith: (255, 255, 255))
            XCTAssertGreaterThan(difference(shot, white, area: area), 40, "\(what): the pane is empty background")
            return shot
        }

        let shot1 = try waitForPicture(first, other: second, "first image")
        let window = try Harness.run(["env", "DISPLAY=\(display)", "xdotool", "search", "--class", "xterm"]).output
            .split(separator: "\n").first.map(String.init) ?? ""
        XCTAssertFalse(window.isEmpty, "no xterm window")
        // XTEST key events (xterm ignores synthetic XSendEvent ones).
        try Harness.run(["env", "DISPLAY=\(display)", "xdotool", "windowfocus", window, "key", "Right"])
        let shot2 = try waitForPicture(second, other: first, "after → (the old picture must be gone)")
        XCTAssertGreaterThan(difference(shot2, shot1.croppedToFit(area), area: area), 4)
    }
}

private extension RGBImage {
    /// The area of a screenshot, as a picture of its own (to compare two screenshots).
    func croppedToFit(_ area: (x: Int, y: Int, w: Int, h: Int)) -> RGBImage {
        Resampling.cropped(self, x: area.x, y: area.y, width: area.w, height: area.h)!
    }
}
