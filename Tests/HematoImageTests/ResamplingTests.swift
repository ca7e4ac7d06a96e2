import XCTest
@testable import HematoImage

final class ResamplingTests: XCTestCase {
    func testBoxDownscaleAveragesWholeBlocksAndDropsTheRemainder() {
        // 5×2 picture, cover 2×1 → k = 2: two 2×2 blocks, the fifth column dropped.
        let grey: [UInt8] = [0, 10, 20, 30, 250, 40, 50, 60, 70, 250]
        let pixels = grey.flatMap { [$0, $0, $0] }
        let box = Resampling.boxDownscale(RGBImage(width: 5, height: 2, pixels: pixels), toCover: 2, 1)
        XCTAssertEqual(box.w, 2)
        XCTAssertEqual(box.h, 1)
        XCTAssertEqual(box.values, [25, 25, 25, 45, 45, 45])
    }

    func testBilinearAtTheSameSizeIsTheIdentity() {
        let src: [Float] = (0..<(4 * 3 * 3)).map(Float.init)
        XCTAssertEqual(Resampling.bilinear(src, width: 4, height: 3, to: 4, 3), src)
    }

    func testBilinearDoublingUsesHalfPixelCentres() {
        // One row 0, 100 stretched to four: centres at -0.25, 0.25, 0.75, 1.25 → clamped and blended.
        let src: [Float] = [0, 0, 0, 100, 100, 100]
        let out = Resampling.bilinear(src, width: 2, height: 1, to: 4, 1)
        XCTAssertEqual(stride(from: 0, to: out.count, by: 3).map { out[$0] }, [0, 25, 75, 100])
    }

    func testCropClipsToThePicture() {
        let image = RGBImage(width: 4, height: 4, pixels: (0..<48).map(UInt8.init))
        let crop = Resampling.cropped(image, x: 3, y: 2, width: 5, height: 5)!
        XCTAssertEqual([crop.width, crop.height], [1, 2])
        XCTAssertEqual(crop.pixels, [33, 34, 35, 45, 46, 47])
        XCTAssertNil(Resampling.cropped(image, x: 9, y: 9, width: 2, height: 2))
    }

    func testPreprocessingNormalisesWithMeanAndStd() {
        let p = Preprocessing(width: 2, height: 2, mean: (0.5, 0.5, 0.5), std: (0.25, 0.5, 1))
        let t = p.tensor(from: RGBImage(width: 4, height: 4, filledWith: (255, 0, 51)))
        XCTAssertEqual(t.count, 12)
        XCTAssertEqual(t[0], 2, accuracy: 1e-6)
        XCTAssertEqual(t[1], -1, accuracy: 1e-6)
        XCTAssertEqual(t[2], -0.3, accuracy: 1e-6)
    }
}
