import Foundation
import HematoAdapt
import HematoImage
import Synchronization

/// Classifies many files with a few workers, each with its own engine.
/// Per-worker pipelines (decode → preprocess → infer) keep both cores busy
/// without any hand-off between threads.
public struct BatchClassifier: Sendable {
    public enum Outcome: Sendable {
        /// `probabilities` and `feature` are the first cell's (the largest nucleus), or the whole
        /// picture's; `feature` only when it was asked for (5 KB an image). `cells` lists every cell
        /// the model's view found, empty when it classified the whole picture. `stain` is the
        /// picture's nucleus colour over its background colour (the stain check), when the view found a nucleus mask.
        case classified(probabilities: [Float], feature: [Float]?, cells: [FoundCell], stain: [Float]?)
        case failed(reason: String)
    }

    public let model: ModelFile
    public let workers: Int
    /// A lab's head to predict with instead of the model's own.
    public let head: LinearHead?
    public let keepFeatures: Bool
    public let precision: Precision

    public init(model: ModelFile, workers: Int, head: LinearHead? = nil, keepFeatures: Bool = false, precision: Precision = .fp32) {
        self.model = model
        self.precision = precision
        self.workers = max(1, workers)
        self.head = head
        self.keepFeatures = keepFeatures
    }

    /// Returns one outcome per path, in order. `progress(done)` is called from worker threads.
    public func run(_ paths: [String], progress: @Sendable (Int) -> Void = { _ in }) throws(EngineError) -> [Outcome] {
        let state = Mutex(State(outcomes: [Outcome?](repeating: nil, count: paths.count)))
        let startup = Mutex<EngineError?>(nil)
        let model = self.model, head = self.head, keepFeatures = self.keepFeatures, precision = self.precision
        DispatchQueue.concurrentPerform(iterations: min(workers, max(1, paths.count))) { _ in
            let classifier: Classifier
            do throws(EngineError) {
                classifier = try Classifier(model: model, threads: 1, precision: precision)
            } catch {
                startup.withLock { $0 = error }
                return
            }
            while let i = state.withLock({ $0.take() }), i < paths.count {
                let outcome: Outcome
                do {
                    let image = try ImageDecoding.load(paths[i], covering: model.decodeCovering)
                    let (found, stain) = try classifier.classifyPicture(image)
                    let cells = found.compactMap { c in
                        c.cell.map { FoundCell(cell: $0, probabilities: head?.probabilities(c.prediction.pooled) ?? c.prediction.probabilities) }
                    }
                    let first = found[0].prediction
                    outcome = .classified(probabilities: head?.probabilities(first.pooled) ?? first.probabilities,
                                          feature: keepFeatures ? first.pooled : nil, cells: cells, stain: stain)
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

    /// A white cell found in a picture: where, and the class probabilities.
    public struct FoundCell: Sendable {
        public let cell: NucleusFinder.Cell
        public let probabilities: [Float]

        /// A cell past the first counts in a multi-cell label only when the model is at least this sure of it.
        public static let confident: Float = 0.9

        /// The classes of a picture's cells for labels.csv: the first cell's always, then each further
        /// cell's when the model is confident of it ("NEUTROPHIL, LYMPHOCYTE", the dataset's form).
        public static func categories(_ cells: [FoundCell], labels: [String]) -> [String] {
            var out: [String] = []
            for (n, c) in cells.enumerated() {
                guard let top = c.probabilities.indices.max(by: { c.probabilities[$0] < c.probabilities[$1] }) else { continue }
                if n == 0 || c.probabilities[top] >= confident { out.append(labels[top]) }
            }
            return out
        }
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
