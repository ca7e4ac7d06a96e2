import HematoImage
import HematoReview

/// Outlines around the white cells a model's view found, drawn into the picture
/// before it becomes sixel or blocks, one colour per cell; the sidebar names
/// each cell's class in the same colour.
public enum CellOutlines {
    public static let colours: [(name: String, rgb: (UInt8, UInt8, UInt8))] = [
        ("yellow", (255, 214, 0)), ("cyan", (0, 214, 255)), ("magenta", (255, 40, 200)), ("green", (40, 230, 90)),
    ]

    public static func colour(_ n: Int) -> (name: String, rgb: (UInt8, UInt8, UInt8)) { colours[n % colours.count] }

    /// The picture with each cell's box outlined, a little outside the nucleus so it stays visible;
    /// lines are about 1/150 of the picture's width, at least one pixel.
    public static func drawn(_ cells: [CellOpinion], on picture: RGBImage) -> RGBImage {
        guard !cells.isEmpty else { return picture }
        var image = picture
        let w = image.width, h = image.height
        let thickness = max(1, w / 150)
        for (n, cell) in cells.enumerated() {
            let margin = Float(thickness * 3)
            let x0 = max(0, Int(cell.x * Float(w) - margin)), y0 = max(0, Int(cell.y * Float(h) - margin))
            let x1 = min(w - 1, Int((cell.x + cell.width) * Float(w) + margin)), y1 = min(h - 1, Int((cell.y + cell.height) * Float(h) + margin))
            guard x1 > x0, y1 > y0 else { continue }
            let rgb = colour(n).rgb
            func paint(_ x: Int, _ y: Int) {
                let i = (y * w + x) * 3
                image.pixels[i] = rgb.0
                image.pixels[i + 1] = rgb.1
                image.pixels[i + 2] = rgb.2
            }
            for t in 0..<thickness {
                for x in x0...x1 {
                    paint(x, min(y1, y0 + t))
                    paint(x, max(y0, y1 - t))
                }
                for y in y0...y1 {
                    paint(min(x1, x0 + t), y)
                    paint(max(x0, x1 - t), y)
                }
            }
        }
        return image
    }
}
