/// Classifies the whole folder in the background, in name order, after what
/// the reviewer is looking at. Its cursor only moves forward over images that
/// already have an opinion, so a folder of 100,000 costs O(n) in all.
public struct ClassificationSweep: Sendable {
    private var cursor = 0

    public init() {}

    /// The next jobs: the session's near priorities, then unclassified images from the cursor on.
    public mutating func next(_ session: ReviewSession, limit: Int = 8) -> [Int] {
        var jobs = session.classificationPriority(limit: max(1, limit / 2))
        while cursor < session.names.count && session.opinions[cursor] != nil { cursor += 1 }
        var i = cursor
        while jobs.count < limit && i < session.names.count {
            if session.opinions[i] == nil && !jobs.contains(i) { jobs.append(i) }
            i += 1
        }
        return jobs
    }
}
