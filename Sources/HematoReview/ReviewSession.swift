/// The whole review as a value: which images, in which order, what the
/// model said, what each label is and who set it, where the reviewer is.
/// Keys become `ReviewAction`s; `reduce` returns the next session and the
/// decision (if any) that must be on disk before it is shown.
public struct ReviewSession: Equatable, Sendable {
    public enum Source: String, Equatable, Sendable {
        case person   // set during a review (the journal says so)
        case file     // already in labels.csv when the folder was opened, nothing says who chose it
        case model    // written by classify or merge (their record says so): pre-labelled, not reviewed
    }

    public struct Label: Equatable, Sendable {
        public var categories: [String]
        public var source: Source
    }

    public enum Order: String, Equatable, Sendable, CaseIterable {
        case name = "by name"
        case leastConfident = "least confident first"
    }

    /// Paths relative to the folder, in name order.
    public let names: [String]
    /// labels.csv keys for `names` (N for BloodImage_NNNNN.*; see `LabelsFile.imageKeys`).
    public let keys: [String]
    /// Class names the model predicts, in probability order.
    public let modelLabels: [String]
    public private(set) var opinions: [Int: ModelOpinion] = [:]
    /// The cells the model's view found in each image (only for models with a canonical cell view).
    public private(set) var cells: [Int: [CellOpinion]] = [:]
    public private(set) var labels: [Int: Label] = [:]
    /// Cells per class over `labels`, kept as they change (a folder of 100,000 labels is not
    /// recounted at every key), and the images with several classes: `differential`'s input.
    private var cellCounts: [String: Int] = [:]
    private var multiLabelImages = 0
    /// Labels of each source, kept as they change (ReviewSession+Provenance.swift reads them).
    var sourceCounts: [Source: Int] = [:]
    /// What classify or merge wrote into labels.csv, by image key.
    public let preLabels: PreLabels
    public private(set) var order: Order = .name
    /// Show only images whose predicted class is this.
    public private(set) var filter: String?
    /// Indexes into `names`, in order and filtered.
    public private(set) var queue: [Int]
    /// Position in `queue`.
    public private(set) var position: Int = 0
    public private(set) var undoStack: [Undo] = []
    /// How far to trust the model here: agreement so far, adaptation, shift.
    public var trust = Trust()
    public var showingHelp = false
    /// The help's page. How many there are depends on the terminal's size, which the screen knows.
    public internal(set) var helpPage = 0
    /// Set through `.notify` and cleared by the next action, so every message passes the reducer.
    public internal(set) var message: String?
    public private(set) var finished = false
    // Navigation, prompt, label filter and blind review (ReviewSession+Navigation.swift, ReviewSession+Blind.swift).
    public internal(set) var prompt: Prompt?
    public internal(set) var lastSearch: String?
    public internal(set) var labelFilter: LabelFilter?
    /// Blind review: the model's answer is hidden on an image until the reviewer has decided it.
    public var blind = false
    /// Images decided in this blind sitting: their answer has been shown, even if the decision was undone.
    public internal(set) var revealed: Set<Int> = []
    /// Activation map and zoom (PictureView.swift): kept while moving between images.
    public internal(set) var pictureView = PictureView()
    /// The activation map of each image's predicted class, as the classifier sent it.
    public internal(set) var activationMaps: [Int: ActivationMap] = [:]
    /// The gallery of one predicted class, when it is open (Gallery.swift).
    public internal(set) var gallery: Gallery?
    /// A blind calibration offered, running or ended (ReviewSession+Calibration.swift), and what
    /// draws its calls; a question waiting for y or n (ReviewSession+Trust.swift).
    public internal(set) var calibration: Calibration?
    public var calibrationSeed: UInt64 = 0
    public internal(set) var question: String?
    /// The cells the slide is to count (`--target`, or `target` in the config file); nil: no target.
    public var target: Int?
    /// Flagged images and their notes (ReviewSession+Flags.swift); "" for a flag without a note.
    public internal(set) var flags: [Int: String] = [:]
    /// The slide's sign-off (ReviewSession+SignOff.swift): while set, and not `amending`, nothing may change.
    public var signedOff: SignedOff?
    /// Reopened with review --amend: changes are allowed, and each is journaled as an amendment.
    public var amending = false
    /// The lab (--lab) whose earlier folders measured the model: a folder that looks like them
    /// (`shiftMeasured`) starts with their blind calls and without new ones.
    public var labTrust: LabTrust?

