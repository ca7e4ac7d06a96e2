/// The bottom line of every screen: the keymap's hints for that screen, most needed first
/// (the keymap ranks them), so a narrow terminal drops hints from the right.
enum HintBar {
    static func draw(_ hints: [(keys: String, word: String)], theme: Theme, into g: inout CellGrid) {
        let y = g.height - 1
        g.fill(x: 0, y: y, width: g.width, height: 1, style: theme["hint"])
        var x = 1
        for (key, what) in hints where !key.isEmpty {
            guard x + key.count + what.count + 3 < g.width else { break }
            x += g.put(key, x: x, y: y, style: theme["hint_key"])
            x += g.put(" " + what + "  ", x: x, y: y, style: theme["hint"])
        }
    }
}
