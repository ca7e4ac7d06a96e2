/// Cells per class. An image labelled "NEUTROPHIL, LYMPHOCYTE" holds two cells and counts
/// once in each class, so the percentages are of cells, not of images.
public struct Differential: Equatable, Sendable {
    public struct Row: Equatable, Sendable {
        public var name: String
        public var count: Int
        /// count / cells; 0 with no cells.
        public var share: Double
        /// Wilson score 95 % interval of the share; nil with no cells.
        public var interval: WilsonInterval?
    }

    /// Every class in the given order (zero counts included), then any other class seen, sorted.
    public var rows: [Row]
    /// Labels counted: one per cell.
    public var cells: Int
    /// Images with more than one class.
    public var multiLabelImages: Int

    public init(labelSets: [[String]], order: [String] = CellClass.allCases.map(\.rawValue)) {
        var counts: [String: Int] = [:]
        for set in labelSets { for c in set { counts[c, default: 0] += 1 } }
        self.init(counts: counts, multiLabelImages: labelSets.filter { $0.count > 1 }.count, order: order)
    }

    /// From counts already made (the review session keeps them as labels change); a class
    /// counted 0 that is not in `order` is left out.
    public init(counts: [String: Int], multiLabelImages: Int, order: [String] = CellClass.allCases.map(\.rawValue)) {
        let cells = counts.values.reduce(0, +)
        var names: [String] = []
        for name in order where !names.contains(name) { names.append(name) }
        names += Set(counts.filter { $0.value > 0 }.keys).subtracting(order).sorted()
        rows = names.map { name in
            let n = counts[name] ?? 0
            return Row(name: name, count: n, share: cells > 0 ? Double(n) / Double(cells) : 0,
                       interval: WilsonInterval(successes: n, trials: cells))
        }
        self.cells = cells
        self.multiLabelImages = multiLabelImages
    }

    public var counts: [String: Int] { Dictionary(uniqueKeysWithValues: rows.map { ($0.name, $0.count) }) }
}
