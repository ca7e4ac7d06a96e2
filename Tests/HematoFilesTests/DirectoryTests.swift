import Foundation
import XCTest
@testable import HematoFiles

/// Listing a folder: names as bytes, the caller's filter, and errno as a typed error that the
/// layers above turn into sentences (ImageFolder's "no folder at ...").
final class DirectoryTests: XCTestCase {
    var folder: String!

    override func setUpWithError() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("hv-directory-\(UUID())").path
        try FileManager.default.createDirectory(atPath: folder + "/sub", withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(atPath: folder) }

    func testEntriesAreWhatTheFilterKeepsWithTheirTypesAndNeverDotOrDotDot() throws {
        XCTAssert(FileManager.default.createFile(atPath: folder + "/a.jpg", contents: Data([1])))
        XCTAssert(FileManager.default.createFile(atPath: folder + "/b.txt", contents: Data([1])))
        XCTAssertEqual(symlink("a.jpg", folder + "/link.jpg"), 0)
        var seen: [String] = []
        let all = try Directory.entries(Array(folder.utf8)) { name, _ in
            seen.append(String(decoding: name, as: UTF8.self))
            return true
        }
        XCTAssertEqual(Set(seen), ["a.jpg", "b.txt", "link.jpg", "sub"], "the filter never sees . or ..")
        let byName = Dictionary(uniqueKeysWithValues: all.map { (String(decoding: $0.name, as: UTF8.self), $0.type) })
        // tmpfs and ext4 record types; a file system that does not says .unknown, and lstat must agree then.
        for (name, expected) in [("a.jpg", Directory.EntryType.regular), ("link.jpg", .symbolicLink), ("sub", .directory)] {
            XCTAssert(byName[name] == expected || byName[name] == .unknown, name)
            XCTAssertEqual(Directory.typeWithoutFollowing(Array((folder + "/" + name).utf8)), expected, name)
        }
        let kept = try Directory.entries(Array(folder.utf8)) { name, _ in name.last == UInt8(ascii: "g") }
        XCTAssertEqual(Set(kept.map { String(decoding: $0.name, as: UTF8.self) }), ["a.jpg", "link.jpg"])
    }

    func testAMissingFolderOrAFileThrowsItsErrno() {
        XCTAssertThrowsError(try Directory.entries(Array((folder + "/absent").utf8)) { _, _ in true }) { error in
            XCTAssertEqual((error as? FileError)?.systemError, .noSuchFile)
        }
        XCTAssert(FileManager.default.createFile(atPath: folder + "/file", contents: Data([1])))
        XCTAssertThrowsError(try Directory.entries(Array((folder + "/file").utf8)) { _, _ in true }) { error in
            XCTAssertEqual((error as? FileError)?.systemError, .notADirectory)
        }
    }

    func testKindFollowsLinksAndNamesABrokenOneByItsErrno() throws {
        XCTAssertEqual(mkfifo(folder + "/pipe", 0o600), 0)
        XCTAssertEqual(symlink("pipe", folder + "/to-pipe"), 0)
        XCTAssertEqual(symlink("nothing", folder + "/dangling"), 0)
        XCTAssertEqual(symlink("loop", folder + "/loop"), 0)
        XCTAssertEqual(try Directory.kind(Array((folder + "/to-pipe").utf8)), .fifo)
        XCTAssertEqual(try Directory.kind(Array((folder + "/sub").utf8)), .directory)
        XCTAssertThrowsError(try Directory.kind(Array((folder + "/dangling").utf8))) { error in
            XCTAssertEqual((error as? FileError)?.systemError, .noSuchFile)
        }
        XCTAssertThrowsError(try Directory.kind(Array((folder + "/loop").utf8))) { error in
            XCTAssertEqual((error as? FileError)?.systemError, .tooManySymbolicLinks)
        }
        XCTAssertEqual(Directory.typeWithoutFollowing(Array((folder + "/dangling").utf8)), .symbolicLink)
        XCTAssertEqual(Directory.typeWithoutFollowing(Array((folder + "/absent").utf8)), .unknown)
    }

    /// A name that is not UTF-8 is listed as its bytes, so the caller can still open it.
    func testANameThatIsNotUTF8IsListedAsItsBytes() throws {
        let name: [UInt8] = [0x61, 0xFF, 0x2E, 0x6A, 0x70, 0x67]
        let path = Array((folder + "/").utf8) + name
        let fd = (path + [0]).withUnsafeBufferPointer { $0.withMemoryRebound(to: CChar.self) { open($0.baseAddress!, O_WRONLY | O_CREAT, 0o644) } }
        XCTAssertGreaterThanOrEqual(fd, 0)
        close(fd)
        let entries = try Directory.entries(Array(folder.utf8)) { name, _ in name.first == 0x61 }
        XCTAssertEqual(entries.map(\.name), [name])
        XCTAssertEqual(try Directory.kind(path), .regular)
    }
}
