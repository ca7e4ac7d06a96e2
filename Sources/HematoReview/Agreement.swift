/// The reviewer against the model, from the journal. Each image's last entry is its
/// decision (an undo that left no label removes it); the model's side is its top class
/// in the probabilities recorded with that entry, so a prediction that changed later does
/// not rewrite history. A decision is *accepted* when the label is exactly the model's top
/// class (Enter, or the same class key) and *corrected* otherwise.
public struct Agreement: Equatable, Sendable {
    /// Single-class decisions with a prediction: rows the reviewer's label, columns the model's top class.
    public var matrix: AgreementMatrix
    /// Images with a decision.
    public var decisions: Int
    public var accepted: Int
    public var corrected: Int
    /// Decisions with several classes: accepted or corrected, but not in the matrix.
    public var multiLabel: Int
    /// Decisions made before the model had an opinion (or on an unreadable image): neither accepted nor corrected.
    public var withoutPrediction: Int

    /// `mode`: only images whose last entry was made in that mode (blind or open), each image still judged by its last entry.
    public init(journal: [JournalEntry], order: [String] = CellClass.allCases.map(\.rawValue), mode: JournalEntry.Mode? = nil) {
        var last: [String: Int] = [:]
        for (i, e) in journal.enumerated() { last[e.image] = i }
        var pairs: [(String, String)] = []
        var decisions = 0, accepted = 0, corrected = 0, multi = 0, without = 0
        for i in last.values.sorted() {
            let e = journal[i]
            guard !e.label.isEmpty, mode == nil || e.decidedIn == mode else { continue }
            decisions += 1
            guard let top = Self.topClass(e.probabilities, order: order) else {
                without += 1
                continue
            }
            if e.label == [top] { accepted += 1 } else { corrected += 1 }
            if e.label.count == 1 { pairs.append((e.label[0], top)) } else { multi += 1 }
        }
        // Only classes someone used get a row: a BASOPHIL row of zeros says nothing.
        let used = Set(pairs.flatMap { [$0.0, $0.1] })
        matrix = AgreementMatrix(pairs: pairs, order: order.filter(used.contains))
        self.decisions = decisions
        self.accepted = accepted
        self.corrected = corrected
        multiLabel = multi
        withoutPrediction = without
    }

    /// The most probable class; a tie goes to the class first in `order`, then by name.
    static func topClass(_ probabilities: [String: Float]?, order: [String]) -> String? {
        guard let p = probabilities, !p.isEmpty else { return nil }
        let rank = Dictionary(order.enumerated().map { ($1, $0) }, uniquingKeysWith: min)
        return p.keys.sorted { (rank[$0] ?? Int.max, $0) < (rank[$1] ?? Int.max, $1) }
            .max { p[$0]! < p[$1]! }
    }
}
