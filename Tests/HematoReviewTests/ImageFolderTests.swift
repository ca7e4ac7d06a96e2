import Foundation
import XCTest
@testable import HematoReview

/// The recursive walk names every image-looking path it cannot use, instead of dropping it.
final class ImageFolderTests: XCTestCase {
    var scratch: String!

    override func setUpWithError() throws {
        scratch = FileManager.default.temporaryDirectory.appendingPathComponent("hv-folder-tests-\(UUID())").path
        try FileManager.default.createDirectory(atPath: scratch + "/sub", withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(atPath: scratch) }

    /// Calls `body` with a path given as bytes (they need not be UTF-8).
    static func withPath<R>(_ path: [UInt8], _ body: (UnsafePointer<CChar>) -> R) -> R {
        (path + [0]).withUnsafeBufferPointer { $0.withMemoryRebound(to: CChar.self) { body($0.baseAddress!) } }
    }

    static func createFile(_ path: [UInt8]) {
        let fd = withPath(path) { open($0, O_WRONLY | O_CREAT, 0o644) }
        XCTAssertGreaterThanOrEqual(fd, 0)
        close(fd)
    }

    func testEveryImageNameThatIsNoImageFileIsNamedWithItsReason() throws {
        FileManager.default.createFile(atPath: scratch + "/a.jpg", contents: Data([1]))
        FileManager.default.createFile(atPath: scratch + "/sub/b.JPEG", contents: Data([1]))
        FileManager.default.createFile(atPath: scratch + "/notes.txt", contents: Data([1]))
        XCTAssertEqual(symlink("a.jpg", scratch + "/good-link.jpg"), 0)
        XCTAssertEqual(symlink("missing.jpg", scratch + "/dangling.jpg"), 0)
        XCTAssertEqual(symlink("loop.jpg", scratch + "/loop.jpg"), 0)
        XCTAssertEqual(mkfifo(scratch + "/f.jpg", 0o644), 0)
        XCTAssertEqual(symlink("f.jpg", scratch + "/x.jpg"), 0)
        try FileManager.default.createDirectory(atPath: scratch + "/dir.jpg", withIntermediateDirectories: false)
        FileManager.default.createFile(atPath: scratch + "/dir.jpg/inside.jpg", contents: Data([1]))
        Self.createFile(Array((scratch + "/bad").utf8) + [0xFF] + Array(".jpg".utf8))

        let listing = try ImageFolder.scan(scratch)
        XCTAssertEqual(listing.images, ["a.jpg", "dir.jpg/inside.jpg", "good-link.jpg", "sub/b.JPEG"])
        XCTAssertEqual(listing.skipped.map { DisplayName.escaped(bytes: $0.path) + ": " + $0.reason }, [
            "bad\\xFF.jpg: its name is not UTF-8 text, so it cannot be read or written to labels.csv",
            "dangling.jpg: a link to a file that does not exist",
            "dir.jpg: a folder, not an image file",
            "f.jpg: a named pipe (FIFO), not an image file",
            "loop.jpg: a link loop (it leads back to itself)",
            "x.jpg: a link to a named pipe (FIFO), not an image file",
        ])
        XCTAssertEqual(try ImageFolder.listRecursively(scratch), listing.images)
    }

    func testAFolderWhoseNameIsNotUTF8IsWalkedAndItsImagesNamed() throws {
        let folder = Array((scratch + "/sub/").utf8) + [0xC3, 0x28]
        XCTAssertEqual(Self.withPath(folder) { mkdir($0, 0o755) }, 0)
        Self.createFile(folder + Array("/c.jpg".utf8))
        let listing = try ImageFolder.scan(scratch)
        XCTAssertEqual(listing.images, [])
        XCTAssertEqual(listing.skipped.map { DisplayName.escaped(bytes: $0.path) }, ["sub/\\xC3(/c.jpg"])
    }

    func testPNGAndTIFFNamesAreImagesInAnyCase() throws {
        for name in ["a.png", "b.PNG", "c.tif", "d.TIFF", "sub/e.tiff", "f.gif", "g.png.txt"] {
            FileManager.default.createFile(atPath: scratch + "/" + name, contents: Data([1]))
        }
        XCTAssertEqual(try ImageFolder.scan(scratch).images, ["a.png", "b.PNG", "c.tif", "d.TIFF", "sub/e.tiff"])
        XCTAssertEqual(try ImageFolder.list(scratch), ["a.png", "b.PNG", "c.tif", "d.TIFF"])
    }

    func testAMissingFolderIsAnError() {
        XCTAssertThrowsError(try ImageFolder.scan(scratch + "/absent"))
    }
}
