import HematoAdapt
import HematoReview
import Synchronization

/// What the review loop hands the refit worker, and what comes back: the reviewer's lab is
/// learned off the key-handling thread, and only the newest request counts.
struct RefitRequest: Sendable {
    let examples: ExampleSet
    /// The folder's images whose answers stay the prior's unless the decisions outweigh it; nil
    /// once no fit of the refit is anchored on them.
    let reference: ExampleSet?
    let current: Adaptation
    let features: [Int: [Float]]
}

struct RefitOutcome: Sendable {
    let adaptation: Adaptation?
    /// New probabilities for every image whose feature is kept.
    let probabilities: [Int: [Float]]
}

/// The newest refit request, waiting for the refit worker (older ones are dropped unread).
final class RefitRequests: Sendable {
    private let pending = Mutex<(Int, RefitRequest)?>(nil)
    func put(_ generation: Int, _ request: RefitRequest) { pending.withLock { $0 = (generation, request) } }
    func take(_ generation: Int) -> RefitRequest? {
        pending.withLock { p in
            guard let (g, r) = p, g == generation else { return nil }
            p = nil
            return r
        }
    }
}

/// The refit worker of the review loop: each request hands it the decisions as they are now, and
/// only the newest request's fit comes back.
final class LabRefitter {
    private let requests = RefitRequests()
    private let worker: BackgroundWorker<Int, RefitOutcome>
    private var generation = 0
    /// How many images' features the last request had (its reference grows with them).
    private(set) var featuresAtLastRequest = 0

    init() {
        let requests = requests
        worker = BackgroundWorker(name: "refit", setup: {}) { _, generation in
            guard let request = requests.take(generation) else { return RefitOutcome(adaptation: nil, probabilities: [:]) }
            let next = request.current.refit(request.examples, reference: request.reference)
            return RefitOutcome(adaptation: next, probabilities: request.features.mapValues { next.probabilities($0) })
        }
    }

    deinit { worker.stop() }

    func request(_ learner: LabLearner, _ session: ReviewSession) {
        generation += 1
        featuresAtLastRequest = learner.features.count
        let examples = learner.examples(for: session)
        // Sorting and copying the folder's features is the loop's work: only while a fit uses them.
        let reference = learner.adaptation.usesReference(decisions: examples.count) ? learner.reference(for: session) : nil
        requests.put(generation, RefitRequest(examples: examples, reference: reference, current: learner.adaptation,
                                              features: learner.features))
        worker.want([generation])
    }

    /// The newest request's fit, once it is done (older ones are dropped): adopted by `learner`, and
    /// every kept feature predicted again, as the action that tells the session.
    func takeNewest(into learner: inout LabLearner, trust: ReviewSession.Trust) -> [ReviewAction] {
        worker.takeResults().compactMap { done, outcome in
            guard done == generation, let adaptation = outcome.adaptation else { return nil }
            learner.adopt(adaptation)
            // Images classified while the refit ran were predicted with the old head.
            var updated = outcome.probabilities
            for (index, feature) in learner.features where updated[index] == nil {
                updated[index] = adaptation.probabilities(feature)
            }
            var trust = trust
            trust.adaptedTo = adaptation.decisions
            trust.keptPrior = adaptation.keptPrior
            return .repredicted(updated, trust: trust)
        }
    }
}
