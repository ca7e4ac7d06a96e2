import Foundation
import XCTest

/// What a terminal user expects of a command line: typos answered with the command meant,
/// defaults set once in a config file.
final class CommandLineConventionsEndToEndTests: XCTestCase {
    var scratch = ""

    override func setUpWithError() throws {
        scratch = FileManager.default.temporaryDirectory.appendingPathComponent("hv-conventions-\(UUID())").path
        try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(atPath: scratch) }

    func testAMisspeltCommandIsNamedWithTheOneMeant() throws {
        for (typed, meant) in [("clasify", "classify"), ("evalute", "evaluate"), ("shwo", "show"), ("Bench", "bench")] {
            let r = try Harness.run(["-C", scratch, Harness.binary, typed, "x"])
            XCTAssertEqual(r.status, 64, "\(typed): \(r.error)")
            XCTAssertEqual(r.error, "Error: unknown command '\(typed)'; did you mean \(meant)?\n")
        }
    }

    func testAFolderWithACommandLikeNameIsStillReviewed() throws {
        // review is the default command: a folder that exists is never taken for a typo,
        // and a word unlike any command is left to review's own message.
        try FileManager.default.createDirectory(atPath: scratch + "/clasify", withIntermediateDirectories: false)
        let folder = try Harness.run(["-C", scratch, Harness.binary, "clasify"])
        XCTAssertTrue(folder.error.contains("review needs a terminal"), folder.error)
        let unlike = try Harness.run(["-C", scratch, Harness.binary, "slides"])
        XCTAssertTrue(unlike.error.contains("review needs a terminal"), unlike.error)
    }

    /// A config file in a private XDG_CONFIG_HOME; returns the environment that points at it.
    func config(_ text: String) throws -> [String: String] {
        try FileManager.default.createDirectory(atPath: scratch + "/config/hematovision", withIntermediateDirectories: true)
        try text.write(toFile: scratch + "/config/hematovision/config", atomically: true, encoding: .utf8)
        var environment = ProcessInfo.processInfo.environment
        environment["XDG_CONFIG_HOME"] = scratch + "/config"
        environment["HEMATOVISION_GRAPHICS"] = nil
        return environment
    }

    func testTheConfigFilesGraphicsIsShowsDefaultAndTheOptionWins() throws {
        let image = Harness.root.appendingPathComponent("SampleImages/BloodImage_00001.jpg").path
        let environment = try config("graphics = blocks   # half blocks even into a pipe\n")
        let fromFile = try Harness.run([Harness.binary, "show", image, "--columns", "16"], environment: environment)
        XCTAssertEqual(fromFile.status, 0, fromFile.error)
        XCTAssertTrue(fromFile.output.contains("▀"), fromFile.output)
        XCTAssertEqual(fromFile.error, "")
        let option = try Harness.run([Harness.binary, "show", image, "--graphics", "none"], environment: environment)
        XCTAssertEqual(option.status, 0, option.error)
        XCTAssertFalse(option.output.contains("▀"), option.output)
        XCTAssertTrue(option.output.hasPrefix(image + "  "), option.output)
    }

    func testTheConfigFilesThemeIsReviewsDefaultAndTheOptionWins() throws {
        // Theme.load runs before the screen starts, so a theme that does not exist shows which was chosen.
        // A copy of the samples, and a time limit: a build that ignored the file would open the screen and wait.
        let environment = try config("theme = from-config\n")
        let samples = try Harness.sampleFolder()
        defer { try? FileManager.default.removeItem(atPath: samples) }
        let review = "timeout 20 '\(Harness.binary)' review '\(samples)'"
        let fromFile = try Harness.run(["script", "-qec", review, "/dev/null"], environment: environment)
        XCTAssertTrue(fromFile.output.contains("no theme \"from-config\""), fromFile.output)
        let option = try Harness.run(["script", "-qec", review + " --theme from-option", "/dev/null"], environment: environment)
        XCTAssertTrue(option.output.contains("no theme \"from-option\""), option.output)
        XCTAssertFalse(option.output.contains("from-config"), option.output)
    }

    func testBadConfigValuesAreWarnedAboutOnceAndIgnored() throws {
        let environment = try config("threads = 2\ngraphics = hologram\ncolour = red\n")
        let samples = Harness.root.appendingPathComponent("SampleImages").path
        let r = try Harness.run([Harness.binary, "classify", samples], environment: environment)
        XCTAssertEqual(r.status, 0, r.error)
        let file = scratch + "/config/hematovision/config"
        XCTAssertEqual(r.error.components(separatedBy: "warning: ").count - 1, 2, r.error)
        XCTAssertTrue(r.error.contains("warning: \(file) line 2: graphics must be one of auto, kitty, sixel, blocks, none, not hologram\n"), r.error)
        XCTAssertTrue(r.error.contains("warning: \(file) line 3: unknown key colour (known: calibrate, graphics, lab, theme, threads)\n"), r.error)
        XCTAssertTrue(r.error.contains("16 classified, 0 failed"), r.error)
        let zero = try Harness.run([Harness.binary, "classify", samples], environment: try config("threads = 0\n"))
        XCTAssertEqual(zero.status, 0, zero.error)
        XCTAssertTrue(zero.error.contains("line 1: threads must be a whole number from 1 to 64, not 0"), zero.error)
    }
}
