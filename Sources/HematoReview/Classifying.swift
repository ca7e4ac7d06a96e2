/// What the review needs from a classifier, so the session and its tests
/// need neither the engine nor a terminal.
public protocol Classifying: Sendable {
    /// Class names in the order of `ModelOpinion.probabilities`.
    var labels: [String] { get }
    /// Identity of the model, written to the journal with each decision.
    var modelIdentity: String { get }
    func classify(path: String) -> ModelOpinion
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
