import Foundation
import XCTest
import HematoImage

/// Tests that look at a real terminal's window: an X server of their own (Xvfb), the processes they start
/// (stopped, last first, when the test ends), and screenshots of the whole screen.
class VirtualDisplayTestCase: XCTestCase {
    var processes: [Process] = []
    /// The X display Xvfb took, ":N".
    var display = ""
    /// Xvfb's screen, WIDTHxHEIGHTxDEPTH; a test whose terminal needs more room says so.
    var screen: String { "1024x768x24" }

    override func tearDown() {
        for p in processes.reversed() where p.isRunning { p.terminate(); p.waitUntilExit() }
    }

    func start(_ arguments: [String], environment: [String: String] = [:], output: Pipe? = nil) throws -> Process {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = arguments
        p.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        p.standardOutput = output ?? FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        processes.append(p)
        return p
    }

    /// Starts Xvfb on a free display (it writes the number it chose).
    func startX() throws {
        let pipe = Pipe()
        _ = try start(["Xvfb", "-displayfd", "1", "-screen", "0", screen, "-nolisten", "tcp"], output: pipe)
        var text = ""
        let deadline = Date().addingTimeInterval(10)
        while !text.contains("\n") && Date() < deadline { text += String(decoding: pipe.fileHandleForReading.availableData, as: UTF8.self) }
        display = ":" + text.trimmingCharacters(in: .whitespacesAndNewlines)
        XCTAssertGreaterThan(display.count, 1, "Xvfb did not say which display it took")
    }

    func screenshot() throws -> RGBImage {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("hv-shot-\(UUID()).ppm").path
        defer { try? FileManager.default.removeItem(atPath: file) }
        let r = try Harness.run(["import", "-display", display, "-window", "root", file])
        XCTAssertEqual(r.status, 0, r.error)
        return try ImageDecoding.load(file)
    }
}
