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
        // and a word unlike any command is left to review's own message (there is no such folder).
        try FileManager.default.createDirectory(atPath: scratch + "/clasify", withIntermediateDirectories: false)
        let folder = try Harness.run(["-C", scratch, Harness.binary, "clasify"])
        XCTAssertTrue(folder.error.contains("review needs a terminal"), folder.error)
        let unlike = try Harness.run(["-C", scratch, Harness.binary, "slides"])
        XCTAssertEqual(unlike.error, "Error: no folder at slides\n")
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
        XCTAssertTrue(r.error.contains("warning: \(file) line 3: unknown key colour (known: calibrate, classes, graphics, lab, target, theme, threads)\n"), r.error)
        XCTAssertTrue(r.error.contains("16 classified, 0 failed"), r.error)
        let zero = try Harness.run([Harness.binary, "classify", samples], environment: try config("threads = 0\n"))
        XCTAssertEqual(zero.status, 0, zero.error)
        XCTAssertTrue(zero.error.contains("line 1: threads must be a whole number from 1 to 64, not 0"), zero.error)
    }
}

/// Issue 22, item 17: the README's command list lacked `review --blind` and `--reviewer`. Each
/// command's line there names every option its `--help` lists (`--model` is said once for all).
final class ReadmeCommandListTests: XCTestCase {
    func testTheReadmeCommandListNamesEveryOption() throws {
        let readme = try String(contentsOf: Harness.root.appendingPathComponent("README.md"), encoding: .utf8)
        let block = try XCTUnwrap(readme.components(separatedBy: "## Commands\n\n```\n").dropFirst().first?.components(separatedBy: "```").first)
        let lines = block.split(separator: "\n").map(String.init)
        for command in ["review", "classify", "merge", "evaluate", "report", "bench", "show"] {
            let help = try Harness.run([Harness.binary, command, "--help"])
            XCTAssertEqual(help.status, 0, help.error)
            // The OPTIONS section's entries: lines that start (indented) with the option itself.
            let options = Set(help.output.split(separator: "\n").compactMap { line -> String? in
                let words = line.split(separator: " ").map(String.init)
                guard line.hasPrefix("  -"), let first = words.first, first.hasPrefix("-") else { return nil }
                return words.first { $0.hasPrefix("--") }.map { String($0.prefix { $0 != "," && $0 != "=" }) }
            }).subtracting(["--help", "--version", "--model"])
            XCTAssertFalse(options.isEmpty, command)
            let line = try XCTUnwrap(lines.first { $0.hasPrefix("hematovision \(command) ") || $0.hasPrefix("hematovision [\(command)] ") }, command)
            for option in options.sorted() {
                XCTAssertTrue(line.contains("[" + option + " ") || line.contains("[" + option + "]"), "README's \(command) line lacks \(option): \(line)")
            }
        }
    }
}

/// Issue 22, item 17: `--help`'s examples wrapped at column 0 ("array", "review" alone on a line),
/// and the manual lacked KEYS, FILES, ENVIRONMENT and EXIT STATUS (130 included).
final class HelpAndManualTests: XCTestCase {
    func testTheHelpExamplesFitEightyColumns() throws {
        let r = try Harness.run(["env", "COLUMNS=80", Harness.binary, "--help"])
        XCTAssertEqual(r.status, 0, r.error)
        let lines = r.output.components(separatedBy: "\n")
        let start = try XCTUnwrap(lines.firstIndex(of: "Examples:"))
        let examples = lines[(start + 1)...].prefix { !$0.isEmpty }
        XCTAssertGreaterThan(examples.count, 5)
        for line in examples {
            XCTAssertTrue(line.hasPrefix("  "), "a wrapped example: \"\(line)\"\n" + r.output)
            XCTAssertLessThanOrEqual(line.count, 80, line)
        }
        XCTAssertTrue(examples.contains("  hematovision review --blind --reviewer ann slides/"), r.output)
    }

    func testTheManualSectionsNameTheKeysFilesEnvironmentAndExitStatus() throws {
        let r = try Harness.run([Harness.binary, "--manual-sections"])
        XCTAssertEqual(r.status, 0, r.error)
        let page = r.output
        for section in [".Sh KEYS", ".Sh ENVIRONMENT", ".Sh FILES", ".Sh EXIT STATUS", ".Sh EXAMPLES"] {
            XCTAssertTrue(page.contains("\n" + section + "\n") || page.hasPrefix(section + "\n"), section)
        }
        for text in ["\\&quit, all saved (Ctrl-C exits with status 130)", "\\&label BASOPHIL, next image", "Sy \\&Ctrl-Z",
                     ".It 130", ".It 64", "labels.journal.jsonl", "hematovision/config", "labs/NAME.safetensors",
                     ".It Ev HEMATOVISION_MODEL", ".It Ev HEMATOVISION_GRAPHICS", ".It Ev XDG_CONFIG_HOME",
                     ".Bd -literal -offset indent\n\\&hematovision classify slides/ --shard 2/8 -o part-2.csv\n.Ed"] {
            XCTAssertTrue(page.contains(text), text)
        }
        // Rendered as a man page, each example stays on one line.
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("hv-\(UUID()).1").path
        try (".Dd December 7, 2026\n.Dt HEMATOVISION 1\n.Os\n.nh\n.nr doc-hyphen-flags 0\n.Sh NAME\n.Nm hematovision\n.Nd test\n" + page + "\n")
            .write(toFile: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: file) }
        let shown = Harness.shell(["env", "MANWIDTH=80", "man", "-l", file]).output
        XCTAssertTrue(shown.contains("hematovision classify slides/ --shard 2/8 -o part-2.csv\n"), shown)
        XCTAssertTrue(shown.contains("130"), shown)
        XCTAssertFalse(shown.contains("‐\n"), "hyphenated:\n" + shown)
    }
}
