/// One answer on every screen: the bars, the first cell's line, the gallery's captions, Enter, `A`
/// and the journal all read the session's answer for an image (`opinions`, which is the adapted
/// model's once the model has adapted). The classifier's per-cell answers come from the shipped
/// model; the first cell is the image's own answer, so its line shows the session's answer, and
/// a further cell, which only the shipped model has judged, says so once the model has adapted.
extension ReviewSession {
    public struct CellLine: Equatable, Sendable {
        public var label: String
        public var percent: Int
        /// The shipped model's answer, while the image's own answer is the adapted model's.
        public var shipped: Bool
    }

    /// A line per cell found in image `index`, first cell first.
    public func cellLines(_ index: Int) -> [CellLine] {
        let adapted = trust.adaptedTo > 0
        return (cells[index] ?? []).enumerated().map { n, cell in
            let p = n == 0 ? (opinions[index]?.probabilities ?? cell.probabilities) : cell.probabilities
            let top = p.indices.max { p[$0] < p[$1] } ?? 0
            return CellLine(label: modelLabels.indices.contains(top) ? modelLabels[top] : "?",
                            percent: p.indices.contains(top) ? Int((p[top] * 100).rounded()) : 0,
                            shipped: n > 0 && adapted)
        }
    }
}
