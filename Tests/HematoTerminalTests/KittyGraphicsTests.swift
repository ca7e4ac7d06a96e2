import Foundation
import XCTest
import HematoImage
@testable import HematoTerminal

final class KittyGraphicsTests: XCTestCase {
    /// Splits the output into its APC chunks: (keys, payload) each.
    func chunks(_ bytes: [UInt8]) -> [(keys: String, payload: String)] {
        let text = String(decoding: bytes, as: UTF8.self)
        var result: [(String, String)] = []
        var rest = Substring(text)
        while !rest.isEmpty {
            XCTAssertTrue(rest.hasPrefix("\u{1B}_G"), "a chunk must start with ESC _ G")
            guard let end = rest.range(of: "\u{1B}\\") else { XCTFail("a chunk without ESC \\"); break }
            let body = rest[rest.index(rest.startIndex, offsetBy: 3)..<end.lowerBound]
            let parts = body.split(separator: ";", maxSplits: 1, omittingEmptySubsequences: false)
            result.append((String(parts[0]), parts.count > 1 ? String(parts[1]) : ""))
            rest = rest[end.upperBound...]
        }
        return result
    }

    func picture(width: Int, height: Int) -> RGBImage {
        RGBImage(width: width, height: height, pixels: (0..<width * height * 3).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ $0 / 7) })
    }

    func testBase64MatchesFoundationForEveryRemainder() {
        for count in 0..<40 {
            let bytes = (0..<count).map { UInt8(truncatingIfNeeded: $0 * 73 + 11) }
            XCTAssertEqual(String(decoding: KittyGraphics.base64(bytes), as: UTF8.self), Data(bytes).base64EncodedString(), "\(count) bytes")
        }
        let all = (0..<256).map { UInt8($0) }
        XCTAssertEqual(String(decoding: KittyGraphics.base64(all), as: UTF8.self), Data(all).base64EncodedString())
    }

    func testABigPictureIsSentInChunksThatDecodeBackToItsPixels() throws {
        let image = picture(width: 50, height: 40)  // 6000 bytes → 8000 base64 bytes → 4096 + 3904
        let out = KittyGraphics.display(image, columns: 7, rows: 3)
        let parts = chunks(out)
        XCTAssertEqual(parts.count, 2)
        XCTAssertEqual(parts[0].keys, "a=T,f=24,s=50,v=40,c=7,r=3,q=2,m=1")
        XCTAssertEqual(parts[1].keys, "m=0", "later chunks carry only m")
        XCTAssertEqual(parts[0].payload.utf8.count, 4096)
        XCTAssertEqual(parts[1].payload.utf8.count, 8000 - 4096)
        let payload = parts.map(\.payload).joined()
        XCTAssertEqual(payload, Data(image.pixels).base64EncodedString())
        XCTAssertEqual(Data(base64Encoded: payload).map(Array.init), image.pixels)
    }

    func testEveryChunkButTheLastIsFullAndSaysMore() {
        let image = picture(width: 200, height: 100)  // 60000 bytes → 80000 base64 bytes → 20 chunks
        let parts = chunks(KittyGraphics.display(image, columns: 20, rows: 5))
        XCTAssertEqual(parts.count, 20)
        for (i, part) in parts.enumerated() {
            XCTAssertLessThanOrEqual(part.payload.utf8.count, KittyGraphics.chunkSize)
            XCTAssertTrue(part.keys.hasSuffix(i == parts.count - 1 ? "m=0" : "m=1"), "chunk \(i): \(part.keys)")
            if i < parts.count - 1 { XCTAssertEqual(part.payload.utf8.count, 4096) }
            if i > 0 { XCTAssertEqual(part.keys, i == parts.count - 1 ? "m=0" : "m=1") }
        }
        XCTAssertEqual(Data(base64Encoded: parts.map(\.payload).joined()).map(Array.init), image.pixels)
    }

    func testASmallPictureIsOneFinalChunkAndCanKeepTheCursor() {
        let image = picture(width: 2, height: 1)  // 6 bytes → "8 base64 bytes"
        let parts = chunks(KittyGraphics.display(image, columns: 1, rows: 1, moveCursor: false))
        XCTAssertEqual(parts.count, 1)
        XCTAssertEqual(parts[0].keys, "a=T,f=24,s=2,v=1,c=1,r=1,q=2,C=1,m=0")
        XCTAssertEqual(parts[0].payload, Data(image.pixels).base64EncodedString())
    }

    func testAPayloadOfExactlyOneChunkEndsWithM0() {
        let image = picture(width: 1024, height: 1)  // 3072 bytes → exactly 4096 base64 bytes
        let parts = chunks(KittyGraphics.display(image, columns: 10, rows: 1))
        XCTAssertEqual(parts.count, 1)
        XCTAssertTrue(parts[0].keys.hasSuffix(",m=0"))
        XCTAssertEqual(parts[0].payload.utf8.count, 4096)
    }

    func testDeleteAndQueryFraming() {
        XCTAssertEqual(String(decoding: KittyGraphics.deleteAll, as: UTF8.self), "\u{1B}_Ga=d,d=A,q=2\u{1B}\\")
        XCTAssertEqual(KittyGraphics.query, "\u{1B}_Gi=31,s=1,v=1,a=q,t=d,f=24;AAAA\u{1B}\\")
        XCTAssertTrue(KittyGraphics.acceptsQuery("\u{1B}_Gi=31;OK\u{1B}\\\u{1B}[?62;c"))
        XCTAssertFalse(KittyGraphics.acceptsQuery("\u{1B}[?63;1;2;4c"))
        XCTAssertFalse(KittyGraphics.acceptsQuery("\u{1B}_Gi=31;EINVAL:bad\u{1B}\\\u{1B}[?62;c"))
    }
}
