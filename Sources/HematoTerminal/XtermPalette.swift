/// The xterm-256 palette as RGB, to map theme colours onto terminals that
/// have only 8 or 16 (TERM=xterm): the nearest basic colour, not index % 8,
/// which would turn light grey text into blue on blue.
enum XtermPalette {
    /// Typical RGB of the 16 basic colours (xterm's defaults).
    static let basic: [(Int, Int, Int)] = [
        (0, 0, 0), (205, 0, 0), (0, 205, 0), (205, 205, 0), (0, 0, 238), (205, 0, 205), (0, 205, 205), (229, 229, 229),
        (127, 127, 127), (255, 0, 0), (0, 255, 0), (255, 255, 0), (92, 92, 255), (255, 0, 255), (0, 255, 255), (255, 255, 255),
    ]

    /// The six levels of each channel in the 6×6×6 colour cube (indexes 16–231).
    static let cubeLevels = [0, 95, 135, 175, 215, 255]

    static func rgb(_ index: UInt8) -> (Int, Int, Int) {
        let i = Int(index)
        if i < 16 { return basic[i] }
        if i >= 232 { let v = 8 + 10 * (i - 232); return (v, v, v) }
        let c = i - 16
        return (cubeLevels[c / 36], cubeLevels[(c / 6) % 6], cubeLevels[c % 6])
    }

    static func nearestBasic(_ index: UInt8, available: Int) -> Int {
        let (r, g, b) = rgb(index)
        let count = available >= 16 ? 16 : 8
        return (0..<count).min { a, c in
            let x = basic[a], y = basic[c]
            return (x.0 - r) * (x.0 - r) + (x.1 - g) * (x.1 - g) + (x.2 - b) * (x.2 - b)
                < (y.0 - r) * (y.0 - r) + (y.1 - g) * (y.1 - g) + (y.2 - b) * (y.2 - b)
        }!
    }
}