    public struct LabTrust: Equatable, Sendable {
        public var name: String
        public var carried: Trust.Tally
        public var shifts: [Float]

        public init(name: String, carried: Trust.Tally, shifts: [Float]) {
            self.name = name
            self.carried = carried
            self.shifts = shifts
        }
    }

    /// What the model's answers are worth here (ReviewSession+Trust.swift).
    public struct Trust: Equatable, Sendable {
        /// Each image's decision against the model's top class shown before it (blind or open). Kept
        /// per image, so an undone decision drops out and a changed one counts once.
        public var calls: [Int: Call] = [:]
        /// Blind calls made in the lab's other folders, carried by the lab file.
        public var carried = Tally()
        /// Decisions the predictions are adapted to (0: the model as shipped).
        public var adaptedTo = 0
        public var keptPrior = true
        /// Median distance of this folder's images to the training images (1 = alike), and whether it warns.
        public var shiftScore: Float?
        public var shiftWarning = false

        public init() {}
    }

    public struct Undo: Equatable, Sendable {
        let index: Int
        let previous: Label?
        /// The image's call before the decision (undoing a slip takes its call back too).
        var previousCall: Trust.Call?
        /// false: seeded from a journal entry whose earlier label was not recorded (see ReviewSession+JournalUndo.swift).
        var known = true
    }

    public init(names: [String], modelLabels: [String], existing: LabelsFile = LabelsFile(),
                decidedByPerson: Set<String> = [], preLabels: PreLabels = PreLabels(), resumeAfter lastImage: String? = nil,
                blind: Bool = false) {
        self.names = names
        self.blind = blind
        keys = LabelsFile.imageKeys(forRelativePaths: names, existing: existing)
        self.modelLabels = modelLabels
        self.preLabels = preLabels
        queue = Array(names.indices)
        for (i, key) in keys.enumerated() {
            if let categories = existing.categories(forImage: key) {
                setLabel(Label(categories: categories, source: decidedByPerson.contains(key) ? .person : fileSource(categories, image: key)), at: i)
            }
        }
        // Resume just after the last image the journal mentions, else at the first unlabelled one,
        // else (every image pre-labelled or imported) at the first no person decided.
        if let lastImage, let i = keys.firstIndex(of: lastImage) {
            position = min(i + 1, max(0, names.count - 1))
        } else {
            position = queue.firstIndex { labels[$0] == nil } ?? queue.firstIndex { labels[$0]?.source != .person } ?? 0
        }
    }

    // MARK: reading

    public var current: Int? { queue.indices.contains(position) ? queue[position] : nil }
    /// Images a person decided (pre-labelled and imported labels are counted apart: ReviewSession+Provenance.swift).
    public var reviewedCount: Int { sourceCounts[.person] ?? 0 }
    public var classifiedCount: Int { opinions.count }

    /// The differential of the labels so far, counted as `hematovision report` counts labels.csv:
    /// every class of a multi-label is a cell.
    public var differential: Differential {
        Differential(counts: cellCounts, multiLabelImages: multiLabelImages)
    }

    public func predictedClass(_ index: Int) -> String? {
        guard let p = opinions[index]?.probabilities, let top = p.indices.max(by: { p[$0] < p[$1] }),
              modelLabels.indices.contains(top) else { return nil }
        return modelLabels[top]
    }

    public func confidence(_ index: Int) -> Float? { opinions[index]?.probabilities?.max() }

    /// Top two classes within this many points: the model cannot tell them apart.
    public static let nearTie: Float = 0.05

