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
}
