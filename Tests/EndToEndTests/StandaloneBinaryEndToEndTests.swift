import Foundation
import XCTest

/// The binary copied out of the build on its own, as a person installs it: it must find its
/// model where an installation puts it, or say where it looked, and never trap.
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

    /// No model anywhere it looks: HOME and the XDG data folders are empty.
    var bareEnvironment: [String: String] { ["HOME": scratch + "/home", "XDG_DATA_DIRS": scratch + "/empty"] }
    var shipped: String { Harness.root.appendingPathComponent("Sources/HematoNet/Resources/hematovision-mobilenetv2.safetensors").path }
    var samples: String { Harness.root.appendingPathComponent("SampleImages").path }

    func testWithoutAModelItSaysWhereItLookedAndExitsWithStatus1() throws {
        let r = try Harness.run([scratch + "/bin/hematovision", "classify", samples], environment: bareEnvironment)
        XCTAssertEqual(r.status, 1, r.error)
        XCTAssertFalse(r.error.contains("Fatal error"), r.error)
        for line in [
            "no model file: looked for hematovision-mobilenetv2.safetensors in\n",
            "  \(scratch)/bin/HematoVision_HematoNet.resources\n",
            "  \(scratch)/share/hematovision\n",
            "  \(scratch)/home/.local/share/hematovision\n",
            "  \(scratch)/empty/hematovision\n",
            "give one with --model PATH or HEMATOVISION_MODEL=PATH",
        ] {
            XCTAssertTrue(r.error.contains(line), "missing \(line.debugDescription) in:\n\(r.error)")
        }
        XCTAssertEqual(r.output, "")
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

        let alone = try Harness.run([scratch + "/bin/hematovision", "--version"], environment: bareEnvironment)
        XCTAssertEqual(alone.status, 0, alone.error)
        XCTAssertTrue(alone.output.hasPrefix("hematovision 0.9.0\nmodel: no model file: looked for hematovision-mobilenetv2.safetensors in\n"), alone.output)
    }
}
