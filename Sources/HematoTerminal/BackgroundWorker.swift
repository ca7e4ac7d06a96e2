import Foundation
import Synchronization

/// A thread that works through a wish list the review loop keeps up to date,
/// most urgent first, and hands results back. The screen never waits on it.
/// Used twice: classifying ahead of the reviewer, and painting pictures ahead.
final class BackgroundWorker<Job: Hashable & Sendable, Output: Sendable>: Sendable {
    private struct Shared {
        var wanted: [Job] = []
        var done: Set<Job> = []
        var results: [(Job, Output)] = []
        var stopping = false
        var failure: String?
    }

    /// What the thread does next. (An optional of an optional read "stop" where it meant "nothing yet".)
    private enum Next { case job(Job), idle, stop }

    private let shared = Mutex(Shared())
    private let wake = DispatchSemaphore(value: 0)

    /// `setup` runs once on the worker thread (loading a model takes a moment);
    /// `work` then runs there for each job.
    init<State>(name: String, setup: @escaping @Sendable () throws -> State,
                work: @escaping @Sendable (State, Job) -> Output) {
        let thread = Thread { [self] in
            let state: State
            do {
                state = try setup()
            } catch {
                self.shared.withLock { $0.failure = "\(error)" }
                return
            }
            while true {
                let next: Next = self.shared.withLock { s in
                    if s.stopping { return .stop }
                    return s.wanted.first { !s.done.contains($0) }.map(Next.job) ?? .idle
                }
                let job: Job
                switch next {
                case .stop: return
                case .idle:
                    _ = self.wake.wait(timeout: .now() + .milliseconds(200))
                    continue
                case .job(let j): job = j
                }
                let output = work(state, job)
                self.shared.withLock { s in
                    s.done.insert(job)
                    s.results.append((job, output))
                }
            }
        }
        thread.name = name
        thread.start()
    }

    /// The jobs to do next, most urgent first (replaces the previous wish list).
    func want(_ jobs: [Job]) {
        shared.withLock { $0.wanted = jobs }
        wake.signal()
    }

    /// Forget that a job was done, so it can be asked for again (a cache evicted it).
    func forget(_ job: Job) { _ = shared.withLock { $0.done.remove(job) } }

    func takeResults() -> [(Job, Output)] {
        shared.withLock { s in
            defer { s.results.removeAll() }
            return s.results
        }
    }

    var failure: String? { shared.withLock { $0.failure } }

    func stop() {
        shared.withLock { $0.stopping = true }
        wake.signal()
    }
}
