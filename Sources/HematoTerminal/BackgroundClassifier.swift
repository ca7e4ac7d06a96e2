import Foundation
import HematoReview
import Synchronization

/// Classifies ahead of the reviewer on its own thread: the review loop says
/// which images it wants next (current first), the worker hands back opinions.
/// The screen never waits for it.
final class BackgroundClassifier: Sendable {
    private struct Shared {
        var wanted: [Int] = []
        var done: Set<Int> = []
        var results: [(Int, ModelOpinion)] = []
        var stopping = false
        var failure: String?
    }

    private let shared = Mutex(Shared())
    private let wake = DispatchSemaphore(value: 0)

    /// `makeClassifier` runs on the worker thread (loading the model takes a moment).
    init(paths: [String], makeClassifier: @escaping @Sendable () throws -> any Classifying) {
        let thread = Thread { [self] in
            let classifier: any Classifying
            do {
                classifier = try makeClassifier()
            } catch {
                self.shared.withLock { $0.failure = "the model could not be loaded: \(error)" }
                return
            }
            while true {
                let next: Int?? = self.shared.withLock { s in
                    if s.stopping { return .some(nil) }
                    return s.wanted.first { !s.done.contains($0) }
                }
                guard let job = next else { _ = self.wake.wait(timeout: .now() + .milliseconds(200)); continue }
                guard let index = job else { return }
                let opinion = classifier.classify(path: paths[index])
                self.shared.withLock { s in
                    s.done.insert(index)
                    s.results.append((index, opinion))
                }
            }
        }
        thread.name = "classifier"
        thread.start()
    }

    /// The images to do next, most urgent first (replaces the previous wish list).
    func want(_ indexes: [Int]) {
        shared.withLock { $0.wanted = indexes }
        wake.signal()
    }

    func takeResults() -> [(Int, ModelOpinion)] {
        self.shared.withLock { s in
            defer { s.results.removeAll() }
            return s.results
        }
    }

    var failure: String? { self.shared.withLock { $0.failure } }

    func stop() {
        self.shared.withLock { $0.stopping = true }
        wake.signal()
    }
}
