import Foundation
import XCTest
@testable import HematoImage

/// Replays the saved fuzz corpus of Fuzz/Corpus/image-headers through `ImageDecoding.decode`,
/// as the fuzz target calls it: each input decodes or is refused with an `ImageError`, never a trap.
final class FuzzCorpusTests: XCTestCase {
    static let corpus = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fuzz/Corpus/image-headers")

    func testEveryImageInputDecodesOrIsRefused() throws {
        let names = try FileManager.default.contentsOfDirectory(atPath: Self.corpus.path).sorted()
        XCTAssertGreaterThan(names.count, 4)
        for name in names {
            let path = Self.corpus.appendingPathComponent(name).path
            let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
            do {
                let image = try ImageDecoding.decode(bytes, path: path, pixelLimit: 1 << 22)
                XCTAssertEqual(image.pixels.count, image.width * image.height * 3, name)
                _ = try? ImageDecoding.decode(bytes, path: path, covering: (max(1, image.width / 3), max(1, image.height / 5)),
                                              pixelLimit: 1 << 22)
            } catch {
                XCTAssertEqual(error.path, path, name)
            }
        }
    }

    func testTheSmallRealImagesInTheCorpusDecode() throws {
        let sizes = ["tiny-16x12.jpg": (16, 12), "tiny-progressive-8x6.jpg": (8, 6), "tiny-24bit-6x4.bmp": (6, 4),
                     "tiny-palette-8bit-5x3.bmp": (5, 3), "tiny-4x3.ppm": (4, 3), "tiny-ascii-5x3.ppm": (5, 3),
                     "tiny-comment-4x3.ppm": (4, 3), "sample-BloodImage_00055.jpg": (640, 480),
                     "tiny-8x6.png": (8, 6), "tiny-grey16-8x6.png": (8, 6), "tiny-palette-8x6.png": (8, 6),
                     "tiny-rgba-8x6.png": (8, 6), "tiny-8x6.tif": (8, 6), "tiny-lzw-8x6.tif": (8, 6), "tiny-grey-8x6.tif": (8, 6)]
        for (name, size) in sizes {
            let image = try ImageDecoding.load(Self.corpus.appendingPathComponent(name).path)
            XCTAssertEqual(image.width, size.0, name)
            XCTAssertEqual(image.height, size.1, name)
        }
    }
}
