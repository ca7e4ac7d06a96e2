import Foundation
import XCTest
import HematoReview

/// The built binary against what shared folders hold: planted links, FIFOs, devices (issue 11).
final class FileSafetyEndToEndTests: XCTestCase {
    var base: String!

    override func setUpWithError() throws {
        base = FileManager.default.temporaryDirectory.appendingPathComponent("hv-safety-\(UUID())").path
        try FileManager.default.createDirectory(atPath: base, withIntermediateDirectories: true)
        try FileManager.default.moveItem(atPath: try Harness.sampleFolder(), toPath: base + "/c")
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(atPath: base) }

    func text(_ path: String) throws -> String { String(decoding: try Data(contentsOf: URL(fileURLWithPath: path)), as: UTF8.self) }

    /// Defect 7: the temporary name .out.csv.tmp-PID was predictable; a link planted there was written through.
    func testClassifyNeverWritesThroughALinkAtItsTemporaryName() throws {
        try Data("victim".utf8).write(to: URL(fileURLWithPath: base + "/victim"))
        let r = try Harness.run(["sh", "-c", "ln -s ../victim '\(base!)/c/.out.csv.tmp-'$$; exec '\(Harness.binary)' classify '\(base!)/c' -o '\(base!)/c/out.csv'"])
        XCTAssertEqual(r.status, 0, r.error)
        XCTAssertEqual(try text(base + "/victim"), "victim")
        let attributes = try FileManager.default.attributesOfItem(atPath: base + "/c/out.csv")
        XCTAssertEqual(attributes[.type] as? FileAttributeType, .typeRegular)
        XCTAssertTrue(try text(base + "/c/out.csv").hasPrefix(",Image,Category\r\n"))
    }

    /// Defect 8: -o FIFO replaced the FIFO with a regular file; -o - is standard output.
    func testClassifyWritesIntoAFIFOAndDashIsStandardOutput() throws {
        let fifo = base + "/out.fifo"
        XCTAssertEqual(mkfifo(fifo, 0o600), 0)
        let received = ReceivedBytes()
        let reader = Thread {
            let fd = open(fifo, O_RDONLY)
            var buffer = [UInt8](repeating: 0, count: 4096)
            while true {
                let n = read(fd, &buffer, buffer.count)
                if n <= 0 { break }
                received.append(buffer[0..<n])
            }
            close(fd)
            received.finish()
        }
        reader.start()
        let r = try Harness.run([Harness.binary, "classify", base + "/c", "-o", fifo])
        XCTAssertEqual(r.status, 0, r.error)
        XCTAssertTrue(received.wait(), "the reader saw the end of the output")
        XCTAssertTrue(received.text.hasPrefix(",Image,Category\r\n"), received.text)
        XCTAssertEqual((try FileManager.default.attributesOfItem(atPath: fifo))[.type] as? FileAttributeType, .typeUnknown, "still a FIFO")
        let dash = try Harness.run([Harness.binary, "classify", base + "/c", "-o", "-"])
        XCTAssertEqual(dash.status, 0, dash.error)
        XCTAssertEqual(dash.output, received.text)
        XCTAssertFalse(FileManager.default.fileExists(atPath: "-"))
        let help = try Harness.run([Harness.binary, "classify", "--help"])
        XCTAssertTrue(help.output.contains("named pipe"), help.output)
    }

    /// Defect 19: opening and quitting without a decision left a lock file and an empty journal,
    /// and said "saved in" a labels.csv that did not exist.
    func testLookingWithoutDecidingChangesNothing() throws {
        let folder = base + "/c"
        let before = try FileManager.default.contentsOfDirectory(atPath: folder).sorted()
        let t = try TmuxSession("\(Harness.binary) '\(folder)'; echo EXIT=$?; sleep 30")
        try t.waitFor("Image  1 of 16")
        try t.send("q")
        let screen = try t.waitFor("EXIT=0")
        XCTAssertTrue(screen.contains("nothing changed"), screen)
        XCTAssertFalse(screen.contains("saved in"), screen)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder).sorted(), before)
    }
}

/// Bytes a reader thread collects, and a wait for its end.
final class ReceivedBytes: @unchecked Sendable {
    private let lock = NSCondition()
    private var bytes: [UInt8] = []
    private var done = false

    func append(_ more: ArraySlice<UInt8>) { lock.lock(); bytes += more; lock.unlock() }
    func finish() { lock.lock(); done = true; lock.broadcast(); lock.unlock() }
    func wait() -> Bool {
        lock.lock(); defer { lock.unlock() }
        let deadline = Date().addingTimeInterval(30)
        while !done { if !lock.wait(until: deadline) { return false } }
        return true
    }
    var text: String { lock.lock(); defer { lock.unlock() }; return String(decoding: bytes, as: UTF8.self) }
}
