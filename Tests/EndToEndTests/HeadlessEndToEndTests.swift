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
        XCTAssertEqual((first["probabilities"] as! [String: Double]).keys.sorted(), try Harness.referenceLabels().sorted())
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

    static let hostileNames = ["\u{1B}]0;owned\u{07}.jpg", "\u{1B}]52;c;aGk=\u{07}.jpg", "\u{1B}[2J.jpg", "x\u{9B}31m.jpg", "abc\u{202E}gpj.jpg"]

    func testClassifyEscapesNamesOnATerminalAndKeepsThemExactInAPipe() throws {
        let folder = try Harness.sampleFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        for name in Self.hostileNames {
            try FileManager.default.copyItem(atPath: folder + "/BloodImage_00001.jpg", toPath: folder + "/" + name)
        }
        // A pipe gets labels.csv's bytes: the names exactly as on disk.
        let piped = try Harness.run([Harness.binary, "classify", folder])
        XCTAssertEqual(piped.status, 0, piped.error)
        for name in Self.hostileNames { XCTAssertTrue(piped.output.contains("," + name + ","), name.debugDescription) }
        // A terminal (script(1) gives the command a pty and copies what it prints) gets them escaped.
        let shown = try Harness.run(["script", "-qec", "'\(Harness.binary)' classify '\(folder)' 2>/dev/null", "/dev/null"])
        XCTAssertEqual(shown.status, 0, shown.error)
        XCTAssertTrue(shown.output.contains(",\\e]0;owned\\x07.jpg,"), shown.output)
        XCTAssertTrue(shown.output.contains(",\\e]52;c;aGk=\\x07.jpg,"), shown.output)
        XCTAssertTrue(shown.output.contains(",x\\u{9B}31m.jpg,"), shown.output)
        XCTAssertTrue(shown.output.contains(",abc\\u{202E}gpj.jpg,"), shown.output)
        XCTAssertFalse(shown.output.unicodeScalars.contains { $0 == "\u{1B}" || $0 == "\u{07}" || $0 == "\u{9B}" || $0 == "\u{202E}" },
                       shown.output.debugDescription)
    }

    func testModelTextReachesTheTerminalEscaped() throws {
        let sample = Harness.root.appendingPathComponent("SampleImages/BloodImage_00001.jpg").path
        // Labels holding escapes are refused at load, by every command, with the message escaped.
        let badLabels = try Harness.modelFile(metadata: { $0["labels"] = "EOSINOPHIL,\u{1B}]0;owned\u{07},MONOCYTE,NEUTROPHIL" })
        defer { try? FileManager.default.removeItem(atPath: badLabels) }
        for command in [["show", sample], ["evaluate", Harness.root.appendingPathComponent("SampleImages").path]] {
            let r = try Harness.run([Harness.binary] + command + ["--model", badLabels])
            XCTAssertNotEqual(r.status, 0, command[0])
            XCTAssertTrue(r.error.contains("labels"), r.error)
            XCTAssertFalse((r.output + r.error).contains("\u{1B}"), "\(command[0]): \((r.output + r.error).debugDescription)")
        }
        // Other metadata only shows up in messages, escaped.
        let foreign = try Harness.modelFile(metadata: { $0["format"] = "x\u{1B}]0;owned\u{07}\u{202E}" })
        defer { try? FileManager.default.removeItem(atPath: foreign) }
        let r = try Harness.run([Harness.binary, "show", sample, "--model", foreign])
        XCTAssertNotEqual(r.status, 0)
        XCTAssertTrue(r.error.contains("format is \"x\\e]0;owned\\x07\\u{202E}\""), r.error)
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

    func testEvaluateUsesTheFoldersOwnLabelsWhenItHasNoClassFoldersAndLabelsStillWins() throws {
        let samples = Harness.root.appendingPathComponent("SampleImages").path
        let byDefault = try Harness.run([Harness.binary, "evaluate", samples, "--json"])
        XCTAssertEqual(byDefault.status, 0, byDefault.error)
        let explicit = try Harness.run([Harness.binary, "evaluate", samples, "--labels", samples + "/labels.csv", "--json"])
        XCTAssertEqual(byDefault.output, explicit.output)
        XCTAssertEqual((try JSONSerialization.jsonObject(with: Data(byDefault.output.utf8)) as! [String: Any])["n"] as? Int, 16)

        let one = FileManager.default.temporaryDirectory.appendingPathComponent("hv-one-\(UUID()).csv").path
        try ",Image,Category\r\n,1,NEUTROPHIL\r\n".write(toFile: one, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: one) }
        let chosen = try Harness.run([Harness.binary, "evaluate", samples, "--labels", one, "--json"])
        XCTAssertEqual(chosen.status, 0, chosen.error)
        XCTAssertEqual((try JSONSerialization.jsonObject(with: Data(chosen.output.utf8)) as! [String: Any])["n"] as? Int, 1)
    }

    func testEvaluateSaysWhatIsWrongWithTheFolderInASentence() throws {
        let missing = FileManager.default.temporaryDirectory.appendingPathComponent("hv-missing-\u{1B}]0;owned\u{07}").path
        let r = try Harness.run([Harness.binary, "evaluate", missing])
        XCTAssertEqual(r.status, 1)
        XCTAssertEqual(r.error, "Error: no folder at \(missing.replacingOccurrences(of: "\u{1B}", with: "\\e").replacingOccurrences(of: "\u{07}", with: "\\x07"))\n")
        let file = try Harness.run([Harness.binary, "evaluate", Harness.root.appendingPathComponent("README.md").path])
        XCTAssertEqual(file.error, "Error: \(Harness.root.appendingPathComponent("README.md").path) is not a folder\n")
        let empty = FileManager.default.temporaryDirectory.appendingPathComponent("hv-empty-\(UUID())").path
        try FileManager.default.createDirectory(atPath: empty, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: empty) }
        let none = try Harness.run([Harness.binary, "evaluate", empty])
        XCTAssertTrue(none.error.contains("has no class folders (EOSINOPHIL/, LYMPHOCYTE/, ...) and no labels.csv; pass --labels"), none.error)
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

    /// Issue 22, item 17: without a terminal, `review nosuch` pointed to `classify nosuch`; an image
    /// given as FOLDER said "not a folder" and no more.
    func testReviewOfAMissingFolderOrOfAnImageSaysWhatIsWrong() throws {
        let missing = FileManager.default.temporaryDirectory.appendingPathComponent("hv-nosuch-\(UUID())").path
        let r = try Harness.run([Harness.binary, "review", missing])
        XCTAssertEqual(r.status, 1)
        XCTAssertEqual(r.error, "Error: no folder at \(missing)\n")
        let image = Harness.root.appendingPathComponent("SampleImages/BloodImage_00001.jpg").path
        for command in [["review"], ["classify"], []] {
            let i = try Harness.run([Harness.binary] + command + [image])
            XCTAssertEqual(i.status, 1, "\(command)")
            XCTAssertEqual(i.error, "Error: \(image) is not a folder; to look at one image, use `hematovision show \(image)`\n", "\(command)")
        }
    }

    func testReviewWithoutATerminalPointsToClassify() throws {
        let r = try Harness.run([Harness.binary, Harness.root.appendingPathComponent("SampleImages").path])
        XCTAssertNotEqual(r.status, 0)
        XCTAssertTrue(r.error.contains("review needs a terminal"), r.error)
    }
}
