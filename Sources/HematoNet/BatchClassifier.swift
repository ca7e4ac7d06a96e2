import Foundation
import HematoAdapt
import HematoImage
import Synchronization

/// Classifies many files with a few workers, each with its own engine.
/// Per-worker pipelines (decode → preprocess → infer) keep both cores busy
/// without any hand-off between threads.
public struct BatchClassifier: Sendable {
    public enum Outcome: Sendable {
        /// `feature` is the pooled feature when it was asked for (5 KB an image).
        case classified(probabilities: [Float], feature: [Float]?)
        case failed(reason: String)
    }

    public let model: ModelFile
    public let workers: Int
    /// A lab's head to predict with instead of the model's own.
    public let head: LinearHead?
    public let keepFeatures: Bool

    public init(model: ModelFile, workers: Int, head: LinearHead? = nil, keepFeatures: Bool = false) {
        self.model = model
        self.workers = max(1, workers)
        self.head = head
        self.keepFeatures = keepFeatures
    }

    /// Returns one outcome per path, in order. `progress(done)` is called from worker threads.
    public func run(_ paths: [String], progress: @Sendable (Int) -> Void = { _ in }) throws(EngineError) -> [Outcome] {
        let state = Mutex(State(outcomes: [Outcome?](repeating: nil, count: paths.count)))
        let startup = Mutex<EngineError?>(nil)
        let model = self.model, head = self.head, keepFeatures = self.keepFeatures
        DispatchQueue.concurrentPerform(iterations: min(workers, max(1, paths.count))) { _ in
            let classifier: Classifier
            do throws(EngineError) {
                classifier = try Classifier(model: model, threads: 1)
            } catch {
                startup.withLock { $0 = error }
                return
            }
            while let i = state.withLock({ $0.take() }), i < paths.count {
                let outcome: Outcome
                do {
                    let image = try ImageDecoding.load(paths[i], covering: model.preprocessing.decodeCovering)
                    let prediction = try classifier.classify(image)
                    outcome = .classified(probabilities: head?.probabilities(prediction.pooled) ?? prediction.probabilities,
                                          feature: keepFeatures ? prediction.pooled : nil)
                } catch {  // ImageError and EngineError both describe themselves
                    outcome = .failed(reason: "\(error)")
                }
                let done = state.withLock { s -> Int in
                    s.outcomes[i] = outcome
                    s.done += 1
                    return s.done
                }
                progress(done)
            }
        }
        if let error = startup.withLock({ $0 }) { throw error }
        return state.withLock { $0.outcomes.map { $0 ?? .failed(reason: "not processed") } }
    }

    private struct State: ~Copyable {
        var outcomes: [Outcome?]
        var next = 0
        var done = 0
        mutating func take() -> Int? {
            defer { next += 1 }
            return next < outcomes.count ? next : nil
        }
    }
}
