import HematoImage
import HematoReview

/// The activation map drawn over a picture before it becomes sixel, kitty or blocks: the small map
/// upsampled bilinearly onto the part of the picture it covers, coloured with a perceptual ramp
/// (matplotlib's inferno) and blended at about 45 % where the evidence is high enough; the rest of
/// the picture is left exactly as it was.
public enum ActivationOverlay {
    /// The most the heat covers the picture.
    public static let alpha: Float = 0.45
    /// Below this (0…1, the map's own scale) the picture shows untouched; the tint fades in over `fade`.
    public static let threshold: Float = 0.4
    static let fade: Float = 0.15

    /// Inferno at 0, 0.1, …, 1 (matplotlib's values, rounded): dark violet through red and orange to pale
    /// yellow, brightness rising evenly, so more heat always looks brighter, in colour or not.
    static let inferno: [(Float, Float, Float)] = [
        (0, 0, 4), (22, 11, 57), (66, 10, 104), (106, 23, 110), (147, 38, 103), (188, 55, 84),
        (221, 81, 58), (243, 120, 25), (252, 165, 10), (246, 215, 70), (252, 255, 164),
    ]

    /// The ramp's colour for a value 0…1, interpolated between the table's entries.
    static func colour(_ value: Float) -> (Float, Float, Float) {
        let t = min(max(value, 0), 1) * Float(inferno.count - 1)
        let i = min(Int(t), inferno.count - 2), f = t - Float(i)
        let a = inferno[i], b = inferno[i + 1]
        return (a.0 + (b.0 - a.0) * f, a.1 + (b.1 - a.1) * f, a.2 + (b.2 - a.2) * f)
    }

    /// `picture` with `map` blended over the box it covers (fractions of the picture, so it fits the
    /// picture at any decoded size). A pure function: tests and the painter call it alike.
    public static func blended(_ picture: RGBImage, _ map: ActivationMap) -> RGBImage {
        var image = picture
        let w = image.width, h = image.height
        guard w > 0, h > 0, map.boxWidth > 0, map.boxHeight > 0 else { return image }
        // Only the pixels whose centres fall inside the box.
        let x0 = max(0, Int((map.x * Float(w)).rounded(.down))), x1 = min(w, Int(((map.x + map.boxWidth) * Float(w)).rounded(.up)))
        let y0 = max(0, Int((map.y * Float(h)).rounded(.down))), y1 = min(h, Int(((map.y + map.boxHeight) * Float(h)).rounded(.up)))
        guard x1 > x0, y1 > y0 else { return image }
        image.pixels.withUnsafeMutableBufferPointer { p in
            for py in y0..<y1 {
                let v = ((Float(py) + 0.5) / Float(h) - map.y) / map.boxHeight
                guard v >= 0, v < 1 else { continue }
                for px in x0..<x1 {
                    let u = ((Float(px) + 0.5) / Float(w) - map.x) / map.boxWidth
                    guard u >= 0, u < 1 else { continue }
                    let value = map.value(u: u, v: v)
                    guard value > threshold else { continue }
                    let a = alpha * min(1, (value - threshold) / fade)
                    let c = colour(value)
                    let i = (py * w + px) * 3
                    p[i] = UInt8(Float(p[i]) * (1 - a) + c.0 * a + 0.5)
                    p[i + 1] = UInt8(Float(p[i + 1]) * (1 - a) + c.1 * a + 0.5)
                    p[i + 2] = UInt8(Float(p[i + 2]) * (1 - a) + c.2 * a + 0.5)
                }
            }
        }
        return image
    }
}
