/// What the journal says each image's labels.csv row has been, as much as telling two things
/// apart needs: a row that lacks the journal's last decision (a save that did not finish, or an
/// older copy of the file put back), and a row another program changed after it (an edit in a
/// spreadsheet while the folder was closed, or during the review).
///
/// A save that did not finish leaves every row as it was before some decisions: with a value the
/// image had earlier in the journal (or before its first entry, which `JournalEntry.before`
/// records). So a row holding one of those lacks the decisions after it, and they are put back;
/// no decision a reviewer saw saved is lost to a row that merely went back in time. A row holding a
/// value the journal never gave the image is another program's edit, made after the decision,
/// and it is kept (the decision stays in the journal).
public struct JournalHistory: Sendable {
    struct Image: Sendable {
        /// The row after the image's last entry (nil: no row).
        var final: [String]?
        /// Rows the image had before that entry, as far as the journal records them.
        var earlier: [[String]?] = []
        /// false when the row before the image's first entry is not recorded (a journal from
        /// before `before` existed): then any other row is taken to lack the decision.
        var complete: Bool
        /// Its last entry's place, so replays go in journal order.
        var order: Int
    }

    private var images: [String: Image] = [:]
    private var count = 0

    public init(_ entries: [JournalEntry] = []) {
        for e in entries { append(e) }
    }

    public var isEmpty: Bool { images.isEmpty }

    public mutating func append(_ e: JournalEntry) {
        defer { count += 1 }
        guard var image = images[e.image] else {
            images[e.image] = Image(final: e.labelRow, earlier: e.before.map { [$0.labelRow] } ?? [], complete: e.before != nil, order: count)
            return
        }
        if !image.earlier.contains(where: { $0 == image.final }) { image.earlier.append(image.final) }
        if let before = e.before, !image.earlier.contains(where: { $0 == before.labelRow }) { image.earlier.append(before.labelRow) }
        image.final = e.labelRow
        image.order = count
        images[e.image] = image
    }

    /// The row the journal's last decision gave `image`, if the journal mentions it.
    public func final(_ image: String) -> [String]?? { images[image].map { $0.final } }

    /// labels.csv brought together with the journal.
    public struct Reconciled: Sendable {
        public var labels: LabelsFile
        /// Images whose journal decision the file lacked: now in `labels`.
        public var missing: [String] = []
        /// Images whose row another program changed after the journal's last decision: kept as the file has them.
        public var changedOutside: [String] = []
    }

    /// `file` with every decision it lacks put in, and every row another program changed kept.
    /// `exists` false: there is no file at all (removed); every decision is put back in a new one.
    public func reconcile(_ file: LabelsFile, exists: Bool = true) -> Reconciled {
        var result = Reconciled(labels: file)
        for (key, image) in images.sorted(by: { $0.value.order < $1.value.order }) {
            let row = file.categories(forImage: key)
            guard row != image.final else { continue }
            if !exists || !image.complete || image.earlier.contains(where: { $0 == row }) {
                if let final = image.final { result.labels.setCategories(final, forImage: key) } else { result.labels.removeRow(forImage: key) }
                result.missing.append(key)
            } else {
                result.changedOutside.append(key)
            }
        }
        return result
    }
}
