import Foundation
import XCTest

/// `--precision` on the built binary: int8 classifies with the built-in calibration and names
/// the same classes as fp32 where fp32 is clear; a damaged sidecar stops it with a sentence.
final class PrecisionEndToEndTests: XCTestCase {
    var samples: String { Harness.root.appendingPathComponent("SampleImages").path }

    func labels(_ precision: String) throws -> [String: String] {
        let r = try Harness.run([Harness.binary, "classify", samples, "--precision", precision, "--threads", "1"])
        XCTAssertEqual(r.status, 0, r.error)
        XCTAssertTrue(r.error.contains("16 classified, 0 failed"), r.error)
        var out: [String: String] = [:]
        for line in r.output.split(separator: "\r\n").dropFirst() {
            let fields = line.split(separator: ",", maxSplits: 2, omittingEmptySubsequences: false).map(String.init)
            guard fields.count == 3 else { XCTFail("not a labels.csv row: \(line)"); continue }
            out[fields[1]] = fields[2]
        }
        return out
    }

    func testInt8ClassifiesTheSamplesLikeFP32() throws {
        let fp32 = try labels("fp32"), int8 = try labels("int8")
        XCTAssertEqual(fp32.count, 16)
        XCTAssertEqual(Set(fp32.keys), Set(int8.keys))
        // Int8Tests: two sample cells where fp32 is unsure (margins 0.39 and 0.08) may change.
        XCTAssertGreaterThanOrEqual(fp32.filter { int8[$0.key] == $0.value }.count, 14)
    }

    func testADamagedSidecarIsASentenceAndExitStatus1() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("hv-precision-\(UUID())").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let model = folder + "/lab.safetensors"
        try FileManager.default.copyItem(atPath: Harness.root.appendingPathComponent("Sources/HematoNet/Resources/hematovision-mobilenetv2.safetensors").path,
                                         toPath: model)
        try "{\"format\": \"hematovision-int8-calibration\", \"ranges\": ".write(toFile: folder + "/lab.int8.json", atomically: true, encoding: .utf8)
        let r = try Harness.run([Harness.binary, "classify", samples, "--model", model, "--precision", "int8"])
        XCTAssertEqual(r.status, 1)
        XCTAssertEqual(r.error, "Error: the int8 calibration \(folder)/lab.int8.json is unusable: it is not valid JSON (damaged or truncated)\n")
        // fp32 does not read the sidecar.
        XCTAssertEqual(try Harness.run([Harness.binary, "classify", samples, "--model", model, "-o", "/dev/null"]).status, 0)
    }

    func testAnUnknownPrecisionIsRefused() throws {
        let r = try Harness.run([Harness.binary, "bench", samples, "--precision", "fp16"])
        XCTAssertNotEqual(r.status, 0)
        XCTAssertTrue(r.error.contains("fp16") && r.error.contains("fp32") && r.error.contains("int8"), r.error)
    }
}
