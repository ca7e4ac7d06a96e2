import Foundation
import XCTest

/// classify --shard K/N and merge, as the tasks of an array job and the step after them run them.
final class ShardEndToEndTests: XCTestCase {
    /// The samples, a nested copy, a picture that cannot be decoded, a dangling link, and a second folder
    /// whose names repeat the first's (one row per name, as one classify writes it).
    func folders() throws -> (String, String) {
        let a = try Harness.sampleFolder(), b = try Harness.sampleFolder()
        addTeardownBlock {
            try? FileManager.default.removeItem(atPath: a)
            try? FileManager.default.removeItem(atPath: b)
        }
        try FileManager.default.createDirectory(atPath: a + "/nested", withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: a + "/BloodImage_00001.jpg", toPath: a + "/nested/cell 7.jpeg")
        let sample = try Data(contentsOf: URL(fileURLWithPath: a + "/BloodImage_00006.jpg"))
        try sample.prefix(sample.count / 3).write(to: URL(fileURLWithPath: a + "/nested/half.jpg"))
        XCTAssertEqual(symlink("missing.jpg", a + "/gone.jpg"), 0)
        for name in try FileManager.default.contentsOfDirectory(atPath: b) where !["BloodImage_00013.jpg", "BloodImage_00264.jpg"].contains(name) {
            try FileManager.default.removeItem(atPath: b + "/" + name)
        }
        return (a, b)
    }

    func bytes(_ path: String) throws -> Data { try Data(contentsOf: URL(fileURLWithPath: path)) }

