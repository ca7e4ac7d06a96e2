/// Resize and crop. The float versions implement the model's preprocessing
/// rule ("box-then-bilinear", see Training/preprocess.py) step for step, so
/// Swift and Python feed the network the same numbers.
public enum Resampling {
    /// Averages k×k blocks, with k = max(1, ⌊min(w/W, h/H)⌋); the right and
    /// bottom remainder is dropped. Returns float RGB, interleaved.
    public static func boxDownscale(_ image: RGBImage, toCover width: Int, _ height: Int) -> (w: Int, h: Int, values: [Float]) {
        let k = max(1, min(image.width / width, image.height / height))
        if k == 1 { return (image.width, image.height, image.pixels.map(Float.init)) }
        let ow = image.width / k, oh = image.height / k
        var out = [Float](repeating: 0, count: ow * oh * 3)
        let scale = 1 / Float(k * k)
        image.pixels.withUnsafeBufferPointer { src in
            for oy in 0..<oh {
                for ox in 0..<ow {
                    var r: Float = 0, g: Float = 0, b: Float = 0
                    for dy in 0..<k {
                        var i = ((oy * k + dy) * image.width + ox * k) * 3
                        for _ in 0..<k {
                            r += Float(src[i]); g += Float(src[i + 1]); b += Float(src[i + 2])
                            i += 3
                        }
                    }
                    let o = (oy * ow + ox) * 3
                    out[o] = r * scale; out[o + 1] = g * scale; out[o + 2] = b * scale
                }
            }
        }
        return (ow, oh, out)
    }

    /// Source coordinate, lower index, upper index and weight for each output
    /// position: half-pixel centres, clamped at the edges.
    static func bilinearTaps(out n: Int, in m: Int) -> [(lo: Int, hi: Int, frac: Float)] {
        let scale = Float(m) / Float(n)
        return (0..<n).map { i in
            let pos = min(max((Float(i) + 0.5) * scale - 0.5, 0), Float(m - 1))
            let lo = Int(pos.rounded(.down))
            return (lo, min(lo + 1, m - 1), pos - Float(lo))
        }
    }

    /// Bilinear stretch of interleaved float RGB to exactly `width`×`height`.
    public static func bilinear(_ src: [Float], width iw: Int, height ih: Int, to w: Int, _ h: Int) -> [Float] {
        let xs = bilinearTaps(out: w, in: iw), ys = bilinearTaps(out: h, in: ih)
        var out = [Float](repeating: 0, count: w * h * 3)
        src.withUnsafeBufferPointer { s in
            out.withUnsafeMutableBufferPointer { o in
                for (y, ty) in ys.enumerated() {
                    let row0 = ty.lo * iw * 3, row1 = ty.hi * iw * 3
                    for (x, tx) in xs.enumerated() {
                        for c in 0..<3 {
                            let a0 = s[row0 + tx.lo * 3 + c], a1 = s[row0 + tx.hi * 3 + c]
                            let b0 = s[row1 + tx.lo * 3 + c], b1 = s[row1 + tx.hi * 3 + c]
                            let top = a0 * (1 - tx.frac) + a1 * tx.frac
                            let bottom = b0 * (1 - tx.frac) + b1 * tx.frac
                            o[(y * w + x) * 3 + c] = top * (1 - ty.frac) + bottom * ty.frac
                        }
                    }
                }
            }
        }
        return out
    }

    /// An 8-bit resize for display: box average for the integer part of a
    /// shrink (no aliasing), then bilinear to the exact size.
    public static func resized(_ image: RGBImage, width: Int, height: Int) -> RGBImage {
        precondition(width > 0 && height > 0)
        let box = boxDownscale(image, toCover: width, height)
        let values = bilinear(box.values, width: box.w, height: box.h, to: width, height)
        return RGBImage(width: width, height: height, pixels: values.map { UInt8(min(max($0 + 0.5, 0), 255)) })
    }

    /// The part of `image` inside the rectangle, clipped to the picture.
    public static func cropped(_ image: RGBImage, x: Int, y: Int, width: Int, height: Int) -> RGBImage? {
        let x0 = max(0, x), y0 = max(0, y)
        let x1 = min(image.width, x + width), y1 = min(image.height, y + height)
        guard x1 > x0, y1 > y0 else { return nil }
        var pixels = [UInt8]()
        pixels.reserveCapacity((x1 - x0) * (y1 - y0) * 3)
        for row in y0..<y1 {
            let start = (row * image.width + x0) * 3
            pixels.append(contentsOf: image.pixels[start..<(start + (x1 - x0) * 3)])
        }
        return RGBImage(width: x1 - x0, height: y1 - y0, pixels: pixels)
    }
}
