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
        let fromDataHome = try Harness.run([scratch + "/bin/hematovision", "classify", samples], environment: bareEnvironment)
        XCTAssertEqual(fromDataHome.status, 0, fromDataHome.error)
        XCTAssertEqual(fromDataHome.output, fromVariable.output)
    }
}
