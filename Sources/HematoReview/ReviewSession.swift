/// The whole review as a value: which images, in which order, what the
/// model said, what each label is and who set it, where the reviewer is.
/// Every key and every result the app feeds back is a `ReviewAction`;
/// `reduce` (ReviewSession+Reduce.swift) changes the session and returns the
/// effects to carry out, a decision to save first among them. It composes
/// sub-states with reducers of their own: `Navigation`, `Labelling`,
/// `Gallery`, `PictureView`, `Trust` and `Prompt`.
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
    /// Labels and decisions (Labelling.swift): the labels, their counts, the undo stack.
    public internal(set) var labelling = Labelling()
    public var labels: [Int: Label] { labelling.labels }
    public var undoStack: [Undo] { labelling.undoStack }
    var sourceCounts: [Source: Int] { labelling.sourceCounts }
    /// What classify or merge wrote into labels.csv, by image key.
    public let preLabels: PreLabels
    /// Queue and navigation (Navigation.swift): the images shown, their order and filters, the place.
    public internal(set) var navigation: Navigation
    public var order: Order { navigation.order }
    public var filter: String? { navigation.filter }
    public var queue: [Int] { navigation.queue }
    public var position: Int { navigation.position }
    public internal(set) var labelFilter: LabelFilter? {
        get { navigation.labelFilter }
        set { navigation.labelFilter = newValue }
    }
    public internal(set) var lastSearch: String? {
        get { navigation.lastSearch }
        set { navigation.lastSearch = newValue }
    }
    /// How far to trust the model here: agreement so far, adaptation, shift.
    public var trust = Trust()
    public var showingHelp = false
    /// The help's page. How many there are depends on the terminal's size, which the screen knows.
    public internal(set) var helpPage = 0
    /// Set through `.notify` and cleared by the next action, so every message passes the reducer.
    public internal(set) var message: String?
    public private(set) var finished = false
    /// The one-line prompt (ReviewSession+Navigation.swift), when it is open.
    public internal(set) var prompt: Prompt?
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
    /// (`folderLooked`) starts with their blind calls and without new ones.
    public var labTrust: LabTrust?

    public struct LabTrust: Equatable, Sendable {
        public var name: String
        public var carried: Trust.Tally
        public var shifts: [Float]
        /// The stain points of the lab's measured folders (empty for a lab measured before the stain check).
        public var stainPoints: [[Float]]

        public init(name: String, carried: Trust.Tally, shifts: [Float], stainPoints: [[Float]] = []) {
            self.name = name
            self.carried = carried
            self.shifts = shifts
            self.stainPoints = stainPoints
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
        /// Median stain distance of this folder's pictures to the training labs' stains (1 = alike), when the model has a stain reference.
        public var stainScore: Float?
        public var stainWarning = false
        /// The folder's stain point (`FolderLook.stainPoint`), kept for the lab file.
        public var stainPoint: [Float]?

        public init() {}

        /// Trust's own reducer: the calls, what the lab carried, the shift check.
        public enum Action: Equatable, Sendable {
            /// Image `index`'s decision against the model (nil: none, as after an undo, or no call).
            case call(Int, Call?)
            /// Blind calls the lab carried from its other folders.
            case carry(Tally)
            /// The folder's look: shift and stain scores (each nil when not measured), whether the
            /// folder warns, and its stain point; kept once.
            case look(shift: Float?, stain: Float?, warning: Bool, stainWarning: Bool, stainPoint: [Float]?)
        }

        public mutating func reduce(_ action: Action) {
            switch action {
            case .call(let index, let call): calls[index] = call
            case .carry(let tally): carried = tally
            case .look(let shift, let stain, let warning, let stainWarning, let point):
                guard shiftScore == nil, stainScore == nil else { return }
                (shiftScore, stainScore, shiftWarning, self.stainWarning, stainPoint) = (shift, stain, warning, stainWarning, point)
            }
        }
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
        navigation = Navigation(queue: Array(names.indices))
        for (i, key) in keys.enumerated() {
            if let categories = existing.categories(forImage: key) {
                setLabel(Label(categories: categories, source: decidedByPerson.contains(key) ? .person : fileSource(categories, image: key)), at: i)
            }
        }
        // Resume just after the last image the journal mentions, else at the first unlabelled one,
        // else (every image pre-labelled or imported) at the first no person decided.
        if let lastImage, let i = keys.firstIndex(of: lastImage) {
            move(to: min(i + 1, max(0, names.count - 1)))
        } else {
            move(to: queue.firstIndex { labels[$0] == nil } ?? queue.firstIndex { labels[$0]?.source != .person } ?? 0)
        }
    }

    // MARK: reading

    public var current: Int? { navigation.current }
    /// Images a person decided (pre-labelled and imported labels are counted apart: ReviewSession+Provenance.swift).
    public var reviewedCount: Int { sourceCounts[.person] ?? 0 }
    public var classifiedCount: Int { opinions.count }

    /// The differential of the labels so far, counted as `hematovision report` counts labels.csv:
    /// every class of a multi-label is a cell.
    public var differential: Differential { labelling.differential }

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

    mutating func setLabel(_ label: Label?, at index: Int) { labelling.reduce(.set(index: index, label)) }
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
    mutating func pushUndo(_ undo: Undo) { labelling.reduce(.pushUndo(undo)) }
    mutating func popUndo() -> Undo? { labelling.popUndo() }
    mutating func move(to newPosition: Int) { navigation.reduce(.to(newPosition)) }
    mutating func finish() { finished = true }

    /// The queue again, with this order and filter and the label filter: the current image stays
    /// current when it is still in it.
    mutating func rebuildQueue(order: Order, filter: String?) {
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
        navigation.reduce(.show(items, order: order, filter: filter))
    }
}
