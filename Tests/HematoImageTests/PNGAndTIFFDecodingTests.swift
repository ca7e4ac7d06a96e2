import Foundation
import XCTest
@testable import HematoImage

/// Real PNG and TIFF files (Fixtures/, written by make_fixtures.py from a sample field): every
/// colour type, depth, byte order and compression a lab camera might write decodes to the
/// reference pixels, and cut or damaged files give a typed error, never a crash.
final class PNGAndTIFFDecodingTests: XCTestCase {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")

    func fixture(_ name: String) -> String { Self.fixtures.appendingPathComponent(name).path }

    func reference(_ name: String) throws -> RGBImage { try ImageDecoding.load(fixture(name)) }

    func assertDecodes(_ names: [String], to referenceName: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let expected = try reference(referenceName)
        XCTAssertEqual([expected.width, expected.height], [40, 30], file: file, line: line)
        for name in names {
            let image = try ImageDecoding.load(fixture(name))
            XCTAssertEqual([image.width, image.height], [40, 30], name, file: file, line: line)
            XCTAssertEqual(image.pixels, expected.pixels, "\(name) differs from \(referenceName)", file: file, line: line)
        }
    }

    // MARK: good files

    func testFormatsAreRecognisedByTheirFirstBytes() throws {
        for name in ["rgb8.png", "grey16.png", "palette.png"] {
            XCTAssertEqual(ImageFormat(sniffing: try ImageDecoding.readFile(fixture(name))), .png, name)
        }
        for name in ["rgb8.tif", "rgb16-bigendian.tif", "rgb8-lzw.tif"] {
            XCTAssertEqual(ImageFormat(sniffing: try ImageDecoding.readFile(fixture(name))), .tiff, name)
        }
    }

    func testRGBFilesOfEveryDepthAndCompressionDecodeExactly() throws {
        try assertDecodes(["rgb8.png", "rgb16.png",
                           "rgb8.tif", "rgb8-lzw.tif", "rgb8-deflate.tif", "rgb16.tif", "rgb16-bigendian.tif"],
                          to: "reference-rgb.ppm")
    }

    func testATIFFStoredBottomUpIsShownTheRightWayUp() throws {
        try assertDecodes(["bottom-up.tif"], to: "reference-rgb.ppm")
    }

    func testGreyFilesBecomeGreyRGB() throws {
        try assertDecodes(["grey8.png", "grey16.png", "grey8.tif"], to: "reference-grey.ppm")
    }

    func testPaletteFilesAreLookedUp() throws {
        try assertDecodes(["palette.png", "palette.tif"], to: "reference-palette.ppm")
    }

    func testAJPEGCompressedTIFFIsCloseToTheReference() throws {
        let expected = try reference("reference-rgb.ppm")
        let image = try ImageDecoding.load(fixture("rgb8-jpeg.tif"))
        XCTAssertEqual([image.width, image.height], [40, 30])
        let meanError = zip(image.pixels, expected.pixels).map { abs(Double($0) - Double($1)) }.reduce(0, +) / Double(image.pixels.count)
        XCTAssertLessThan(meanError, 4, "quality 95 JPEG inside TIFF")
    }

    /// The left 20 columns are opaque, 20–29 half transparent, 30–39 fully transparent: composited onto white.
    func testTransparencyIsCompositedOntoWhite() throws {
        let rgb = try reference("reference-rgb.ppm"), grey = try reference("reference-grey.ppm")
        for (name, expected) in [("rgba.png", rgb), ("rgba.tif", rgb), ("grey-alpha.png", grey)] {
            let image = try ImageDecoding.load(fixture(name))
            for y in 0..<30 {
                for x in [0, 10, 19] {
                    let p = image.pixel(x: x, y: y), e = expected.pixel(x: x, y: y)
                    XCTAssertEqual([p.r, p.g, p.b], [e.r, e.g, e.b], "\(name) opaque at \(x),\(y)")
                }
                for x in [30, 39] {
                    let p = image.pixel(x: x, y: y)
                    XCTAssertEqual([p.r, p.g, p.b], [255, 255, 255], "\(name) transparent at \(x),\(y)")
                }
                for x in [20, 29] {
                    let p = image.pixel(x: x, y: y), e = expected.pixel(x: x, y: y)
                    for (got, under) in [(p.r, e.r), (p.g, e.g), (p.b, e.b)] {
                        XCTAssertTrue(got >= under && got <= 255, "\(name) half transparent at \(x),\(y): \(got) vs \(under)")
                    }
                }
            }
        }
    }