    func testThreeShardsMergedAreByteForByteOneClassify() throws {
        let (a, b) = try folders()
        let out = a + "-out"
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: out) }

        let single = try Harness.run([Harness.binary, "classify", a, b, "-o", out + "/single.csv", "--probabilities", out + "/single.jsonl"])
        XCTAssertEqual(single.status, 1, "the broken picture and the dangling link fail: " + single.error)
        XCTAssertTrue(single.error.contains("19 classified, 2 failed"), single.error)

        var classified = 0, reportedLink = 0
        for k in [2, 3, 1] {
            let r = try Harness.run([Harness.binary, "classify", a, b, "--shard", "\(k)/3", "-o", out + "/part-\(k).csv",
                                     "--probabilities", out + "/part-\(k).jsonl", "--threads", "2"])
            XCTAssertTrue(r.error.contains("(shard \(k)/3)"), r.error)
            classified += Int(r.error.split(separator: "\n").last!.split(separator: " ")[0])!
            if r.error.contains("skipped \(a)/gone.jpg: a link to a file that does not exist") { reportedLink += 1 }
            // Each part on its own is a labels.csv in the dataset's format.
            XCTAssertTrue(String(decoding: try bytes(out + "/part-\(k).csv"), as: UTF8.self).hasPrefix(",Image,Category\r\n"))
        }
        XCTAssertEqual(classified, 19, "the shards classify every image once between them")
        XCTAssertEqual(reportedLink, 1, "the one shard the dangling link hashes to names it")

        let merged = try Harness.run([Harness.binary, "merge", out + "/merged.csv", out + "/part-3.csv", out + "/part-1.csv", out + "/part-2.csv",
                                      "--probabilities", out + "/merged.jsonl"])
        XCTAssertEqual(merged.status, 1, "as classify: an image failed. " + merged.error)
        XCTAssertTrue(merged.error.contains("19 classified, 2 failed in 3 shards → \(out)/merged.csv"), merged.error)
        XCTAssertEqual(try bytes(out + "/merged.csv"), try bytes(out + "/single.csv"))
        XCTAssertEqual(try bytes(out + "/merged.jsonl"), try bytes(out + "/single.jsonl"))
        let text = String(decoding: try bytes(out + "/merged.csv"), as: UTF8.self)
        XCTAssertTrue(text.contains(",nested/cell 7.jpeg,"), text)
        XCTAssertEqual(text.components(separatedBy: "\r\n").count - 2, 17, "16 samples + the nested copy; folder b repeats names: \(text)")
    }

    func testARerunShardIsByteForByteItsFirstRunEvenAfterAKill() throws {
        let (a, _) = try folders()
        let part = a + "-part.csv", probabilities = a + "-part.jsonl"
        defer { for f in [part, part + ".shard.json", probabilities] { try? FileManager.default.removeItem(atPath: f) } }
        let arguments = ["classify", a, "--shard", "2/3", "-o", part, "--probabilities", probabilities]
        try Harness.run([Harness.binary] + arguments)
        let first = try [part, part + ".shard.json", probabilities].map(bytes)

        // Killed part way (a task's node lost), then rerun.
        let p = Process()
        p.executableURL = URL(fileURLWithPath: Harness.binary)
        p.arguments = arguments
        p.standardError = FileHandle.nullDevice
        try p.run()
        usleep(300_000)
        kill(p.processIdentifier, SIGKILL)
        p.waitUntilExit()
        try Harness.run([Harness.binary] + arguments)
        XCTAssertEqual(try [part, part + ".shard.json", probabilities].map(bytes), first)
    }

    func testMergeRefusesMissingDuplicateAndMismatchedShardsNamingThem() throws {
        let (a, _) = try folders()
        let out = a + "-out"
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: out) }
        for k in 1...3 { try Harness.run([Harness.binary, "classify", a, "--shard", "\(k)/3", "-o", out + "/part-\(k).csv"]) }
        let merged = out + "/merged.csv"
        func merge(_ parts: [String]) throws -> String {
            let r = try Harness.run([Harness.binary, "merge", merged] + parts.map { out + "/" + $0 })
            XCTAssertNotEqual(r.status, 0, r.error)
            XCTAssertFalse(FileManager.default.fileExists(atPath: merged), "nothing is written when the shards are refused")
            return r.error
        }

        XCTAssertEqual(try merge(["part-1.csv", "part-3.csv"]), "Error: missing shard 2/3 (of 3); classify it with --shard and merge again\n")

        try FileManager.default.copyItem(atPath: out + "/part-2.csv", toPath: out + "/again.csv")
        try FileManager.default.copyItem(atPath: out + "/part-2.csv.shard.json", toPath: out + "/again.csv.shard.json")
        XCTAssertEqual(try merge(["part-1.csv", "part-2.csv", "part-3.csv", "again.csv"]),
                       "Error: shard 2/3 is given more than once: \(out)/part-2.csv, \(out)/again.csv\n")

        let model = try Harness.modelFile { $0["training_data"] = "another training set" }
        defer { try? FileManager.default.removeItem(atPath: model) }
        try Harness.run([Harness.binary, "classify", a, "--shard", "2/3", "-o", out + "/other-model.csv", "--model", model])
        let otherModel = try merge(["part-1.csv", "other-model.csv", "part-3.csv"])
        XCTAssertTrue(otherModel.hasPrefix("Error: the shards do not belong together: \(out)/part-1.csv and \(out)/other-model.csv differ in model: mnv2-"),
                      otherModel)

        try Harness.run([Harness.binary, "classify", a, "--shard", "2/4", "-o", out + "/quarter.csv"])
        XCTAssertTrue(try merge(["part-1.csv", "quarter.csv", "part-3.csv"])
            .contains("differ in number of shards: shard 1/3 against shard 2/4"))

        // The folder changed between two tasks.
        try FileManager.default.copyItem(atPath: a + "/BloodImage_00001.jpg", toPath: a + "/BloodImage_99999.jpg")
        try Harness.run([Harness.binary, "classify", a, "--shard", "3/3", "-o", out + "/later.csv"])
        let later = try merge(["part-1.csv", "part-2.csv", "later.csv"])
        XCTAssertTrue(later.contains("\(out)/part-1.csv and \(out)/later.csv differ in listing (the folders changed between the shards; rerun them all): "
                                     + "18 images, 1 unreadable"), later)
        XCTAssertTrue(later.contains("against 19 images, 1 unreadable"), later)

        // A part rewritten without its record.
        try Data(",Image,Category\r\n".utf8).write(to: URL(fileURLWithPath: out + "/part-3.csv"))
        XCTAssertTrue(try merge(["part-1.csv", "part-2.csv", "part-3.csv"])
            .hasPrefix("Error: \(out)/part-3.csv (shard 3/3): its labels file is not what its shard record says was written"))
        XCTAssertTrue(try merge(["part-1.csv", "part-2.csv", "nothing.csv"]).hasPrefix("Error: no file at \(out)/nothing.csv"))
    }

    func testShardOptionIsCheckedBeforeAnyWork() throws {
        for (argument, message) in [("4/3", "--shard 4/3: K counts from 1 to N"), ("2", "--shard wants K/N"), ("1/0", "--shard 1/0: N, the number of shards, must be from 1 to 1000000")] {
            let r = try Harness.run([Harness.binary, "classify", "/nonexistent", "--shard", argument, "-o", "/tmp/x.csv"])
            XCTAssertEqual(r.status, 64, r.error)
            XCTAssertTrue(r.error.hasPrefix("Error: " + message), r.error)
        }
        let r = try Harness.run([Harness.binary, "classify", "/nonexistent", "--shard", "1/2"])
        XCTAssertTrue(r.error.hasPrefix("Error: --shard needs --output FILE"), r.error)
    }
}
