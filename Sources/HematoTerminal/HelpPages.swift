import HematoReview

/// The help (`?`): every binding of the keymap with its whole text, in pages when the terminal
/// is too short for all of them. At 80×24 that is two pages of one column; a terminal wide enough
/// for two full columns and tall enough for the lot gets one page. Text is never cut to make a
/// page fit: a line only ends in "…" on a terminal too narrow for the longest help.
struct HelpPages {
    typealias Line = (keys: String, help: String)

    let pages: [[Line]]
    let columns: Int
    /// Binding lines a column holds on one page.
    let rowsPerColumn: Int
    let keysWidth: Int

    /// Room for the longest key list and help side by side, with the box's margins.
    private static func columnWidth(keys: Int, lines: [Line]) -> Int {
        keys + 2 + (lines.map(\.help.count).max() ?? 0) + 4
    }

    init(keymap: Keymap, width: Int, height: Int) {
        var lines = keymap.bindings.map { (keys: $0.keys.map(\.label).joined(separator: " "), help: $0.help) }
        // Between the title and the hint bar (both stay in view), less the box's own four rows:
        // a margin, the heading, a gap and the closing line.
        let rows = max(1, height - 2 - 4)
        if lines.count > rows {
            // A short terminal: the five "add a class" keys share one line.
            let adds = keymap.bindings.filter { if case .add = $0.action { return true } else { return false } }
            if let first = lines.firstIndex(where: { $0.help == adds.first?.help }) {
                lines.removeSubrange(first..<(first + adds.count))
                lines.insert((adds.map { $0.keys.map(\.label).joined(separator: " ") }.joined(separator: " "),
                              "add a class (an image with several cells)"), at: first)
            }
        }
        keysWidth = min(14, lines.map(\.keys.count).max() ?? 0)
        let column = Self.columnWidth(keys: keysWidth, lines: lines)
        columns = lines.count > rows && width - 4 >= 2 * column ? 2 : 1
        rowsPerColumn = min(rows, (lines.count + columns - 1) / columns)
        let perPage = rowsPerColumn * columns
        pages = stride(from: 0, to: lines.count, by: perPage).map { Array(lines[$0..<min(lines.count, $0 + perPage)]) }
    }

    var count: Int { pages.count }

    /// While the help shows: → Space PgDn j turn a page on and ← PgUp k back, where there is one
    /// to turn to; any other key closes it (Ctrl-C still quits: the app asks first).
    func action(for key: Key, onPage page: Int) -> ReviewAction {
        ReviewSession.helpAction(step: Self.step(for: key), page: page, pages: count)
    }

    /// Which way a key turns the help's pages: +1 on, -1 back, nil for a key that turns none.
    static func step(for key: Key) -> Int? {
        if [.right, .pageDown, .character(" "), .character("j")].contains(key) { return 1 }
        if [.left, .pageUp, .character("k")].contains(key) { return -1 }
        return nil
    }

    /// Draws page `page` (clamped) centred on the grid.
    func draw(page: Int, theme: Theme, into g: inout CellGrid) {
        guard let last = pages.indices.last else { return }
        let page = min(max(0, page), last)
        let lines = pages[page]
        let column = min((g.width - 4) / columns, Self.columnWidth(keys: keysWidth, lines: pages.flatMap { $0 }))
        let width = column * columns
        let rows = rowsPerColumn + 4
        let top = max(1, (g.height - rows) / 2), left = max(0, (g.width - width) / 2)
        // The help has the screen between the title and the hint bar to itself: a box narrower
        // than the screen would leave the sidebar's ends showing beside it.
        g.fill(x: 0, y: 1, width: g.width, height: g.height - 2, style: theme["text"])
        g.fill(x: left, y: top, width: width, height: rows, style: theme["help"])
        g.put(count > 1 ? "Keys · page \(page + 1) of \(count)" : "Keys", x: left + 2, y: top + 1, style: theme["help_key"])
        let helpWidth = column - keysWidth - 4
        for (n, line) in lines.enumerated() {
            let x = left + (n / rowsPerColumn) * column, y = top + 2 + n % rowsPerColumn
            g.put(line.keys, x: x + 2, y: y, style: theme["help_key"], maxWidth: keysWidth)
            g.put(line.help.fitted(to: helpWidth), x: x + keysWidth + 4, y: y, style: theme["help"])
        }
        let turns = (page < last ? ["→ next page"] : []) + (page > 0 ? ["← back"] : [])
        let closing = (turns + [turns.isEmpty ? "any key closes this" : "any other key closes this"]).joined(separator: "   ")
        g.put(closing, x: left + 2, y: top + rows - 1, style: theme["help"], maxWidth: width - 2)
    }
}