    // MARK: bad files

    func testTruncatedFilesSayTheyEndEarly() {
        for name in ["truncated.png", "header-only.png", "truncated.tif", "truncated-lzw.tif", "strip-past-end.tif"] {
            assertDecodingFails(fixture(name)) { $0 == .truncated(path: $0.path) }
        }
    }

    func testATIFFHeaderWithNoDirectoryIsRefused() {
        assertDecodingFails(fixture("header-only.tif")) {
            switch $0 {
            case .truncated, .corrupt: return true
            default: return false
            }
        }
    }

    func testATIFFKindLibtiffCannotConvertIsNamed() {
        assertDecodingFails(fixture("float32.tif")) {
            if case .unsupportedVariant(_, let reason) = $0 { reason == "libtiff: Sorry, can not handle images with 32-bit samples" } else { false }
        }
    }

    func testADamagedPNGNamesTheDamage() {
        assertDecodingFails(fixture("bad-crc.png")) {
            if case .corrupt(_, let reason) = $0 { reason == "libpng: IHDR: CRC error" } else { false }
        }
        assertDecodingFails(fixture("bad-data.png")) {
            if case .corrupt(_, let reason) = $0 { reason.hasPrefix("libpng: IDAT: ") } else { false }
        }
    }

    func testHeadersClaimingHugeSizesAreRefusedBeforeDecoding() {
        for name in ["huge.png", "huge.tif"] {
            assertDecodingFails(fixture(name)) { if case .tooLarge(_, 60000, 60000, ImageDecoding.defaultPixelLimit) = $0 { true } else { false } }
        }
    }

    func testEveryCutOfAGoodFileFailsWithATypedError() throws {
        for name in ["rgb8.png", "rgb16.png", "palette.png", "rgb8.tif", "rgb8-lzw.tif", "rgb8-jpeg.tif", "rgb16-bigendian.tif"] {
            let bytes = try ImageDecoding.readFile(fixture(name))
            for length in stride(from: 1, to: bytes.count, by: max(1, bytes.count / 97)) {
                do {
                    let image = try ImageDecoding.decode(Array(bytes.prefix(length)), path: name)
                    // A TIFF cut inside its last strip's trailing bytes may still decode; it must be whole then.
                    XCTAssertEqual(image.pixels.count, image.width * image.height * 3, "\(name) cut at \(length)")
                } catch {
                    XCTAssertEqual(error.path, name)
                }
            }
        }
    }

    func testEveryFlippedByteOfAGoodFileDecodesOrFailsWithATypedError() throws {
        for name in ["rgb8.png", "rgb8.tif", "rgb8-lzw.tif"] {
            let bytes = try ImageDecoding.readFile(fixture(name))
            for offset in stride(from: 0, to: min(bytes.count, 400), by: 1) {
                var damaged = bytes
                damaged[offset] ^= 0x5A
                do {
                    let image = try ImageDecoding.decode(damaged, path: name, pixelLimit: 1 << 22)
                    XCTAssertEqual(image.pixels.count, image.width * image.height * 3, "\(name) byte \(offset)")
                } catch {
                    XCTAssertEqual(error.path, name)
                }
            }
        }
    }

    func testALibrarysMessageReachesTheErrorAsPrintableText() {
        XCTAssertEqual(ImageError.printable("tag \u{1B}]0;x\u{07} é ok"), "tag ?]0;x? ? ok")
    }

    func testErrorsReadAsSentences() {
        XCTAssertEqual(ImageError.unsupportedFormat(path: "x", detected: "a GIF image").description,
                       "not a JPEG, PNG, TIFF, BMP or PPM image (it looks like a GIF image)")
        XCTAssertEqual(ImageError.unsupportedVariant(path: "x", reason: "libtiff: no").description,
                       "this kind of image cannot be read: libtiff: no")
    }
}
