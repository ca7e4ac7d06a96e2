import HematoReview

/// The live differential as the sidebar shows it: a short name, the count and the percentage
/// of each class, two to a line, then the number of cells. The counting is `Differential`'s,
/// the same as `hematovision report`'s; this only lays it out.
enum DifferentialText {
    /// At most `rows` lines of at most `width` cells. The classes in `always` are listed even at
    /// 0 (the model's classes), any other only once counted. When rows are short the total is
    /// dropped first, then the last classes.
    /// With a `target` the total counts toward it ("73 of 100 cells") and says when it is reached.
    static func lines(_ d: Differential, always: [String], width: Int, rows: Int, target: Int? = nil) -> [String] {
        guard rows > 0, width > 0 else { return [] }
        guard d.cells > 0 else { return [target.map { "0 of \($0) cells" } ?? "no labels yet"] }
        let shown = d.rows.filter { $0.count > 0 || always.contains($0.name) }
        let short = shown.map { String($0.name.prefix(3)) }
        // Names that share their first letters are written out, one class a line.
        let names = Set(short).count == short.count ? short : shown.map(\.name)
        let column = (width + 1) / 2
        let items = zip(names, shown).map { name, row in
            "\(DisplayName.escaped(name)) \(row.count) \(Int((row.share * 100).rounded()))%"
        }
        var out: [String] = []
        if names == short, items.allSatisfy({ $0.count < column }) {
            for k in stride(from: 0, to: items.count, by: 2) {
                let left = items[k]
                out.append(k + 1 < items.count ? left.padding(toLength: column, withPad: " ", startingAt: 0) + items[k + 1] : left)
            }
        } else {
            out = items
        }
        var total = d.cells == 1 ? "1 cell" : "\(d.cells) cells"
        if let target { total = "\(d.cells) of \(target) cells" + (d.cells >= target ? " · reached" : "") }
        if d.multiLabelImages > 0 { total += " · \(d.multiLabelImages) multi-label image\(d.multiLabelImages == 1 ? "" : "s")" }
        out.append(total)
        if out.count > rows { out.removeLast() }
        return Array(out.prefix(rows)).map { String($0.prefix(width)) }
    }
}
