import XCTest
import HematoImage

/// The network's input must not change when the resampling is made faster: the separable,
/// SIMD bilinear and the integer box sums against the per-pixel rule of Training/preprocess.py,
/// written out here the plain way, bit for bit, on shrinking and stretching sizes.
final class ResamplingExactnessTests: XCTestCase {
    struct Generator: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return state
        }
    }

    static func picture(_ width: Int, _ height: Int, seed: UInt64) -> RGBImage {
        var g = Generator(state: seed)
        var image = RGBImage(width: width, height: height, filledWith: (0, 0, 0))
        for i in image.pixels.indices { image.pixels[i] = UInt8.random(in: 0...255, using: &g) }
        return image
    }

    /// Per output pixel and channel: top and bottom blends, then the vertical blend.
    static func referenceBilinear(_ src: [Float], width iw: Int, height ih: Int, to w: Int, _ h: Int) -> [Float] {
        func taps(_ n: Int, _ m: Int) -> [(Int, Int, Float)] {
            let scale = Float(m) / Float(n)
            return (0..<n).map { i in
                let pos = min(max((Float(i) + 0.5) * scale - 0.5, 0), Float(m - 1))
                let lo = Int(pos.rounded(.down))
                return (lo, min(lo + 1, m - 1), pos - Float(lo))
            }
        }
        let xs = taps(w, iw), ys = taps(h, ih)
        var out = [Float](repeating: 0, count: w * h * 3)
        for (y, (y0, y1, fy)) in ys.enumerated() {
            for (x, (x0, x1, fx)) in xs.enumerated() {
                for c in 0..<3 {
                    let top = src[(y0 * iw + x0) * 3 + c] * (1 - fx) + src[(y0 * iw + x1) * 3 + c] * fx
                    let bottom = src[(y1 * iw + x0) * 3 + c] * (1 - fx) + src[(y1 * iw + x1) * 3 + c] * fx
                    out[(y * w + x) * 3 + c] = top * (1 - fy) + bottom * fy
                }
            }
        }
        return out
    }

    static func referenceBox(_ image: RGBImage, k: Int) -> [Float] {
        let ow = image.width / k, oh = image.height / k
        var out = [Float](repeating: 0, count: ow * oh * 3)
        for oy in 0..<oh {
            for ox in 0..<ow {
                for c in 0..<3 {
                    var sum: Float = 0
                    for dy in 0..<k { for dx in 0..<k { sum += Float(image.pixels[((oy * k + dy) * image.width + ox * k + dx) * 3 + c]) } }
                    out[(oy * ow + ox) * 3 + c] = sum * (1 / Float(k * k))
                }
            }
        }
        return out
    }

    func testBilinearIsThePerPixelRuleBitForBit() {
        for (n, (iw, ih, w, h)) in [(213, 160, 160, 160), (160, 160, 160, 160), (37, 91, 160, 160), (400, 300, 123, 77), (5, 3, 9, 2)].enumerated() {
            let source = Self.picture(iw, ih, seed: UInt64(n + 1)).pixels.map { Float($0) * 0.75 + 0.125 }
            let fast = Resampling.bilinear(source, width: iw, height: ih, to: w, h)
            let plain = Self.referenceBilinear(source, width: iw, height: ih, to: w, h)
            XCTAssertEqual(fast.map(\.bitPattern), plain.map(\.bitPattern), "\(iw)×\(ih) → \(w)×\(h)")
        }
    }

    func testBoxDownscaleIsThePerPixelRuleBitForBit() {
        for (n, (iw, ih, w, h)) in [(640, 480, 160, 160), (641, 487, 200, 150), (1000, 999, 100, 100)].enumerated() {
            let image = Self.picture(iw, ih, seed: UInt64(n + 10))
            let box = Resampling.boxDownscale(image, toCover: w, h)
            let k = max(1, min(iw / w, ih / h))
            XCTAssertEqual(box.w, iw / k)
            XCTAssertEqual(box.h, ih / k)
            XCTAssertEqual(box.values.map(\.bitPattern), Self.referenceBox(image, k: k).map(\.bitPattern), "\(iw)×\(ih), k = \(k)")
        }
    }
}
