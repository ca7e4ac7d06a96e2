import Foundation
import Synchronization

/// SIGINT, SIGTERM and SIGHUP (an SSH connection dropping) only set a flag;
/// the review loop sees it within 15 ms, restores the terminal and exits.
/// Nothing needs saving at that point: every decision is on disk already.
enum Signals {
    static let received = Atomic<Int32>(0)

    static func install() {
        for s in [SIGINT, SIGTERM, SIGHUP] {
            signal(s) { number in Signals.received.store(number, ordering: .relaxed) }
        }
        // Writing to a terminal that has gone away must not kill us before we clean up.
        signal(SIGPIPE, SIG_IGN)
    }

    static var pending: Int32? {
        let n = received.load(ordering: .relaxed)
        return n == 0 ? nil : n
    }
}
