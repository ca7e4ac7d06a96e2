import Foundation
import XCTest

/// Issue 13, "why" and zoom, in a real terminal: c lays the activation map over the picture and
/// z zooms to the cell, each said on the sidebar, each undone by pressing the key again.
final class ActivationMapEndToEndTests: XCTestCase {
    /// The true colours of the picture's half blocks, in screen order (`capture-pane -e` keeps the escapes;
    /// the rest of the screen uses the theme's 256 colours, so these are the picture's alone).
    func pictureColours(_ t: TmuxSession) -> [[Int]] {
        let screen = Harness.shell(["tmux", "-L", t.socket, "capture-pane", "-p", "-e", "-t", "=t:"]).output
        let pattern = try! NSRegularExpression(pattern: "[34]8;2;(\\d+);(\\d+);(\\d+)")
        return pattern.matches(in: screen, range: NSRange(screen.startIndex..., in: screen)).map { m in
            (1...3).map { Int((screen as NSString).substring(with: m.range(at: $0)))! }
        }
    }

    /// Polls until the picture stops changing (the cells' outlines arrive after the first paint).
    func settledColours(_ t: TmuxSession, differentFrom old: [[Int]]? = nil, file: StaticString = #filePath, line: UInt = #line) -> [[Int]] {
        let deadline = Date().addingTimeInterval(20)
        var last: [[Int]] = []
        var same = 0
        while Date() < deadline {
            usleep(200_000)
            let now = pictureColours(t)
            same = now == last && !now.isEmpty && now != old ? same + 1 : 0
            last = now
            if same >= 3 { return now }
        }
        XCTFail("the picture did not settle (\(last.count) colours)", file: file, line: line)
        return last
    }

    /// A model that sees the whole picture (no `view`): its map covers the whole picture, and zoom,
    /// with no cell found, shows the middle.
    func testAWholePictureModelHasAMapAndZoomsToTheMiddle() throws {
        let model = try Harness.modelFile { $0["view"] = nil }
        let folder = try Harness.sampleFolder()
        defer {
            try? FileManager.default.removeItem(atPath: folder)
            try? FileManager.default.removeItem(atPath: model)
        }
        let t = try TmuxSession("COLORTERM=truecolor \(Harness.binary) '\(folder)' --model '\(model)' --graphics blocks; echo EXIT=$?; sleep 30")
        try t.waitFor("Image  1 of 16", "Enter accepts")
        let plain = settledColours(t)
        XCTAssertFalse(try t.screen().contains("cell 1"), "no cells: the whole picture was classified")
        try t.send("c")
        try t.waitFor("View   activation map of")
        XCTAssertGreaterThan(warm(settledColours(t, differentFrom: plain)), warm(plain) + 50)
        try t.send("z")
        try t.waitFor("zoomed to the middle")
        try t.send("q")
        try t.waitFor("EXIT=0")
    }

    func waitUntil(_ condition: () throws -> Bool, file: StaticString = #filePath, line: UInt = #line) throws {
        let deadline = Date().addingTimeInterval(20)
        while Date() < deadline {
            if try condition() { return }
            usleep(50_000)
        }
        XCTFail("timed out", file: file, line: line)
    }

    /// Inferno's hot end is orange to pale yellow: red well above blue. The stained cells and the pale
    /// background of these fields are pink, violet and grey.
    func warm(_ colours: [[Int]]) -> Int { colours.filter { $0[0] - $0[2] > 50 }.count }

    func testCShowsTheActivationMapAndZZoomsAndTheSidebarSaysSo() throws {
        let folder = try Harness.sampleFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let t = try TmuxSession("COLORTERM=truecolor \(Harness.binary) '\(folder)' --graphics blocks; echo EXIT=$?; sleep 30")
        try t.waitFor("Image  1 of 16", "cell 1 yellow")
        let plain = settledColours(t)
        XCTAssertFalse(try t.screen().contains("activation map"))

        try t.send("c")
        try t.waitFor("View   activation map of NEUTROPHIL")
        let heated = settledColours(t, differentFrom: plain)
        XCTAssertGreaterThan(warm(heated), warm(plain) + 50, "the heat is laid over the picture")
        let before = Set(plain)
        XCTAssertGreaterThan(heated.filter(before.contains).count, heated.count / 4, "the rest of the picture is left as it was")

        try t.send("z")
        try t.waitFor("activation map of NEUTROPHIL", "zoomed to cell 1")
        let zoomed = settledColours(t, differentFrom: heated)
        XCTAssertGreaterThan(warm(zoomed), warm(heated), "the cell and its heat fill more of the pane")

        try t.send("c")
        try t.waitFor("View   zoomed to cell 1")
        XCTAssertFalse(try t.screen().contains("activation map"))
        XCTAssertLessThan(warm(settledColours(t, differentFrom: zoomed)), warm(zoomed) / 2, "zoomed, the heat gone (the outline stays)")

        try t.send("z")
        try waitUntil { !(try t.screen().contains("zoomed")) }
        XCTAssertEqual(settledColours(t), plain, "back to the picture as it was")
        // The view settings are kept while moving: the next image comes with the heat too.
        try t.send("c")
        try t.send("j")
        try t.waitFor("Image  2 of 16", "View   activation map of")
        try t.send("q")
        try t.waitFor("EXIT=0")
    }
}
