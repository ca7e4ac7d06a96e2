import HematoImage

/// A picture as coloured Unicode half blocks: each cell shows two pixels,
/// the upper one as the foreground of "▀", the lower one as the background.
/// True colour where the terminal says so (COLORTERM), else the 256-colour cube.
public struct BlockPicture {
    public enum Palette: Sendable { case trueColour, cube256 }

    /// The picture's size in cells, fitted inside `columns`×`rows` keeping its shape
    /// (a cell is about twice as tall as wide, and holds two pixel rows).
    public static func fittedSize(imageWidth: Int, imageHeight: Int, columns: Int, rows: Int) -> (columns: Int, rows: Int) {
        guard imageWidth > 0, imageHeight > 0, columns > 0, rows > 0 else { return (0, 0) }
        let scale = min(Double(columns) / Double(imageWidth), Double(rows * 2) / Double(imageHeight))
        return (max(1, Int(Double(imageWidth) * scale)), max(1, Int(Double(imageHeight) * scale / 2)))
    }

    /// One string per cell row: SGR colours and "▀", no cursor movement, reset at the end.
    public static func rows(_ image: RGBImage, columns: Int, rows: Int, palette: Palette) -> [String] {
        guard columns > 0, rows > 0 else { return [] }
        let scaled = Resampling.resized(image, width: columns, height: rows * 2)
        return (0..<rows).map { r in
            var out = ""
            out.reserveCapacity(columns * 40)
            var last: (UInt32, UInt32) = (.max, .max)
            for c in 0..<columns {
                let upper = scaled.pixel(x: c, y: 2 * r), lower = scaled.pixel(x: c, y: 2 * r + 1)
                let u = UInt32(upper.r) << 16 | UInt32(upper.g) << 8 | UInt32(upper.b)
                let l = UInt32(lower.r) << 16 | UInt32(lower.g) << 8 | UInt32(lower.b)
                if (u, l) != last {
                    out += sgr(upper, lower, palette)
                    last = (u, l)
                }
                out += "▀"
            }
            return out + "\u{1B}[0m"
        }
    }

    /// Escape sequences that paint the whole pane: the picture centred, the rest blanked
    /// (so a smaller picture never leaves pieces of the last one behind).
    public static func render(_ image: RGBImage, pane: ReviewScreen.Rect, palette: Palette) -> String {
        let size = fittedSize(imageWidth: image.width, imageHeight: image.height, columns: pane.width, rows: pane.height)
        guard size.columns > 0 else { return "" }
        let picture = rows(image, columns: size.columns, rows: size.rows, palette: palette)
        let left = pane.x + (pane.width - size.columns) / 2
        let top = pane.y + (pane.height - size.rows) / 2
        var out = "\u{1B}[0m"
        let blankRow = String(repeating: " ", count: pane.width)
        for row in 0..<pane.height {
            let y = pane.y + row
            out += "\u{1B}[\(y + 1);\(pane.x + 1)H"
            guard y >= top, y < top + size.rows else {
                out += blankRow
                continue
            }
            out += String(repeating: " ", count: left - pane.x) + picture[y - top]
                + String(repeating: " ", count: pane.x + pane.width - left - size.columns)
        }
        return out + "\u{1B}[0m"
    }

    /// Blanks the pane and prints a short message in its middle (a file that cannot be shown).
    public static func blank(pane: ReviewScreen.Rect, message: String) -> String {
        var out = "\u{1B}[0m"
        for row in 0..<pane.height {
            out += "\u{1B}[\(pane.y + row + 1);\(pane.x + 1)H" + String(repeating: " ", count: pane.width)
        }
        let text = String(message.prefix(max(0, pane.width - 4)))
        out += "\u{1B}[\(pane.y + pane.height / 2 + 1);\(pane.x + 3)H" + text
        return out
    }

    static func sgr(_ fg: (r: UInt8, g: UInt8, b: UInt8), _ bg: (r: UInt8, g: UInt8, b: UInt8), _ palette: Palette) -> String {
        switch palette {
        case .trueColour:
            return "\u{1B}[38;2;\(fg.r);\(fg.g);\(fg.b);48;2;\(bg.r);\(bg.g);\(bg.b)m"
        case .cube256:
            return "\u{1B}[38;5;\(cubeIndex(fg));48;5;\(cubeIndex(bg))m"
        }
    }

    /// Nearest entry of xterm's 6×6×6 cube or its 24-step grey ramp.
    static func cubeIndex(_ c: (r: UInt8, g: UInt8, b: UInt8)) -> Int {
        let levels = XtermPalette.cubeLevels
        func nearest(_ v: UInt8) -> Int { levels.indices.min { abs(levels[$0] - Int(v)) < abs(levels[$1] - Int(v)) }! }
        let (ri, gi, bi) = (nearest(c.r), nearest(c.g), nearest(c.b))
        let cube = 16 + 36 * ri + 6 * gi + bi
        let cubeError = sq(levels[ri] - Int(c.r)) + sq(levels[gi] - Int(c.g)) + sq(levels[bi] - Int(c.b))
        let grey = (Int(c.r) + Int(c.g) + Int(c.b)) / 3
        let step = max(0, min(23, (grey - 8 + 5) / 10))
        let g = 8 + 10 * step
        let greyError = sq(g - Int(c.r)) + sq(g - Int(c.g)) + sq(g - Int(c.b))
        return greyError < cubeError ? 232 + step : cube
    }

    private static func sq(_ v: Int) -> Int { v * v }
}
