import HematoAdapt
import HematoReview

/// Learning the reviewer's lab during a review: each classified image's feature goes through the
/// lab's head (and is kept), the head is refitted on the decisions off the key-handling thread
/// (only the newest request counts), and the folder's shift score is measured once enough
/// features are in. What it learns reaches the session as actions.
final class LabLearning {
    private(set) var learner: LabLearner
    private let requests = RefitRequests()
    private let worker: BackgroundWorker<Int, RefitOutcome>
    private var generation = 0
    /// How many images' features the last request had (its reference grows with them).
    private var featuresAtLastRequest = 0
    /// A decided image's feature arrived since the last look (a reopened folder).
    private var taught = false
    private var shiftSaid = false

    init(_ learner: LabLearner) {
        self.learner = learner
        let requests = requests
        worker = BackgroundWorker(name: "refit", setup: {}) { _, generation in
            guard let request = requests.take(generation) else { return RefitOutcome(adaptation: nil, probabilities: [:]) }
            let next = request.current.refit(request.examples, reference: request.reference)
            return RefitOutcome(adaptation: next, probabilities: request.features.mapValues { next.probabilities($0) })
        }
    }

    deinit { worker.stop() }

    /// The classifier's answer on image `index`, through the lab's head when it came with a feature.
    func opinion(_ observation: Observation, index: Int, decided: Bool) -> ModelOpinion {
        guard let feature = observation.feature, case .predicted(_, let hash) = observation.opinion else { return observation.opinion }
        taught = taught || decided
        return .predicted(probabilities: learner.observe(index: index, feature: feature, stain: observation.stain, decided: decided),
                          imageHash: hash)
    }

    /// A decided image's feature is what the head is fitted on: kept for good.
    func keep(_ index: Int) { learner.keep(index) }

    /// Refits when the features that arrived call for it: a reviewed image's (a reopened folder), or
    /// twice the images the refit keeps the prior's answers on since it ran (decisions made as the
    /// folder opened).
    func refitIfDue(_ session: ReviewSession) {
        let decided = learner.adaptation.decisions
        let referenceGrew = decided > 0 && learner.adaptation.usesReference(decisions: decided)
            && learner.features.count >= 2 * max(1, featuresAtLastRequest)
        if taught || referenceGrew { refit(session) }
        taught = false
    }

    /// Hands the refit worker the decisions as they are now; a newer request supersedes an older one.
    func refit(_ session: ReviewSession) {
        generation += 1
        featuresAtLastRequest = learner.features.count
        let examples = learner.examples(for: session)
        // Sorting and copying the folder's features is the loop's work: only while a fit uses them.
        let reference = learner.adaptation.usesReference(decisions: examples.count) ? learner.reference(for: session) : nil
        requests.put(generation, RefitRequest(examples: examples, reference: reference, current: learner.adaptation,
                                              features: learner.features))
        worker.want([generation])
    }

    /// The newest request's fit, once it is done (older ones are dropped): adopted, and every kept
    /// feature predicted again, as the action that tells the session.
    func takeNewest(trust: ReviewSession.Trust) -> [ReviewAction] {
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

    /// The folder's look (shift and stain), the first time both can be measured, or once the folder
    /// has no picture left to classify (`seenAll`).
    func folderLooked(seenAll: Bool) -> ReviewAction? {
        guard !shiftSaid, let look = learner.look(seenAll: seenAll) else { return nil }
        shiftSaid = true
        return .folderLooked(look)
    }
}
