import Foundation
import XCTest
@testable import HematoImage

/// Decoding real files, and every kind of bad file a reviewer's folder can hold.
final class ImageDecodingTests: XCTestCase {
    static let samples = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("SampleImages")
    var scratch: URL!

    override func setUpWithError() throws {
        scratch = FileManager.default.temporaryDirectory.appendingPathComponent("hv-image-tests-\(UUID())")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: scratch) }

    func sample(_ name: String = "BloodImage_00001.jpg") -> String { Self.samples.appendingPathComponent(name).path }

    func write(_ bytes: [UInt8], _ name: String) throws -> String {
        let url = scratch.appendingPathComponent(name)
        try Data(bytes).write(to: url)
        return url.path
    }

    func sampleBytes() throws -> [UInt8] { [UInt8](try Data(contentsOf: URL(fileURLWithPath: sample()))) }

    // MARK: good files

    func testDecodesASampleJPEGToTheColoursPillowSees() throws {
        let image = try ImageDecoding.load(sample())
        XCTAssertEqual(image.width, 640)
        XCTAssertEqual(image.height, 480)
        // Reference values read with Pillow (libjpeg-turbo, accurate IDCT).
        let p = image.pixel(x: 200, y: 100)
        XCTAssertEqual([p.r, p.g, p.b], [180, 160, 153])
        var sums = [0.0, 0.0, 0.0]
        for i in stride(from: 0, to: image.pixels.count, by: 3) {
            for c in 0..<3 { sums[c] += Double(image.pixels[i + c]) }
        }
        let n = Double(image.width * image.height)
        XCTAssertEqual(sums[0] / n, 187.864, accuracy: 0.01)
        XCTAssertEqual(sums[1] / n, 177.183, accuracy: 0.01)
        XCTAssertEqual(sums[2] / n, 182.869, accuracy: 0.01)
    }

    func testLargeJPEGDecodesAtTheSmallestScaleThatCovers() throws {
        let quarter = try ImageDecoding.load(sample(), covering: (100, 100))
        XCTAssertEqual([quarter.width, quarter.height], [160, 120])
        let full = try ImageDecoding.load(sample(), covering: (600, 100))
        XCTAssertEqual([full.width, full.height], [640, 480])
    }

    func testPPMDecodesExactly() throws {
        let path = try write(Array("P6\n# two pixels\n2 1\n255\n".utf8) + [255, 0, 0, 0, 128, 255], "two.ppm")
        let image = try ImageDecoding.load(path)
        XCTAssertEqual([image.width, image.height], [2, 1])
        XCTAssertEqual(image.pixels, [255, 0, 0, 0, 128, 255])
    }

    func testBMPDecodesExactly() throws {
        let image = try ImageDecoding.load(try write(Self.bmp(width: 2, height: 2, fill: [10, 20, 30]), "four.bmp"))
        XCTAssertEqual([image.width, image.height], [2, 2])
        XCTAssertEqual(image.pixels, [UInt8](repeating: 0, count: 0) + Array([[10, 20, 30], [10, 20, 30], [10, 20, 30], [10, 20, 30]].joined()))
    }

    // MARK: bad files

    func testEmptyFile() throws {
        assertDecodingFails(try write([], "empty.jpg")) { $0 == .empty(path: $0.path) }
    }

    func testRandomBytes() throws {
        var generator = SystemRandomNumberGenerator()
        let junk = (0..<4096).map { _ in UInt8.random(in: 128...255, using: &generator) }
        assertDecodingFails(try write(junk, "junk.jpg")) { if case .unsupportedFormat(_, "unknown binary data") = $0 { true } else { false } }
    }

    func testGIFNamedJPG() throws {
        let gif = Array("GIF89a".utf8) + [1, 0, 1, 0, 0, 0, 0]
        assertDecodingFails(try write(gif, "cell.jpg")) { if case .unsupportedFormat(_, "a GIF image") = $0 { true } else { false } }
    }

    /// The format comes from the bytes: a PNG named .jpg is decoded as the PNG it is, and a cut one says so.
    func testPNGNamedJPG() throws {
        let png = [UInt8](try Data(contentsOf: PNGAndTIFFDecodingTests.fixtures.appendingPathComponent("rgb8.png")))
        let image = try ImageDecoding.load(try write(png, "cell.jpg"))
        XCTAssertEqual([image.width, image.height], [40, 30])
        assertDecodingFails(try write(Array(png.prefix(12)), "stub.jpg")) { $0 == .truncated(path: $0.path) }
    }

    func testTextNamedJPG() throws {
        assertDecodingFails(try write(Array("this is not a picture\n".utf8), "notes.jpg")) {
            if case .unsupportedFormat(_, "text") = $0 { true } else { false }
        }
    }

    func testTruncatedJPEG() throws {
        let bytes = try sampleBytes()
        assertDecodingFails(try write(Array(bytes.prefix(bytes.count / 2)), "half.jpg")) { $0 == .truncated(path: $0.path) }
    }

    func testJPEGHeaderClaimingHugeSizeIsRefusedBeforeDecoding() throws {
        var bytes = try sampleBytes()
        // Patch the start-of-frame marker (FFC0/FFC2): height and width follow the precision byte.
        let sof = try XCTUnwrap((0..<bytes.count - 9).first { bytes[$0] == 0xFF && (bytes[$0 + 1] == 0xC0 || bytes[$0 + 1] == 0xC2) })
        bytes.replaceSubrange((sof + 5)...(sof + 8), with: [0xEA, 0x60, 0xEA, 0x60])  // 60000 × 60000
        assertDecodingFails(try write(bytes, "huge.jpg")) {
            if case .tooLarge(_, 60000, 60000, ImageDecoding.defaultPixelLimit) = $0 { true } else { false }
        }
    }

    func testBMPAndPPMHeadersClaimingHugeSizesAreRefused() throws {
        var bmp = Self.bmp(width: 2, height: 2, fill: [0, 0, 0])
        bmp.replaceSubrange(18..<26, with: [0x60, 0xEA, 0, 0, 0x60, 0xEA, 0, 0])
        assertDecodingFails(try write(bmp, "huge.bmp")) { if case .tooLarge(_, 60000, 60000, _) = $0 { true } else { false } }
        assertDecodingFails(try write(Array("P6 60000 60000 255\n".utf8) + [1, 2, 3], "huge.ppm")) {
            if case .tooLarge(_, 60000, 60000, _) = $0 { true } else { false }
        }
    }

    func testMissingFileAndFolderAreUnreadable() throws {
        assertDecodingFails(scratch.appendingPathComponent("absent.jpg").path) {
            if case .unreadable(_, let reason) = $0 { reason.contains("No such file") } else { false }
        }
        assertDecodingFails(scratch.path) { if case .notARegularFile(_, "a folder") = $0 { true } else { false } }
    }

    /// Loads `path` on another thread and waits at most a few seconds: before the fix,
    /// open() on a FIFO waited for a writer forever (that thread is then abandoned).
    func loadFailsFast(_ path: String, file: StaticString = #filePath, line: UInt = #line) -> ImageError? {
        final class Outcome: @unchecked Sendable { var error: ImageError? }  // written before the signal, read after it
        let outcome = Outcome()
        let done = DispatchSemaphore(value: 0)
        Thread {
            do throws(ImageError) { _ = try ImageDecoding.load(path) } catch { outcome.error = error }
            done.signal()
        }.start()
        guard done.wait(timeout: .now() + 5) == .success else {
            XCTFail("reading \(path) did not return within 5 s", file: file, line: line)
            return nil
        }
        return outcome.error
    }

    func testANamedPipeIsRefusedWithoutWaitingForAWriter() throws {
        let fifo = scratch.appendingPathComponent("f.jpg").path
        XCTAssertEqual(mkfifo(fifo, 0o644), 0)
        XCTAssertEqual(loadFailsFast(fifo), .notARegularFile(path: fifo, kind: "a named pipe (FIFO)"))
        // ln -s f.jpg x.jpg: the link is followed and the FIFO behind it refused the same way.
        let link = scratch.appendingPathComponent("x.jpg").path
        XCTAssertEqual(symlink("f.jpg", link), 0)
        XCTAssertEqual(loadFailsFast(link), .notARegularFile(path: link, kind: "a named pipe (FIFO)"))
        XCTAssertEqual(ImageError.notARegularFile(path: link, kind: "a named pipe (FIFO)").description,
                       "not an image file: it is a named pipe (FIFO)")
    }

    func testErrorsReadAsSentences() {
        XCTAssertEqual(ImageError.truncated(path: "x").description, "the image data ends early (truncated file)")
        XCTAssertTrue(ImageError.tooLarge(path: "x", width: 60000, height: 60000, limit: 120_000_000).description.contains("60000×60000"))
    }

    /// A bottom-up 24-bit BMP of one colour.
    static func bmp(width: Int, height: Int, fill rgb: [UInt8]) -> [UInt8] {
        let rowBytes = (width * 3 + 3) / 4 * 4
        let dataSize = rowBytes * height
        func le32(_ v: Int) -> [UInt8] { [UInt8(v & 255), UInt8(v >> 8 & 255), UInt8(v >> 16 & 255), UInt8(v >> 24 & 255)] }
        var b: [UInt8] = [0x42, 0x4D] + le32(54 + dataSize) + [0, 0, 0, 0] + le32(54)
        b += le32(40) + le32(width) + le32(height) + [1, 0, 24, 0] + le32(0) + le32(dataSize) + le32(2835) + le32(2835) + le32(0) + le32(0)
        for _ in 0..<height {
            var row: [UInt8] = []
            for _ in 0..<width { row += [rgb[2], rgb[1], rgb[0]] }
            row += [UInt8](repeating: 0, count: rowBytes - row.count)
            b += row
        }
        return b
    }
}
