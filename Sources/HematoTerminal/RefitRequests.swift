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

