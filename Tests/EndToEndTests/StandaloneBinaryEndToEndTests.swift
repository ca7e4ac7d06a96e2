import Foundation
import XCTest

/// The binary copied out of the build on its own, as a person installs it: it runs with the model
/// compiled into it, from any folder, and takes a model file where an installation puts one.
final class StandaloneBinaryEndToEndTests: XCTestCase {
    var scratch = ""

    override func setUpWithError() throws {
        scratch = FileManager.default.temporaryDirectory.appendingPathComponent("hv-alone-\(UUID())").resolvingSymlinksInPath().path
        for folder in ["bin", "home", "empty"] {
            try FileManager.default.createDirectory(atPath: scratch + "/" + folder, withIntermediateDirectories: true)
        }
        try FileManager.default.copyItem(atPath: Harness.binary, toPath: scratch + "/bin/hematovision")
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(atPath: scratch) }

    /// No model file anywhere it looks: HOME and the XDG data folders are empty.
    var bareEnvironment: [String: String] { ["HOME": scratch + "/home", "XDG_DATA_DIRS": scratch + "/empty"] }
    var shipped: String { Harness.root.appendingPathComponent("Sources/HematoNet/Resources/hematovision-mobilenetv2.safetensors").path }
    var samples: String { Harness.root.appendingPathComponent("SampleImages").path }

    /// Runs the copied binary with `arguments` from the empty folder (not the repository, not bin/).
    func alone(_ arguments: [String]) throws -> (status: Int32, output: String, error: String) {
        let quoted = arguments.map { "'" + $0.replacingOccurrences(of: "'", with: "'\\''") + "'" }.joined(separator: " ")
        return try Harness.run(["sh", "-c", "cd '\(scratch)/empty' && '\(scratch)/bin/hematovision' \(quoted)"],
                               environment: bareEnvironment.merging(["PATH": "/usr/bin:/bin"]) { $1 })
    }

    func testWithNoModelFileAnywhereTheBinaryUsesTheOneCompiledIntoIt() throws {
        let built = try Harness.run([Harness.binary, "classify", samples])
        XCTAssertEqual(built.status, 0, built.error)
        let classify = try alone(["classify", samples])
        XCTAssertEqual(classify.status, 0, classify.error)
        XCTAssertFalse(classify.error.contains("Fatal error"), classify.error)
        XCTAssertEqual(classify.output, built.output, "the same predictions as the build's own model file")
        XCTAssertTrue(classify.error.contains("16 classified, 0 failed"), classify.error)

        let show = try alone(["show", samples + "/BloodImage_00001.jpg", "--graphics", "blocks", "--columns", "16"])
        XCTAssertEqual(show.status, 0, show.error)
        XCTAssertTrue(show.output.contains(samples + "/BloodImage_00001.jpg  "), show.output)

        // The review screen with a theme found by name, in a terminal, from the empty folder.
        let folder = try Harness.sampleFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let t = try TmuxSession("cd '\(scratch)/empty' && HOME='\(scratch)/home' XDG_DATA_DIRS='\(scratch)/empty' "
                                + "'\(scratch)/bin/hematovision' '\(folder)' --theme light; echo EXIT=$?; sleep 30")
        try t.waitFor("Image  1 of 16", "Prediction")
        try t.send("q")
        let after = try t.waitFor("EXIT=0")
        XCTAssertFalse(after.contains("theme"), "no complaint about the theme:\n\(after)")
    }

    func testItTakesTheModelFromTheEnvironmentOrWhereAnInstallationPutsIt() throws {
        var environment = bareEnvironment
        environment["HEMATOVISION_MODEL"] = shipped
        let fromVariable = try Harness.run([scratch + "/bin/hematovision", "classify", samples], environment: environment)
        XCTAssertEqual(fromVariable.status, 0, fromVariable.error)
        XCTAssertTrue(fromVariable.output.hasPrefix(",Image,Category\r\n"), fromVariable.output)
        XCTAssertTrue(fromVariable.error.contains("16 classified, 0 failed"), fromVariable.error)

        // PREFIX/bin/hematovision with PREFIX/share/hematovision/MODEL.
        try FileManager.default.createDirectory(atPath: scratch + "/share/hematovision", withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: shipped, toPath: scratch + "/share/hematovision/hematovision-mobilenetv2.safetensors")
        let installed = try Harness.run([scratch + "/bin/hematovision", "classify", samples], environment: bareEnvironment)
        XCTAssertEqual(installed.status, 0, installed.error)
        XCTAssertEqual(installed.output, fromVariable.output)
        try FileManager.default.removeItem(atPath: scratch + "/share")

        // The user's own data folder.
        try FileManager.default.createDirectory(atPath: scratch + "/home/.local/share/hematovision", withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: shipped, toPath: scratch + "/home/.local/share/hematovision/hematovision-mobilenetv2.safetensors")
        let version = try Harness.run([scratch + "/bin/hematovision", "--version"], environment: bareEnvironment)
        XCTAssertEqual(version.status, 0, version.error)
        XCTAssertTrue(version.output.contains("(\(scratch)/home/.local/share/hematovision/hematovision-mobilenetv2.safetensors)"), version.output)
    }

    func testVersionNamesTheAppAndTheModelOrSaysThereIsNone() throws {
        let built = try Harness.run([Harness.binary, "--version"])
        XCTAssertEqual(built.status, 0, built.error)
        let lines = built.output.split(separator: "\n")
        XCTAssertEqual(lines.first, "hematovision 0.9.0")
        XCTAssertTrue(lines.count == 2 && lines[1].hasPrefix("model mnv2-") && lines[1].hasSuffix("hematovision-mobilenetv2.safetensors)"), built.output)

        // Another file is another identity.
        let other = try Harness.modelFile(metadata: { $0["training_data"] = "another run" })
        defer { try? FileManager.default.removeItem(atPath: other) }
        let replaced = try Harness.run([Harness.binary, "--version"], environment: ["HEMATOVISION_MODEL": other])
        XCTAssertTrue(replaced.output.hasPrefix("hematovision 0.9.0\nmodel mnv2-"), replaced.output)
        XCTAssertNotEqual(replaced.output.split(separator: " ")[2], lines[1].split(separator: " ")[1], replaced.output)

        let alone = try alone(["--version"])
        XCTAssertEqual(alone.status, 0, alone.error)
        XCTAssertEqual(alone.output, "hematovision 0.9.0\n" + lines[1].split(separator: " ")[0...1].joined(separator: " ") + " (built in)\n")
    }
}
