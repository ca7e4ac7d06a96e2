import Foundation
import XCTest

/// classify and evaluate as a script would run them.
final class HeadlessEndToEndTests: XCTestCase {
    func testClassifyWritesTheReferencePredictionsAndNamesBadFiles() throws {
        let folder = try Harness.sampleFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let broken = folder + "/nested/half.jpg"
        try FileManager.default.createDirectory(atPath: folder + "/nested", withIntermediateDirectories: true)
        let sample = try Data(contentsOf: URL(fileURLWithPath: folder + "/BloodImage_00001.jpg"))
        try sample.prefix(sample.count / 3).write(to: URL(fileURLWithPath: broken))
        let out = folder + "/out.csv", probs = folder + "/p.jsonl"
        let r = try Harness.run([Harness.binary, "classify", folder, "-o", out, "--probabilities", probs, "--threads", "2"])
        XCTAssertEqual(r.status, 1, "one file failed")
        XCTAssertTrue(r.error.contains("skipped \(broken): the image data ends early"), r.error)
        XCTAssertTrue(r.error.contains("16 classified, 1 failed"), r.error)
        let top = try Harness.referenceTopClasses()
        let expected = ",Image,Category\r\n" + top.keys.sorted { Int($0)! < Int($1)! }.map { ",\($0),\(top[$0]!)\r\n" }.joined()
        XCTAssertEqual(String(decoding: try Data(contentsOf: URL(fileURLWithPath: out)), as: UTF8.self), expected)
        let lines = try String(contentsOfFile: probs, encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(lines.count, 16)
        let first = try JSONSerialization.jsonObject(with: Data(lines[0].utf8)) as! [String: Any]
        XCTAssertEqual((first["probabilities"] as! [String: Double]).count, 4)
    }

    func testClassifyNamesEveryImageNameItCannotReadAndCountsItAsFailed() throws {
        let folder = try Harness.sampleFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        XCTAssertEqual(symlink("missing.jpg", folder + "/dangling.jpg"), 0)
        XCTAssertEqual(symlink("loop.jpg", folder + "/loop.jpg"), 0)
        XCTAssertEqual(mkfifo(folder + "/f.jpg", 0o644), 0)
        XCTAssertEqual(symlink("f.jpg", folder + "/x.jpg"), 0)
        try FileManager.default.createDirectory(atPath: folder + "/dir.jpg", withIntermediateDirectories: false)
        // A real picture whose name is not UTF-8 (so no String can name it).
        let sample = [UInt8](try Data(contentsOf: URL(fileURLWithPath: folder + "/BloodImage_00001.jpg")))
        let bad = Array((folder + "/cell").utf8) + [0xFF] + Array(".jpg".utf8) + [0]
        let fd = bad.withUnsafeBufferPointer { $0.withMemoryRebound(to: CChar.self) { open($0.baseAddress!, O_WRONLY | O_CREAT, 0o644) } }
        XCTAssertEqual(sample.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }, sample.count)
        close(fd)

        let out = folder + "/out.csv"
        let r = try Harness.run([Harness.binary, "classify", folder, "-o", out])
        XCTAssertEqual(r.status, 1, r.error)
        for line in [
            "skipped \(folder)/cell\\xFF.jpg: its name is not UTF-8 text",
            "skipped \(folder)/dangling.jpg: a link to a file that does not exist",
            "skipped \(folder)/dir.jpg: a folder, not an image file",
            "skipped \(folder)/f.jpg: a named pipe (FIFO), not an image file",
            "skipped \(folder)/loop.jpg: a link loop",
            "skipped \(folder)/x.jpg: a link to a named pipe (FIFO), not an image file",
            "16 classified, 6 failed",
        ] {
            XCTAssertTrue(r.error.contains(line), "missing \(line.debugDescription) in:\n\(r.error)")
        }
        XCTAssertEqual(String(decoding: try Data(contentsOf: URL(fileURLWithPath: out)), as: UTF8.self).split(separator: "\r\n").count, 17)
    }

    func testEvaluateAgainstTheSamplesOwnLabels() throws {
        let samples = Harness.root.appendingPathComponent("SampleImages").path
        let r = try Harness.run([Harness.binary, "evaluate", samples, "--labels", samples + "/labels.csv", "--json"])
        XCTAssertEqual(r.status, 0, r.error)
        let o = try JSONSerialization.jsonObject(with: Data(r.output.utf8)) as! [String: Any]
        XCTAssertEqual(o["n"] as? Int, 16)
        for key in ["accuracy", "macro_f1", "ece", "per_class", "confusion"] { XCTAssertNotNil(o[key], key) }
        // Independent count: the reference top class against the dataset's label, image by image.
        let top = try Harness.referenceTopClasses()
        let truth = try String(contentsOfFile: samples + "/labels.csv", encoding: .utf8).split(separator: "\r\n").dropFirst()
            .map { $0.split(separator: ",", omittingEmptySubsequences: false) }
        let right = truth.filter { top[String($0[1])] == String($0[2]) }.count
        XCTAssertEqual(o["accuracy"] as! Double, Double(right) / 16, accuracy: 1e-9)
    }

    func testADamagedModelFileIsRefusedWithAMessage() throws {
        let bad = FileManager.default.temporaryDirectory.appendingPathComponent("bad-\(UUID()).safetensors").path
        try Data([1, 2, 3]).write(to: URL(fileURLWithPath: bad))
        defer { try? FileManager.default.removeItem(atPath: bad) }
        let r = try Harness.run([Harness.binary, "classify", Harness.root.appendingPathComponent("SampleImages").path, "--model", bad])
        XCTAssertNotEqual(r.status, 0)
        XCTAssertTrue(r.error.contains("the model file is truncated"), r.error)
    }

    func testAModelWhoseOutputOverflowsFailsEachImageInsteadOfCrashing() throws {
        // Finite but enormous classifier weights: every logit is +infinity, every probability NaN.
        let model = try Harness.modelFile(data: { tensors, data in
            let range = tensors["classifier.weight"]!
            for at in stride(from: range.lowerBound, to: range.upperBound, by: 4) {
                withUnsafeBytes(of: Float.greatestFiniteMagnitude.bitPattern.littleEndian) { data.replaceSubrange(at..<(at + 4), with: $0) }
            }
        })
        defer { try? FileManager.default.removeItem(atPath: model) }
        let folder = try Harness.sampleFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let probs = folder + "/p.jsonl"
        let r = try Harness.run([Harness.binary, "classify", folder, "--model", model, "-o", folder + "/out.csv", "--probabilities", probs])
        XCTAssertEqual(r.status, 1, r.error)
        XCTAssertTrue(r.error.contains("skipped \(folder)/BloodImage_00001.jpg: the model's output is not a number"), r.error)
        XCTAssertTrue(r.error.contains("0 classified, 16 failed"), r.error)
    }

    func testReviewWithoutATerminalPointsToClassify() throws {
        let r = try Harness.run([Harness.binary, Harness.root.appendingPathComponent("SampleImages").path])
        XCTAssertNotEqual(r.status, 0)
        XCTAssertTrue(r.error.contains("review needs a terminal"), r.error)
    }
}
