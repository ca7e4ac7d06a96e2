/// The screen as data. Views draw into a grid; the curses backend copies it
/// to the terminal and tests compare it, as text, with snapshot files.
public struct CellGrid: Equatable, Sendable {
    public struct Cell: Equatable, Sendable {
        public var character: Character
        public var style: Style
    }

    public let width: Int
    public let height: Int
    public private(set) var cells: [Cell]

    public init(width: Int, height: Int, style: Style = Style()) {
        self.width = max(0, width)
        self.height = max(0, height)
        cells = Array(repeating: Cell(character: " ", style: style), count: self.width * self.height)
    }

    public subscript(x: Int, y: Int) -> Cell {
        get { cells[y * width + x] }
        set { if x >= 0, y >= 0, x < width, y < height { cells[y * width + x] = newValue } }
    }

    /// Writes text from (x, y), clipped at `maxWidth` cells and the grid's edge; returns the cells used.
    @discardableResult
    public mutating func put(_ text: String, x: Int, y: Int, style: Style, maxWidth: Int? = nil) -> Int {
        guard y >= 0, y < height else { return 0 }
        let limit = min(maxWidth ?? width, width - x)
        var used = 0
        for ch in text where used < limit {
            if x + used >= 0 { self[x + used, y] = Cell(character: ch, style: style) }
            used += 1
        }
        return max(0, used)
    }

    public mutating func fill(x: Int, y: Int, width w: Int, height h: Int, style: Style, character: Character = " ") {
        for row in max(0, y)..<min(height, y + h) {
            for col in max(0, x)..<min(width, x + w) { self[col, row] = Cell(character: character, style: style) }
        }
    }

    /// The characters only, one line per row, trailing spaces kept (snapshot tests).
    public var text: String {
        (0..<height).map { y in String((0..<width).map { self[$0, y].character }) }.joined(separator: "\n")
    }
}

extension CellGrid {
    /// The colours and attributes, as text a snapshot file can hold: each style gets a letter in the
    /// order it first appears (reading row by row), a legend spells each letter out, and a map gives
    /// every cell's letter. A wrong colour changes the legend or the map, so snapshot tests fail on it.
    public var styleText: String {
        let letters = Array("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
        var letterOf: [Style: Character] = [:]
        var legend: [String] = []
        var map: [String] = []
        for y in 0..<height {
            var row = ""
            for x in 0..<width {
                let style = self[x, y].style
                if letterOf[style] == nil {
                    let letter = legend.count < letters.count ? letters[legend.count] : "?"
                    letterOf[style] = letter
                    legend.append("\(letter) \(style.summary)")
                }
                row.append(letterOf[style]!)
            }
            map.append(row)
        }
        return (["styles:"] + legend + ["cells:"] + map).joined(separator: "\n")
    }
}

extension Style {
    /// "fg 15 bg 24 bold": what a snapshot's legend says of a style ("default" for the terminal's own).
    var summary: String {
        var parts: [String] = []
        parts.append("fg " + (foreground.map(String.init) ?? "default"))
        parts.append("bg " + (background.map(String.init) ?? "default"))
        if bold { parts.append("bold") }
        if reverse { parts.append("reverse") }
        if dim { parts.append("dim") }
        return parts.joined(separator: " ")
    }
}

/// Colours and attributes of one cell. Colours are xterm-256 indexes; nil is the terminal's default.
public struct Style: Equatable, Hashable, Sendable {
    public var foreground: UInt8?
    public var background: UInt8?
    public var bold = false
    public var reverse = false
    public var dim = false

    public init(foreground: UInt8? = nil, background: UInt8? = nil, bold: Bool = false, reverse: Bool = false, dim: Bool = false) {
        self.foreground = foreground
        self.background = background
        self.bold = bold
        self.reverse = reverse
        self.dim = dim
    }
}

extension String {
    /// The text as it fits in `width` cells: whole, or cut with "…" where the cut is, so a reader
    /// can tell a cut text from a short one. Paths keep their end (`keepingEnd`): the folder or
    /// file name that tells one from another is there.
    func fitted(to width: Int, keepingEnd: Bool = false) -> String {
        if count <= width { return self }
        if width <= 0 { return "" }
        return keepingEnd ? "…" + String(suffix(width - 1)) : String(prefix(width - 1)) + "…"
    }
}
