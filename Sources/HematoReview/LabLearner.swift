import HematoAdapt

/// The review's side of learning the reviewer's lab. It keeps the pooled
/// feature of every classified image (up to `featureLimit`), turns the
/// reviewer's single-class decisions into training examples, and holds the
/// adaptation in force. Refits themselves run elsewhere (a background
/// worker): this type only says what to fit and adopts the result.
public struct LabLearner: Sendable {
    /// Features kept of images no person has decided: 10,000 are 52 MB (1,280 floats and an
    /// array's overhead each), which bounds what a folder of any size adds to the review's memory
    /// as it is classified. The oldest give way to the newest, and classification runs outward
    /// from the image on screen, so those kept are the ones around the reviewer. An image whose
    /// feature went keeps the prediction it got when it was classified (a refit does not refresh
    /// it). A decided image's feature is always kept: it is what the head is fitted on.
    public static let featureLimit = 10_000
    /// Undecided images with a kept feature, oldest first from `undecidedStart` (an entry decided since is skipped).
    private var undecidedOrder: [Int] = []
    private var undecidedStart = 0
    /// Images a person decided: their features are never dropped.
    private var decided: Set<Int> = []

    public let prior: LinearHead
    public let shiftReference: ShiftReference?
    public let stainReference: StainReference?
    /// Decisions from this lab's other folders (`--lab`), fitted on together with this folder's.
    public let otherFolders: [Lab.Example]
    public private(set) var adaptation: Adaptation
    public private(set) var features: [Int: [Float]] = [:]
    private var distances: [Float] = []
    /// The pictures' stains (nucleus colour over background colour), for the stain check.
    private var stainColours: [[Float]] = []

    public init(prior: LinearHead, shiftReference: ShiftReference?, stainReference: StainReference? = nil,
                otherFolders: [Lab.Example] = []) {
        self.prior = prior
        self.shiftReference = shiftReference
        self.stainReference = stainReference
        self.otherFolders = otherFolders
        adaptation = Adaptation(prior: prior)
    }

    /// Keeps the image's feature (for good when `decided`: a person labelled it) and returns its
    /// prediction under the adaptation in force.
    public mutating func observe(index: Int, feature: [Float], stain: [Float]? = nil, decided isDecided: Bool = false) -> [Float] {
        let isNew = features[index] == nil
        features[index] = feature
        if isDecided { decided.insert(index) }
        if isNew, !decided.contains(index) {
            undecidedOrder.append(index)
            while undecidedOrder.count - undecidedStart > Self.featureLimit {
                let oldest = undecidedOrder[undecidedStart]
                undecidedStart += 1
                if !decided.contains(oldest) { features[oldest] = nil }
            }
            if undecidedStart > Self.featureLimit { undecidedOrder.removeFirst(undecidedStart); undecidedStart = 0 }
        }
        if let shiftReference, distances.count < 4096 { distances.append(shiftReference.distance(feature)) }
        if stainReference != nil, let stain, stain.count == 3, stainColours.count < 4096 { stainColours.append(stain) }
        return adaptation.probabilities(feature)
    }

    public var shift: ShiftAssessment? { shiftReference?.assess(distances: distances) }
    public var stain: ShiftAssessment? { stainReference.flatMap { $0.assess(distances: stainColours.map($0.distance)) } }

    /// Both checks, once each has seen enough pictures, or once the folder has none left to classify
    /// (`seenAll`: a folder too small for the stain check gets the feature check alone); nil before.
    public func look(seenAll: Bool) -> FolderLook? {
        guard shiftReference != nil || stainReference != nil else { return nil }
        let features = shift, stain = stain
        if shiftReference != nil, features == nil, !seenAll { return nil }
        if stainReference != nil, stain == nil, !seenAll { return nil }
        if features == nil, stain == nil { return nil }
        return FolderLook(features: features, stain: stain, stainPoint: stainReference?.point(colours: stainColours))
    }

    /// The examples to fit on: the lab's other folders, then each image of this folder that a
    /// person labelled with exactly one of the model's classes and whose feature is known.
    public func examples(for session: ReviewSession) -> ExampleSet {
        var set = ExampleSet(dimensions: prior.dimensions)
        for e in otherFolders where e.feature.count == prior.dimensions { set.append(e.feature, label: e.label) }
        for (index, label, _) in personDecisions(session) { set.append(features[index]!, label: label) }
        return set
    }

    /// The folder's images no person has decided, on which a refit keeps the prior's answers unless
    /// the decisions outweigh it (`HeadFit`): an even spread of their features, in image order.
    /// While fewer than `minimumReference` are classified (a reviewer deciding as the folder opens,
    /// or a folder all decided) the decided images count too: a prior anchored on the decisions'
    /// own images holds back more than it should, one anchored on nothing lets one key turn a class.
    public func reference(for session: ReviewSession) -> ExampleSet {
        let indexes = features.keys.sorted()
        let undecided = indexes.filter { session.labels[$0]?.source != .person }
        return ExampleSet(features: (undecided.count >= Self.minimumReference ? undecided : indexes).map { features[$0]! })
    }

    /// Fewer undecided images than this, and the reference takes the decided ones too.
    public static let minimumReference = 16

    /// (image index, class index, labels.csv key) of the decisions that can teach the model.
    public func personDecisions(_ session: ReviewSession) -> [(Int, Int, String)] {
        session.labels.keys.sorted().compactMap { index in
            guard let label = session.labels[index], label.source == .person, Set(label.categories).count == 1,
                  let k = session.modelLabels.firstIndex(of: label.categories[0]), features[index] != nil else { return nil }
            return (index, k, session.keys[index])
        }
    }

    public mutating func adopt(_ next: Adaptation) { adaptation = next }

    /// A person decided the image: its feature, if still kept, is kept for good.
    public mutating func keep(_ index: Int) { decided.insert(index) }

    /// The lab to save: its other folders' decisions, this folder's, and the head in force.
    public func lab(named name: String, model: String, labels: [String], folder: String, session: ReviewSession) -> Lab {
        var examples = otherFolders
        for (index, k, key) in personDecisions(session) {
            examples.append(Lab.Example(folder: folder, image: key, label: k, feature: features[index]!))
        }
        return Lab(name: name, model: model, labels: labels, head: adaptation.head, examples: examples)
    }
}
