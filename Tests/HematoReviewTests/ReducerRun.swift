@testable import HematoReview

extension ReviewSession {
    /// Applies actions in turn, collecting the decisions the app would put on disk.
    func run(_ actions: [ReviewAction]) -> (ReviewSession, [Decision]) {
        var s = self
        var decisions: [Decision] = []
        for a in actions {
            let (next, d) = s.reduce(a)
            s = next
            if let d { decisions.append(d) }
        }
        return (s, decisions)
    }

    /// Applies actions as the app does: the slide's reducer first (flags, sign-off), then the session's;
    /// returns the slide changes and the decisions apart.
    func slideRun(_ actions: [ReviewAction]) -> (ReviewSession, [ReviewSession.SlideChange], [Decision]) {
        var s = self, changes: [ReviewSession.SlideChange] = [], decisions: [Decision] = []
        for a in actions {
            if let (next, change) = s.reduceSlide(a) {
                s = next
                if let change { changes.append(change) }
            } else {
                let (next, d) = s.reduce(a)
                s = next
                if let d { decisions.append(d) }
            }
        }
        return (s, changes, decisions)
    }
}
