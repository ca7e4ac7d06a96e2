import Foundation
import Synchronization

/// A one-line progress bar on standard error, drawn only when standard error
/// is a terminal (so logs and pipes stay clean), at most ten times a second.
public final class ProgressBar: Sendable {
    private struct State {
        var lastDraw: Double = 0
        var drawn = false
    }

    private let total: Int
    private let title: String
    private let start = Date()
    private let enabled: Bool
    private let state = Mutex(State())

    public init(total: Int, title: String, enabled: Bool = isatty(STDERR_FILENO) == 1) {
        self.total = total
        self.title = title
        self.enabled = enabled && total > 0
    }

    public func update(_ done: Int) {
        guard enabled else { return }
        let now = Date().timeIntervalSince(start)
        let line: String? = state.withLock { s in
            guard done >= total || now - s.lastDraw >= 0.1 else { return nil }
            s.lastDraw = now
            s.drawn = true
            return Self.line(title: title, done: done, total: total, elapsed: now)
        }
        if let line { FileHandle.standardError.write(Data(("\r" + line + "\u{1B}[K").utf8)) }
    }

    /// Ends the bar's line so that what follows starts on a fresh one.
    public func finish() {
        guard enabled, state.withLock({ $0.drawn }) else { return }
        FileHandle.standardError.write(Data("\n".utf8))
    }

    static func line(title: String, done: Int, total: Int, elapsed: Double, width: Int = 30) -> String {
        let fraction = total > 0 ? min(1, Double(done) / Double(total)) : 1
        let filled = Int((fraction * Double(width)).rounded(.down))
        let bar = String(repeating: "█", count: filled) + String(repeating: "░", count: width - filled)
        var text = "\(title) \(bar) \(done)/\(total) \(Int(fraction * 100))%"
        if done > 0 && done < total {
            let left = elapsed / Double(done) * Double(total - done)
            text += String(format: "  %.0f s left", left)
        } else if done >= total {
            text += String(format: "  %.1f s", elapsed)
        }
        return text
    }
}
