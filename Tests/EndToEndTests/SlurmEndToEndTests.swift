import Foundation
import XCTest

/// The array job against a real Slurm (issue 14): Tests/Slurm/array-test.sh starts a one-node
/// cluster from Debian's slurm-wlm and munge in a temporary folder, submits
/// Scripts/classify-array.sbatch as an array of 3 over a copy of SampleImages, merges, compares
/// with one classify byte for byte, reruns a task, and stops every daemon it started.
/// Skipped only where the Slurm binaries are not installed (CI installs them).
final class SlurmEndToEndTests: XCTestCase {
    func testAnArrayOfThreeShardsMergedIsOneClassifyOnARealSlurm() throws {
        let script = Harness.root.appendingPathComponent("Tests/Slurm/array-test.sh").path
        let log = FileManager.default.temporaryDirectory.appendingPathComponent("hv-slurm-\(UUID()).log").path
        defer { try? FileManager.default.removeItem(atPath: log) }
        // Output to a file, not a pipe: nothing the daemons inherit can keep the test waiting.
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/bash")
        p.arguments = ["-c", "exec \"$0\" \"$1\" >\"$2\" 2>&1 </dev/null", script, Harness.binary, log]
        let started = Date()
        try p.run()
        // The script bounds each wait itself; this is the backstop (it stops its daemons on SIGTERM).
        while p.isRunning && Date().timeIntervalSince(started) < 150 { usleep(100_000) }
        if p.isRunning { p.terminate() }
        p.waitUntilExit()
        let output = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
        if p.terminationStatus == 77 { throw XCTSkip(output.trimmingCharacters(in: .whitespacesAndNewlines)) }
        XCTAssertEqual(p.terminationStatus, 0, output)
        XCTAssertTrue(output.contains("merge == one classify, byte for byte"), output)
        XCTAssertTrue(output.contains("rerun of task 2 == its first run, byte for byte"), output)
        XCTAssertTrue(output.contains("stopped munged slurmctld slurmd"), output)
        XCTAssertLessThan(Date().timeIntervalSince(started), 120, "the Slurm test must stay under 2 minutes:\n" + output)
    }
}
