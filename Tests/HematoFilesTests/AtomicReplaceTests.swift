import Foundation
import XCTest
@testable import HematoFiles

final class AtomicReplaceTests: XCTestCase {
    var folder: String!

    override func setUpWithError() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("hv-files-\(UUID())").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(atPath: folder) }

    func bytes(_ path: String) throws -> String { String(decoding: try Data(contentsOf: URL(fileURLWithPath: path)), as: UTF8.self) }
    func kind(_ path: String) throws -> FileKind { FileKind(mode: try Syscall.lstat(path).st_mode) }

    /// Issue 11, defect 7: the old temporary name (.NAME.tmp-PID) could be planted as a link.
    func testALinkPlantedAtTheOldTemporaryNameIsNeverWrittenThrough() throws {
        try Data("victim".utf8).write(to: URL(fileURLWithPath: folder + "/victim"))
        try FileManager.default.createDirectory(atPath: folder + "/c", withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: folder + "/c/.out.csv.tmp-\(getpid())", withDestinationPath: "../victim")
        try AtomicReplace.write(Array("new".utf8), to: folder + "/c/out.csv")
        XCTAssertEqual(try bytes(folder + "/victim"), "victim")
        XCTAssertEqual(try kind(folder + "/c/out.csv"), .regular)
        XCTAssertEqual(try bytes(folder + "/c/out.csv"), "new")
        // No temporary is left behind either.
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder + "/c").sorted(), [".out.csv.tmp-\(getpid())", "out.csv"])
    }

    func testTemporaryNamesAreUnpredictableAndNeverReuseAnExistingName() throws {
        let (a, fa) = try TemporaryFile.create(beside: folder + "/x.csv")
        let (b, _) = try TemporaryFile.create(beside: folder + "/x.csv")
        XCTAssertNotEqual(a, b)
        XCTAssertFalse(a.hasSuffix("-\(getpid())"))
        XCTAssertEqual(try fa.status().st_mode & 0o777, 0o600)
    }

    /// Defect 9: a symlinked labels.csv was replaced by a plain file; its target never got the bytes.
    func testALinkIsFollowedAndKept() throws {
        try FileManager.default.createDirectory(atPath: folder + "/shared", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: folder + "/slide", withIntermediateDirectories: true)
        try Data("old".utf8).write(to: URL(fileURLWithPath: folder + "/shared/labels.csv"))
        try FileManager.default.createSymbolicLink(atPath: folder + "/slide/labels.csv", withDestinationPath: "../shared/labels.csv")
        try AtomicReplace.write(Array("new".utf8), to: folder + "/slide/labels.csv")
        XCTAssertEqual(try kind(folder + "/slide/labels.csv"), .symbolicLink)
        XCTAssertEqual(try bytes(folder + "/shared/labels.csv"), "new")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder + "/slide"), ["labels.csv"])
    }

    /// Defect 10: saving turned a mode-600 labels.csv into 644.
    func testTheModeIsKept() throws {
        let path = folder + "/labels.csv"
        try Data("old".utf8).write(to: URL(fileURLWithPath: path))
        chmod(path, 0o600)
        try AtomicReplace.write(Array("new".utf8), to: path)
        XCTAssertEqual(try Syscall.stat(path).st_mode & 0o7777, 0o600)
        chmod(path, 0o640)
        try AtomicReplace.write(Array("newer".utf8), to: path)
        XCTAssertEqual(try Syscall.stat(path).st_mode & 0o7777, 0o640)
        XCTAssertEqual(try bytes(path), "newer")
    }

    func testAFolderInTheWayIsRefusedNotReplaced() throws {
        try FileManager.default.createDirectory(atPath: folder + "/out.csv", withIntermediateDirectories: true)
        XCTAssertThrowsError(try AtomicReplace.write(Array("x".utf8), to: folder + "/out.csv")) { error in
            XCTAssertEqual(error as? FileError, .notRegular(path: folder + "/out.csv", kind: .directory))
        }
    }

    /// Defect 8: `-o FIFO` replaced the FIFO with a regular file.
    func testAFIFOIsWrittenIntoNotReplaced() throws {
        let fifo = folder + "/pipe"
        XCTAssertEqual(mkfifo(fifo, 0o600), 0)
        let received = Mutex<String?>(nil)
        let reader = Thread {
            let fd = open(fifo, O_RDONLY)
            var bytes: [UInt8] = [], buffer = [UInt8](repeating: 0, count: 256)
            while true {
                let n = read(fd, &buffer, buffer.count)
                if n <= 0 { break }
                bytes += buffer[0..<n]
            }
            close(fd)
            received.withLock { $0 = String(decoding: bytes, as: UTF8.self) }
        }
        reader.start()
        try OutputFile.write(Array("a,b\r\n".utf8), to: fifo)
        let deadline = Date().addingTimeInterval(5)
        while received.withLock({ $0 }) == nil && Date() < deadline { usleep(10_000) }
        XCTAssertEqual(received.withLock { $0 }, "a,b\r\n")
        XCTAssertEqual(try kind(fifo), .fifo)
    }

    func testACharacterDeviceIsWrittenIntoNotReplaced() throws {
        try OutputFile.write(Array("x".utf8), to: "/dev/null")
        XCTAssertEqual(try kind("/dev/null"), .characterDevice)
    }
}

import Synchronization
