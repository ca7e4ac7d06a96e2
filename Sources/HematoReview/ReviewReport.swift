import Foundation

/// What a reviewed folder says: the differential (cells per class of the reviewed labels,
/// with Wilson 95 % intervals), how much of the folder is reviewed, how often the reviewer
/// agreed with the model, and who reviewed when. Built from labels.csv, the journal and the
/// folder's image list; reads nothing itself, so tests need no files.
public struct ReviewReport: Equatable, Sendable {
    /// Images in the folder.
    public var total: Int
    /// Of them, those with a label in labels.csv (set by a reviewer or already there).
    public var reviewed: Int
    public var differential: Differential
    /// Rows of labels.csv whose image is not in the folder (left out of the differential).
    public var labelsWithoutImage: Int
    public var agreement: Agreement
    /// The same, for the decisions made blind and those made with the prediction showing: only blind agreement measures the model honestly.
    public var agreementByMode: [JournalEntry.Mode: Agreement]
    public var reviewers: [Reviewer]
    /// Journal entries by action (accept, set, add, remove, undo), undos included.
    public var actions: [String: Int]

    public struct Reviewer: Equatable, Sendable {
        public var name: String
        /// Journal entries (undos included).
        public var entries: Int
        public var first: String
        public var last: String
    }

    /// `imageKeys` are the folder's images as labels.csv names them (LabelsFile.imageKey).
    public init(imageKeys: [String], labels: LabelsFile, journal: [JournalEntry],
                classOrder: [String] = CellClass.allCases.map(\.rawValue)) {
        let inFolder = Set(imageKeys)
        var labelSets: [[String]] = []
        var outside = 0
        var seen = Set<String>()
        for row in labels.rows where seen.insert(row.image).inserted {
            if inFolder.contains(row.image) { labelSets.append(row.categories) } else { outside += 1 }
        }
        total = imageKeys.count
        reviewed = labelSets.count
        differential = Differential(labelSets: labelSets, order: classOrder)
        labelsWithoutImage = outside
        agreement = Agreement(journal: journal, order: classOrder)
        agreementByMode = Dictionary(uniqueKeysWithValues: JournalEntry.Mode.allCases.map { ($0, Agreement(journal: journal, order: classOrder, mode: $0)) })
        var byName: [String: Reviewer] = [:]
        var order: [String] = []
        var actions: [String: Int] = [:]
        for e in journal {
            actions[e.action.rawValue, default: 0] += 1
            if var r = byName[e.reviewer] {
                r.entries += 1
                r.first = min(r.first, e.time)
                r.last = max(r.last, e.time)
                byName[e.reviewer] = r
            } else {
                byName[e.reviewer] = Reviewer(name: e.reviewer, entries: 1, first: e.time, last: e.time)
                order.append(e.reviewer)
            }
        }
        reviewers = order.map { byName[$0]! }
        self.actions = actions
    }

    /// The first and last journal entries' times (ISO 8601, as the journal writes them); nil for an empty journal.
    public var firstDecision: String? { reviewers.map(\.first).min() }
    public var lastDecision: String? { reviewers.map(\.last).max() }
}

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
