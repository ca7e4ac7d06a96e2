/// Resize and crop. The float versions implement the model's preprocessing
/// rule ("box-then-bilinear", see Training/preprocess.py) step for step, so
/// Swift and Python feed the network the same numbers.
public enum Resampling {
    /// Averages k×k blocks, with k = max(1, ⌊min(w/W, h/H)⌋); the right and
    /// bottom remainder is dropped. Returns float RGB, interleaved.
    public static func boxDownscale(_ image: RGBImage, toCover width: Int, _ height: Int) -> (w: Int, h: Int, values: [Float]) {
        let k = max(1, min(image.width / width, image.height / height))
        if k == 1 { return (image.width, image.height, image.pixels.map(Float.init)) }
        let ow = image.width / k, oh = image.height / k, row = ow * 3
        var out = [Float](repeating: 0, count: ow * oh * 3)
        let scale = 1 / Float(k * k)
        // Each block's sum is a whole number below 2^24 (k < 256), so summing in integers, row by row,
        // gives the float sum of any order exactly: the values are those of a per-pixel float loop.
        var sums = [UInt32](repeating: 0, count: row)
        image.pixels.withUnsafeBufferPointer { src in
            sums.withUnsafeMutableBufferPointer { acc in
                out.withUnsafeMutableBufferPointer { o in
                    for oy in 0..<oh {
                        for j in 0..<row { acc[j] = 0 }
                        for dy in 0..<k {
                            let line = src.baseAddress! + (oy * k + dy) * image.width * 3
                            var i = 0
                            for ox in 0..<ow {
                                var r: UInt32 = 0, g: UInt32 = 0, b: UInt32 = 0
                                for _ in 0..<k {
                                    r &+= UInt32(line[i]); g &+= UInt32(line[i + 1]); b &+= UInt32(line[i + 2])
                                    i += 3
                                }
                                acc[ox * 3] &+= r; acc[ox * 3 + 1] &+= g; acc[ox * 3 + 2] &+= b
                            }
                        }
                        let target = o.baseAddress! + oy * row
                        for j in 0..<row { target[j] = Float(acc[j]) * scale }
                    }
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
    /// Separable: each source row an output row reads is stretched across once (the `top`/`bottom`
    /// of the formula, a0·(1−fx) + a1·fx), then output rows blend two of them, eight floats at a time.
    /// Every value is the same expression, in the same order, as blending each output pixel alone.
    public static func bilinear(_ src: [Float], width iw: Int, height ih: Int, to w: Int, _ h: Int) -> [Float] {
        let xs = bilinearTaps(out: w, in: iw), ys = bilinearTaps(out: h, in: ih)
        let row = w * 3
        var out = [Float](repeating: 0, count: h * row)
        // Source row → its horizontal stretch (only the rows some output row reads).
        var stretched = [Float](repeating: 0, count: ih * row)
        var needed = [Bool](repeating: false, count: ih)
        for t in ys { needed[t.lo] = true; needed[t.hi] = true }
        src.withUnsafeBufferPointer { s in
            stretched.withUnsafeMutableBufferPointer { st in
                for r in 0..<ih where needed[r] {
                    let line = s.baseAddress! + r * iw * 3, target = st.baseAddress! + r * row
                    for (x, tx) in xs.enumerated() {
                        let a0 = line + tx.lo * 3, a1 = line + tx.hi * 3
                        for c in 0..<3 { target[x * 3 + c] = a0[c] * (1 - tx.frac) + a1[c] * tx.frac }
                    }
                }
            }
            stretched.withUnsafeBufferPointer { st in
                out.withUnsafeMutableBufferPointer { o in
                    for (y, ty) in ys.enumerated() {
                        let top = st.baseAddress! + ty.lo * row, bottom = st.baseAddress! + ty.hi * row
                        let target = o.baseAddress! + y * row
                        let fy = ty.frac, gy = 1 - ty.frac
                        var i = 0
                        let wide = SIMD8<Float>.scalarCount
                        while i + wide <= row {
                            let t = UnsafeRawPointer(top + i).loadUnaligned(as: SIMD8<Float>.self)
                            let b = UnsafeRawPointer(bottom + i).loadUnaligned(as: SIMD8<Float>.self)
                            UnsafeMutableRawPointer(target + i).storeBytes(of: t * gy + b * fy, as: SIMD8<Float>.self)
                            i += wide
                        }
                        while i < row {
                            target[i] = top[i] * gy + bottom[i] * fy
                            i += 1
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
