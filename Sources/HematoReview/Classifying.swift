import HematoAdapt

/// What the review needs from a classifier, so the session and its tests
/// need neither the engine nor a terminal.
public protocol Classifying: Sendable {
    /// Class names in the order of `ModelOpinion.probabilities`.
    var labels: [String] { get }
    /// Identity of the model, written to the journal with each decision.
    var modelIdentity: String { get }
    func classify(path: String) -> ModelOpinion
    /// The opinion and the pooled feature it came from (for adapting to the reviewer's lab).
    func observe(path: String) -> Observation
}

extension Classifying {
    public func observe(path: String) -> Observation { Observation(opinion: classify(path: path), feature: nil) }
}

public struct Observation: Sendable {
    public var opinion: ModelOpinion
    public var feature: [Float]?
    /// The white cells a model with the canonical cell view found, largest nucleus first (the
    /// opinion is the first one's). Empty when the whole picture was classified.
    public var cells: [CellOpinion]
    /// Where the evidence for the top class lies (the first cell's, with the canonical view).
    public var activationMap: ActivationMap?
    /// The picture's nucleus colour over its background colour (R, G, B), for the stain check.
    public var stain: [Float]?

    public init(opinion: ModelOpinion, feature: [Float]?, cells: [CellOpinion] = [], activationMap: ActivationMap? = nil,
                stain: [Float]? = nil) {
        self.opinion = opinion
        self.feature = feature
        self.cells = cells
        self.activationMap = activationMap
        self.stain = stain
    }
}

/// One white cell in a picture: its nucleus box as fractions of the picture's width and height
/// (so it fits the picture at whatever size it is drawn), and the model's probabilities for it.
public struct CellOpinion: Sendable, Hashable {
    public let x: Float, y: Float, width: Float, height: Float
    public let probabilities: [Float]

    public init(x: Float, y: Float, width: Float, height: Float, probabilities: [Float]) {
        (self.x, self.y, self.width, self.height) = (x, y, width, height)
        self.probabilities = probabilities
    }

    public var topIndex: Int { probabilities.indices.max { probabilities[$0] < probabilities[$1] } ?? 0 }
}

/// The model's view of one image, or why it has none.
public enum ModelOpinion: Sendable, Equatable {
    case predicted(probabilities: [Float], imageHash: String)
    case unreadable(reason: String)

    public var probabilities: [Float]? {
        if case .predicted(let p, _) = self { return p }
        return nil
    }

    public var imageHash: String? {
        if case .predicted(_, let h) = self { return h }
        return nil
    }
}
