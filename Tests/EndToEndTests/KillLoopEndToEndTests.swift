import Foundation
import XCTest
import HematoReview

/// Issue 11's kill loop: a scripted review killed with SIGKILL at random moments (often right
/// after a key), reopened each time. After every reopen labels.csv must be the journal replayed
/// over the original file: the journal is the commit, and opening brings labels.csv up to it.
final class KillLoopEndToEndTests: XCTestCase {
    func testTwentyKillsAndReopensKeepLabelsEqualToTheJournal() throws {
        let folder = try Harness.sampleFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let original = try Data(contentsOf: Harness.root.appendingPathComponent("SampleImages/labels.csv"))
        try original.write(to: URL(fileURLWithPath: folder + "/labels.csv"))
        var random = SeededRandom(seed: 11)
        let keys = ["e", "l", "m", "n", "b", "Enter", "u", "s", "Enter", "n"]
        let t = try TmuxSession("sleep 120")
        var decisions = 0
        for run in 0...20 {  // 20 kills, then a last reopen that quits
            let name = "r\(run)"
            try t.open("exec \(Harness.binary) '\(folder)' --graphics blocks", name: name)
            try t.waitFor("Image ", session: name)
            try assertLabelsAreTheJournalReplayed(folder: folder, original: [UInt8](original), run: run)
            if run == 20 {
                try t.send("q", session: name)
                break
            }
            let pid = try t.panePID(name)
            for k in 0..<Int.random(in: 1...4, using: &random) {
                if k > 0 { usleep(UInt32.random(in: 0...40_000, using: &random)) }
                try t.send(keys.randomElement(using: &random)!, session: name)
            }
            usleep([0, 0, 1_000, 3_000, 10_000, 30_000].randomElement(using: &random)!)
            kill(pid, SIGKILL)
            let deadline = Date().addingTimeInterval(5)
            while kill(pid, 0) == 0 && Date() < deadline { usleep(10_000) }
            decisions = try Journal.read(path: folder + "/labels.journal.jsonl").count
        }
        XCTAssertGreaterThan(decisions, 5, "the loop made decisions to check")
    }

    func assertLabelsAreTheJournalReplayed(folder: String, original: [UInt8], run: Int) throws {
        var expected = try LabelsFile(bytes: original)
        for e in try Journal.read(path: folder + "/labels.journal.jsonl") {
            if e.label.isEmpty { expected.removeRow(forImage: e.image) } else { expected.setCategories(e.label, forImage: e.image) }
        }
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: folder + "/labels.csv")))
        let actual = try LabelsFile(bytes: bytes)  // well formed, or this throws
        func table(_ f: LabelsFile) -> [String: [String]] {
            Dictionary(f.rows.map { ($0.image, $0.categories) }, uniquingKeysWith: { a, _ in a })
        }
        XCTAssertEqual(table(actual), table(expected), "after kill \(run)")
    }
}

/// A small reproducible generator (SplitMix64), so a failing run can be replayed.
struct SeededRandom: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
