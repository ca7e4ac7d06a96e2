import Foundation
import XCTest
import HematoImage

/// The review screen in a real kitty (Debian's kitty under Xvfb, software GL), looked at as a
/// person would: the picture is found in the screenshot and compared with the source image;
/// it must be replaced on →, gone under the help and after quitting (kitty's pictures are not
/// text cells: only the app's delete removes them).
final class KittyEndToEndTests: VirtualDisplayTestCase {
    override var screen: String { "1280x800x24" }

    /// The picture's rectangle in the left half of the screen (the pane; the sidebar is right of
    /// it): the rows that are 40 % bright there (a portrait picture covers 57 %), then the columns mostly bright in those rows.
    /// A blood smear is light; the screen's background and the help box are dark.
    func pictureArea(_ shot: RGBImage) -> (x: Int, y: Int, w: Int, h: Int)? {
        func bright(_ x: Int, _ y: Int) -> Bool {
            let i = (y * shot.width + x) * 3
            return Int(shot.pixels[i]) + Int(shot.pixels[i + 1]) + Int(shot.pixels[i + 2]) > 330
        }
        let half = shot.width / 2
        // The longest run of such rows: a light theme's title and key bars are bright rows too.
        var top = 0, bottom = -1, runStart = 0
        for y in 0...shot.height {
            if y < shot.height && (0..<half).count(where: { bright($0, y) }) * 10 > half * 4 { continue }
            if y - runStart > bottom - top + 1 { (top, bottom) = (runStart, y - 1) }
            runStart = y + 1
        }
        guard bottom - top > 40 else { return nil }
        let columns = (0..<shot.width).map { x in (top...bottom).count { bright(x, $0) } * 10 > (bottom - top + 1) * 6 }
        guard let left = columns.firstIndex(of: true) else { return nil }
        let right = (columns[left...].firstIndex(of: false) ?? shot.width) - 1
        guard right - left > 40 else { return nil }
        return (left, top, right - left + 1, bottom - top + 1)
    }

    /// Mean absolute difference (0–255) between the area (a few pixels inside) and the source,
    /// both reduced to 16×12 block averages.
    func difference(_ shot: RGBImage, _ source: RGBImage, area a: (x: Int, y: Int, w: Int, h: Int)) -> Double {
        guard let crop = Resampling.cropped(shot, x: a.x + 6, y: a.y + 6, width: a.w - 12, height: a.h - 12) else { return 255 }
        let p = Resampling.resized(crop, width: 16, height: 12), q = Resampling.resized(source, width: 16, height: 12)
        return zip(p.pixels, q.pixels).reduce(0.0) { $0 + abs(Double($1.0) - Double($1.1)) } / Double(p.pixels.count)
    }

    func testPicturesAppearAreReplacedAndAreDeletedInARealKitty() throws {
        for tool in ["kitty", "Xvfb", "import", "xdotool"] where try Harness.run(["sh", "-c", "command -v \(tool)"]).status != 0 {
            throw XCTSkip("\(tool) is not installed (.ci/install-deps installs it)")
        }
        let folder = try Harness.sampleFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try startX()
        let ended = folder + "/.ended"
        // --config NONE: kitty's defaults, whatever the machine's kitty.conf says. The dark theme in
        // colour, whatever NO_COLOR says: its help box is dark, so a picture left under it would show. The shell keeps
        // the window open after the app quits, to look at what it left behind.
        _ = try start(["kitty", "--config", "NONE", "-o", "initial_window_width=1000", "-o", "initial_window_height=700",
                       "sh", "-c", "\"$0\" --theme dark \"$1\"; touch \"$2\"; sleep 60", Harness.binary, folder, ended],
                      environment: ["DISPLAY": display, "LIBGL_ALWAYS_SOFTWARE": "1", "NO_COLOR": ""])
        // The second image is the first turned on its side: a narrower picture, so any part of the
        // first one left standing beside it (a kitty picture is not erased by text) would show.
        let firstName = try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasSuffix(".jpg") }.sorted()[0]
        let turned = folder + "/" + firstName.replacingOccurrences(of: ".jpg", with: "_turned.jpg")
        XCTAssertEqual(try Harness.run(["/usr/bin/convert", folder + "/" + firstName, "-rotate", "90", turned]).status, 0)
        let names = try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasSuffix(".jpg") }.sorted()
        XCTAssertEqual(folder + "/" + names[1], turned)
        let first = try ImageDecoding.load(folder + "/" + names[0]), second = try ImageDecoding.load(folder + "/" + names[1])

        /// Screenshots until `done` holds for one (20 s at most); returns the last.
        func shoot(until done: (RGBImage) -> Bool) throws -> RGBImage {
            let deadline = Date().addingTimeInterval(20)
            var shot = try screenshot()
            while !done(shot) && Date() < deadline {
                usleep(200_000)
                shot = try screenshot()
            }
            return shot
        }
        func expectPicture(_ expected: RGBImage, other: RGBImage, _ what: String) throws {
            let shot = try shoot { s in pictureArea(s).map { difference(s, expected, area: $0) < 12 } ?? false }
            guard let area = pictureArea(shot) else { return XCTFail("\(what): no picture on the screen") }
            let mine = difference(shot, expected, area: area), theirs = difference(shot, other, area: area)
            print("kitty check, \(what): picture at \(area), difference to the expected picture \(mine), to the other \(theirs)")
            XCTAssertLessThan(mine, 12, "\(what): the pane does not show the picture (difference \(mine))")
            XCTAssertGreaterThan(theirs, mine + 4, "\(what): the pane looks as much like the other picture (\(theirs) vs \(mine))")
        }
        func expectNoPicture(_ what: String) throws {
            let shot = try shoot { pictureArea($0) == nil }
            XCTAssertNil(pictureArea(shot), "\(what): a picture is still on the screen")
        }

        try expectPicture(first, other: second, "first image")
        let window = try Harness.run(["env", "DISPLAY=\(display)", "xdotool", "search", "--class", "kitty"]).output
            .split(separator: "\n").first.map(String.init) ?? ""
        XCTAssertFalse(window.isEmpty, "no kitty window")
        func press(_ key: String) throws {
            try Harness.run(["env", "DISPLAY=\(display)", "xdotool", "windowfocus", window, "key", key])
        }
        try press("Right")
        try expectPicture(second, other: first, "after → (the old picture must be gone)")
        try press("question")
        try expectNoPicture("under the help")
        try press("Escape")
        try expectPicture(second, other: first, "after the help")
        try press("q")
        let deadline = Date().addingTimeInterval(10)
        while !FileManager.default.fileExists(atPath: ended) && Date() < deadline { usleep(100_000) }
        XCTAssertTrue(FileManager.default.fileExists(atPath: ended), "the review did not end on q")
        try expectNoPicture("after quitting")
    }
}
