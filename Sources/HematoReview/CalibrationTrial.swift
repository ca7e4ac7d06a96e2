import HematoAdapt

/// A blind calibration played by the ground truth (`evaluate --calibrate N`): the calls are drawn
/// as review draws them (a random sample of 4N images, stratified by the model's predicted class),
/// the truth is the reviewer's call, and what the reviewer would be told (the agreement, its
/// Wilson interval, whether `A` asks) is set beside what it estimates: the accuracy, on the images
/// not called, of the model that made the calls, and of the model adapted to the calls.
public struct CalibrationTrial: Sendable {
    public let seed: UInt64
    /// The images called, in the order called.
    public let calls: [Int]
    /// The images not called (sorted): both accuracies are on these.
    public let rest: [Int]
    public let agreement: ReviewSession.Trust.Tally
    public let accuracyRestBefore: Double
    public let accuracyRestAfter: Double?
    /// The same rule as review's `A` (20 calls at 90 %).
    public var acceptPageAllowed: Bool {
        agreement.calls >= ReviewSession.Trust.trustedCalls && (agreement.agreement ?? 0) >= ReviewSession.Trust.trustedAgreement
    }

    /// `adapt`: also refit the head on the calls, one at a time as review does, and score it (slower).
    public init(features: [[Float]], truth: [Int], prior: LinearHead, calls wanted: Int, seed: UInt64, adapt: Bool = true) {
        precondition(features.count == truth.count)
        self.seed = seed
        var generator = SeededRandom(seed: seed)
        let predicted = features.map { f -> Int in
            let p = prior.probabilities(f)
            return p.indices.max { p[$0] < p[$1] } ?? 0
        }
        let candidates = Array(features.indices.shuffled(using: &generator).prefix(wanted * Calibration.candidatesPerCall))
        calls = Calibration.stratifiedSample(candidates.map { (image: $0, predicted: predicted[$0]) }, count: wanted, using: &generator)
        let called = Set(calls)
        rest = features.indices.filter { !called.contains($0) }
        agreement = .init(agreed: calls.filter { predicted[$0] == truth[$0] }.count, calls: calls.count)
        let rest = self.rest
        func accuracy(_ head: (Int) -> Int) -> Double {
            rest.isEmpty ? 0 : Double(rest.filter { head($0) == truth[$0] }.count) / Double(rest.count)
        }
        accuracyRestBefore = accuracy { predicted[$0] }
        guard adapt else {
            accuracyRestAfter = nil
            return
        }
        var adaptation = Adaptation(prior: prior)
        var examples = ExampleSet(dimensions: prior.dimensions)
        let reference = ExampleSet(features: rest.map { features[$0] })
        for i in calls {
            examples.append(features[i], label: truth[i])
            adaptation = adaptation.refit(examples, reference: reference)
        }
        let final = adaptation
        accuracyRestAfter = accuracy { i in
            let p = final.probabilities(features[i])
            return p.indices.max { p[$0] < p[$1] } ?? 0
        }
    }
}
