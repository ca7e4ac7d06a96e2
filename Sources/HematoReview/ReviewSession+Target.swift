/// The slide's target count: a differential is counted to a number of cells (100 or 200 as a
/// rule), and the reviewer is told when it is reached.
extension ReviewSession {
    /// Whether the cells counted so far reach the target (false without one).
    public var targetReached: Bool { target.map { differential.cells >= $0 } ?? false }

    /// "73 of 100 cells", else "73 cells".
    public var cellCountText: String {
        let cells = differential.cells
        guard let target else { return cells == 1 ? "1 cell" : "\(cells) cells" }
        return "\(cells) of \(target) cells" + (cells >= target ? " · target reached" : "")
    }

    /// Said on the decision that brings the count to the target (not on every one after it).
    mutating func noteTarget(cellsBefore: Int) {
        guard let target, cellsBefore < target, differential.cells >= target else { return }
        let last = message.map { " " + $0 } ?? ""
        message = "Target reached: \(differential.cells) of \(target) cells.\(last)"
    }
}