    public func isNearTie(_ index: Int) -> Bool {
        guard let p = opinions[index]?.probabilities, p.count >= 2 else { return false }
        let sorted = p.sorted(by: >)
        return sorted[0] - sorted[1] < Self.nearTie
    }

    /// What the background classifier should do first: unclassified images from the
    /// current one onwards, looking at most `window` places ahead (so the cost per
    /// call stays small in a folder of any size). The rest of the folder is swept by
    /// `ClassificationSweep`.
    public func classificationPriority(limit: Int, window: Int = 64) -> [Int] {
        var out: [Int] = []
        var i = position
        while out.count < limit && i < min(queue.count, position + window) {
            if opinions[queue[i]] == nil { out.append(queue[i]) }
            i += 1
        }
        return out
    }

    // MARK: changes the reducer makes

    mutating func setLabel(_ label: Label?, at index: Int) {
        if let old = labels[index]?.source {
            sourceCounts[old, default: 0] -= 1
            if sourceCounts[old] == 0 { sourceCounts[old] = nil }
        }
        if let new = label?.source { sourceCounts[new, default: 0] += 1 }
        if let old = labels[index]?.categories {
            for c in old {
                cellCounts[c, default: 0] -= 1
                if cellCounts[c] == 0 { cellCounts[c] = nil }  // so equal labels make equal sessions
            }
            if old.count > 1 { multiLabelImages -= 1 }
        }
        if let new = label?.categories {
            for c in new { cellCounts[c, default: 0] += 1 }
            if new.count > 1 { multiLabelImages += 1 }
        }
        labels[index] = label
    }
    /// Rows labels.csv now holds that the review did not set (`ReviewAction.labelsChangedOutside`).
    mutating func adoptRowsFromFile(_ rows: [String: [String]?]) {
        guard !rows.isEmpty else { return }
        for (i, key) in keys.enumerated() {
            guard let row = rows[key] else { continue }
            setLabel(row.map { Label(categories: $0, source: .file) }, at: i)
        }
    }
    mutating func setOpinion(_ opinion: ModelOpinion, at index: Int) { opinions[index] = opinion }
    mutating func setCells(_ found: [CellOpinion], at index: Int) { cells[index] = found.isEmpty ? nil : found }
    mutating func setProbabilities(_ updated: [Int: [Float]]) {
        for (index, p) in updated {
            if case .predicted(_, let hash)? = opinions[index] { opinions[index] = .predicted(probabilities: p, imageHash: hash) }
        }
    }
    mutating func pushUndo(_ undo: Undo) { undoStack.append(undo) }
    mutating func popUndo() -> Undo? { undoStack.popLast() }
    mutating func move(to newPosition: Int) { position = max(0, min(newPosition, max(0, queue.count - 1))) }
    /// An image joins the queue at `slot`; the current image stays current.
    mutating func insertIntoQueue(_ index: Int, at slot: Int) {
        queue.insert(index, at: slot)
        if queue.count > 1 && slot <= position { position += 1 }
    }
    mutating func finish() { finished = true }

    mutating func rebuildQueue(order: Order, filter: String?) {
        let keep = current
        self.order = order
        self.filter = filter
        var items = Array(names.indices)
        if let filter { items = items.filter { predictedClass($0) == filter } }
        if let labelFilter { items = items.filter { matches(labelFilter, $0) } }
        if order == .leastConfident {
            // Unclassified images keep name order after the classified ones. Confidences are
            // looked up once, not per comparison: this runs each time the model adapts.
            var confidences = [Float?](repeating: nil, count: names.count)
            for i in items { confidences[i] = confidence(i) }
            items.sort { a, b in
                switch (confidences[a], confidences[b]) {
                case let (x?, y?): return x != y ? x < y : a < b
                case (_?, nil): return true
                case (nil, _?): return false
                default: return a < b
                }
            }
        }
        if let calls = calibrationQueue { items = calls }  // a calibration shows only its own images
        queue = items
        position = keep.flatMap { items.firstIndex(of: $0) } ?? 0
    }
}
