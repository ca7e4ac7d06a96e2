/// Who a label in labels.csv comes from. Three kinds, counted apart everywhere: a person decided
/// it in a review (the journal says so), the model wrote it (`classify` or `merge`; the record
/// beside labels.csv says so, and the row is still what it wrote), or it was already in
/// labels.csv with nothing to say who chose it (the dataset's own file, another lab's, a row
/// edited by hand): imported.
public enum LabelOrigin: String, Equatable, Sendable, CaseIterable {
    case person
    case model
    case imported
}

/// The images a person has decided, kept from the journal's entries in order. A decision makes
/// the image theirs; an undo puts back whoever's label was there before it (an undo back to the
/// model's or the file's label leaves the image undecided, as the screen showed it).
public struct PersonDecisions: Equatable, Sendable {
    public private(set) var images: Set<String> = []
    /// For each image, whether a person had decided it before each of its decisions still standing.
    private var history: [String: [Bool]] = [:]

    public init() {}

    public init(_ entries: [JournalEntry]) {
        for e in entries { apply(e) }
    }

    public mutating func apply(_ e: JournalEntry) {
        let before = images.contains(e.image)
        var decidedAfter: Bool
        if e.action == .undo {
            // A journal older than its first entries (cut, or begun before this field) may
            // undo a decision it does not hold: then only the label left says anything.
            decidedAfter = history[e.image]?.popLast() ?? false
            if e.labelRow == nil { decidedAfter = false }
        } else {
            history[e.image, default: []].append(before)
            decidedAfter = true
        }
        if decidedAfter { images.insert(e.image) } else { images.remove(e.image) }
    }
}

/// labels.csv's labels for a folder's images split by origin: how many of each, and the
/// differential of the person-decided ones apart from that of all.
public struct ProvenanceCounts: Equatable, Sendable {
    public var reviewedByPerson = 0
    public var preLabelled = 0
    public var imported = 0
    /// Cells of the labels a person decided.
    public var personDifferential: Differential
    /// Cells of the model's labels nobody has reviewed yet.
    public var preLabelledDifferential: Differential

    /// `imageKeys` as `ReviewReport` takes them; the first row of an image is its label, as there.
    public init(imageKeys: [String], labels: LabelsFile, journal: [JournalEntry], preLabels: PreLabels,
                classOrder: [String] = CellClass.allCases.map(\.rawValue)) {
        let person = PersonDecisions(journal).images
        let inFolder = Set(imageKeys)
        var seen = Set<String>()
        var personSets: [[String]] = [], modelSets: [[String]] = []
        for row in labels.rows where inFolder.contains(row.image) && seen.insert(row.image).inserted {
            switch Self.origin(of: row.categories, image: row.image, person: person, preLabels: preLabels) {
            case .person:
                reviewedByPerson += 1
                personSets.append(row.categories)
            case .model:
                preLabelled += 1
                modelSets.append(row.categories)
            case .imported:
                imported += 1
            }
        }
        personDifferential = Differential(labelSets: personSets, order: classOrder)
        preLabelledDifferential = Differential(labelSets: modelSets, order: classOrder)
    }

    public static func origin(of row: [String], image: String, person: Set<String>, preLabels: PreLabels) -> LabelOrigin {
        if person.contains(image) { return .person }
        return preLabels.wrote(row, forImage: image) ? .model : .imported
    }
}

extension LabelsFile {
    /// The rows of images `keep` accepts, in order, each with the bytes it was read with (so an
    /// untouched row is copied byte for byte), under the file's own header.
    public func keepingRows(_ keep: (String) -> Bool) -> LabelsFile {
        var copy = self
        copy.removeRows(where: { !keep($0) })
        return copy
    }

    /// The file as the journal says it should be: each image the journal mentions takes its last
    /// entry's label (as a review's replay does when labels.csv fell behind, a full disk or a kill
    /// between the two writes); rows the journal never mentions stay as read.
    public func bringingUpToDate(with journal: [JournalEntry]) -> LabelsFile {
        var last: [String: Int] = [:]
        for (i, e) in journal.enumerated() { last[e.image] = i }
        var copy = self
        for i in last.values.sorted() where categories(forImage: journal[i].image) != journal[i].labelRow {
            let e = journal[i]
            if let row = e.labelRow { copy.setCategories(row, forImage: e.image) } else { copy.removeRow(forImage: e.image) }
        }
        return copy
    }
}
