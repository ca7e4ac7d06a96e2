import Foundation
import Synchronization

/// SIGINT, SIGTERM and SIGHUP (an SSH connection dropping) only set a flag;
/// the review loop sees it within 15 ms, restores the terminal and exits.
/// Nothing needs saving at that point: every decision is on disk already.
enum Signals {
    static let received = Atomic<Int32>(0)
    /// SIGWINCH: the terminal's size changed. A flag of ours rather than curses' KEY_RESIZE, which
    /// arrives among the keys (TerminalInput reads those, not curses).
    static let windowChanged = Atomic<Bool>(false)

    static func install() {
        for s in [SIGINT, SIGTERM, SIGHUP] {
            signal(s) { number in Signals.received.store(number, ordering: .relaxed) }
        }
        signal(SIGWINCH) { _ in Signals.windowChanged.store(true, ordering: .relaxed) }
        // Writing to a terminal that has gone away must not kill us before we clean up.
        signal(SIGPIPE, SIG_IGN)
    }

    static func takeWindowChange() -> Bool { windowChanged.exchange(false, ordering: .relaxed) }

    static var pending: Int32? {
        let n = received.load(ordering: .relaxed)
        return n == 0 ? nil : n
    }
}
