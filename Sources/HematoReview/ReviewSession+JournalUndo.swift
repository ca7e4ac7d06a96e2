/// Undo across sittings: the session's undo stack is seeded from the journal, so `u` after
/// reopening a folder takes back earlier sittings' decisions, newest first (and is journaled
/// like any undo). Each decision pushes (image, label before it); each journaled undo pops.
///
/// What is recoverable: the label before any entry but an image's first is the label the
/// previous entry left. The label before an image's first entry is what labels.csv held then;
/// journals written since `before` exists record it (`JournalEntry.before`), so it comes back
/// exactly. An older journal does not say, and labels.csv has been rewritten since, so that
/// step (and every older one) is refused with a message rather than guessed.
extension ReviewSession {
    /// What undo needs of one journal entry: kept for the whole sitting, so not the probabilities.
    public struct JournalStep: Equatable, Sendable {
        public let image: String
        public let action: JournalEntry.Action
        public let labelRow: [String]?
        public let before: JournalEntry.Before?
        /// The decision against the model's top class recorded with it, for the trust line (nil: not a
        /// single-class decision with a prediction, or an undo).
        public let call: Trust.Call?

        public init(_ e: JournalEntry) {
            image = e.image
            action = e.action
            labelRow = e.labelRow
            before = e.before
            call = ReviewSession.call(recordedIn: e)
        }
    }

    public mutating func seedUndo(fromJournal entries: [JournalEntry]) { seedUndo(fromJournal: entries.map(JournalStep.init)) }

    public mutating func seedUndo(fromJournal entries: [JournalStep]) {
        var index: [String: Int] = [:]
        for (i, key) in keys.enumerated() where index[key] == nil { index[key] = i }
        var after: [String: [String]?] = [:]  // each image's labels.csv row after the entries so far (nil: no row)
        var stack: [Undo] = []
        for e in entries {
            defer { after[e.image] = .some(e.labelRow) }
            if e.action == .undo {
                _ = stack.popLast()
                continue
            }
            let i = index[e.image] ?? -1
            if let before = e.before {
                stack.append(Undo(index: i, previous: before.labelRow.map { Label(categories: $0, source: fileSource($0, image: e.image)) }))
            } else if let row = after[e.image] {
                stack.append(Undo(index: i, previous: row.map { Label(categories: $0, source: .person) }))
            } else {
                stack.append(Undo(index: i, previous: nil, known: false))
            }
        }
        for undo in stack { pushUndo(undo) }
    }

    /// For the journal, asked of the session the decision was made in (before it is adopted): the
    /// label it replaces, when the journal could not tell later (no earlier entry by a person).
    public func labelBefore(_ d: Decision) -> JournalEntry.Before? {
        guard d.action != .undo, labels[d.index]?.source != .person else { return nil }
        return JournalEntry.Before(row: labels[d.index]?.categories)
    }

    /// Blind when the model's answer was hidden as the reviewer decided (an undo never is: its image was decided).
    public func mode(of d: Decision) -> JournalEntry.Mode {
        hidesPrediction(d.index) && d.action != .undo ? .blind : .open
    }

    func unrecoverableUndoMessage(_ undo: Undo) -> String {
        guard names.indices.contains(undo.index) else {
            return "The next undo is for an image no longer in this folder; nothing older can be undone here."
        }
        return "Cannot undo \(DisplayName.escaped(names[undo.index])) further: its label before this journal began is not recorded."
    }
}
