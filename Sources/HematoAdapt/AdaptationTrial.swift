/// A reviewer played by the ground truth, for measuring adaptation without a
/// screen (`evaluate --adapt-after N`): a seeded random sample of N images is
/// "reviewed" one at a time (the reviewer confirms the true class), the model
/// adapts after each decision exactly as it does in review, and the images
/// not reviewed are scored along the way, the same images at every point.
public struct AdaptationTrial: Sendable {
    public struct Point: Sendable {
        public let decisions: Int
        /// For `rest`, in order.
        public let probabilities: [[Float]]
    }

    public let seed: UInt64
    /// Images reviewed, in the order they were decided.
    public let reviewed: [Int]
    /// Images never reviewed: every point is scored on these.
    public let rest: [Int]
    /// After 0, 8, 16, 32, 64, … decisions, and after the last.
    public let curve: [Point]
    /// How often the model's top class matched the reviewer, each time counted before that decision.
    public let agreement: Double
    public let final: Adaptation

    public static func checkpoints(upTo n: Int) -> [Int] {
        var points = [0]
        var p = 8
        while p < n { points.append(p); p *= 2 }
        if n > 0 { points.append(n) }
        return points
    }

    public init(features: [[Float]], truth: [Int], prior: LinearHead, decisions: Int, seed: UInt64) {
        precondition(features.count == truth.count && decisions <= features.count)
        var generator = SeededRandom(seed: seed)
        let order = Array(features.indices).shuffled(using: &generator)
        reviewed = Array(order.prefix(decisions))
        rest = Array(order.dropFirst(decisions)).sorted()
        self.seed = seed
        let marks = Set(Self.checkpoints(upTo: decisions))
        var adaptation = Adaptation(prior: prior)
        var examples = ExampleSet(dimensions: prior.dimensions)
        // As in review: the folder's images no decision is about (here, those never reviewed).
        let reference = ExampleSet(features: self.rest.map { features[$0] })
        var points: [Point] = []
        var agreed = 0
        let rest = self.rest
        func score(_ n: Int) { points.append(Point(decisions: n, probabilities: rest.map { adaptation.probabilities(features[$0]) })) }
        score(0)
        for (n, i) in reviewed.enumerated() {
            let p = adaptation.probabilities(features[i])
            if p.indices.max(by: { p[$0] < p[$1] }) == truth[i] { agreed += 1 }
            examples.append(features[i], label: truth[i])
            adaptation = adaptation.refit(examples, reference: reference)
            if marks.contains(n + 1) { score(n + 1) }
        }
        curve = points
        agreement = reviewed.isEmpty ? 0 : Double(agreed) / Double(reviewed.count)
        final = adaptation
    }
}

/// SplitMix64: the same sample for the same seed on every machine and every run.
public struct SeededRandom: RandomNumberGenerator {
    private var state: UInt64
    public init(seed: UInt64) { state = seed }
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
