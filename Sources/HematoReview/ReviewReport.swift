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
