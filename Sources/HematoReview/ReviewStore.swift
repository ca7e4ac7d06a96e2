import Foundation
import HematoFiles

/// Where a review's results live and how each decision reaches the disk.
///
/// The journal is the commit: a decision is made once its line is fsynced. labels.csv is
/// brought up to date from the decisions (atomically, through links, keeping its mode): at
/// once while it is small, in batches when it is large (every 50 decisions, or at the first
/// decision 2 s after one not yet written: rewriting a 20 MB file per key is what made keys
/// slow), always on `flush()`, and on open any decisions it lacks (a kill
/// between the two writes) are replayed into it before the review starts.
///
/// Another program may change labels.csv too (a spreadsheet, a script): before each decision
/// and each write the file's identity (inode, size, time) is compared with what this store last
/// read or wrote; a changed file is read again, its changes are kept, the decisions it lacks are
/// put back in (`JournalHistory`), and the reviewer is told (`takeOutsideChange`).
/// Holding a `ReviewStore` means holding the folder's lock.
public final class ReviewStore {
    public let labelsPath: String
    public let journalPath: String
    public private(set) var labels: LabelsFile
    /// Images whose label a person set (from the journal), so the screen can say who labelled what.
    public private(set) var decidedByPerson: Set<String>
    /// The labels classify or merge wrote (the record beside labels.csv), so review counts them apart.
    public private(set) var preLabels = PreLabels()
    private var personDecisions: PersonDecisions
    /// The image of the journal's last entry: where the reviewer stopped.
    public private(set) var lastImage: String?
    /// What opening found that the reviewer should hear (a torn journal line skipped, decisions replayed).
    public private(set) var notes: [String] = []
    /// The journal as it was when the folder was opened, as much as undo needs (the session's undo stack is seeded from it).
    public private(set) var journalAtOpen: [ReviewSession.JournalStep] = []
    /// Decisions recorded since opening.
    public private(set) var decisionsRecorded = 0
    /// The journal entries recorded since opening, in order (for the end-of-session summary).
    public private(set) var recorded: [JournalEntry] = []
    /// When the folder was opened (the clock for the first decision's time).
    public let openedAt = Date()
    /// Whether labels.csv was written since opening.
    public private(set) var wroteLabels = false
    private let journal: Journal
    private let lock: LockFile
    /// Decisions in the journal and in `labels` but not yet in labels.csv.
    private var unwritten = 0
    /// When the oldest decision not yet in labels.csv was made.
    private var oldestUnwritten: UInt64?
    private var labelsBytes = 0
    /// Each image's rows as the journal tells them, for putting back what labels.csv lacks.
    private var history: JournalHistory
    /// labels.csv as this store last read or wrote it (nil: there was none), and its bytes' hash.
    private var disk: (identity: FileIdentity, hash: UInt64)?
    /// Images whose row another program changed after their last decision, kept as it set them:
    /// the next decision on one records that row as the label it replaces.
    private var rowsFromOutside: Set<String> = []
    /// Found by the last look at the file and not yet taken by the app: what to say, and the images whose rows changed.
    private var pendingOutsideChange: (message: String, images: Set<String>)?

    /// labels.csv changed by another program while the review was open, as the review must adopt it.
    public struct OutsideChange: Equatable, Sendable {
        /// What to tell the reviewer.
        public var message: String
        /// Each image whose row is now other than the review had it: its row (nil: none).
        public var rows: [String: [String]?]
    }

    /// labels.csv up to this size is rewritten at every decision; a larger one in batches.
    static let immediateLimit = 1 << 20
    static let batchDecisions = 50
    static let batchNanoseconds: UInt64 = 2_000_000_000

    /// `labelsPath` is `FOLDER/labels.csv` unless the reviewer chose another file (--output).
    public convenience init(labelsPath: String, reviewer: String) throws(ReviewStoreError) {
        try self.init(labelsPath: labelsPath, reviewer: reviewer, journalWrite: nil)
    }

    /// `journalWrite` replaces the journal's write system call (tests fill the disk with it).
    init(labelsPath: String, reviewer: String, journalWrite: AppendOnlyFile.Write?) throws(ReviewStoreError) {
        self.labelsPath = labelsPath
        journalPath = Self.journalPath(forLabels: labelsPath)
        lock = try LabelsLock.take(labelsPath, holder: LabelsLock.holder(reviewer))
        do {
            // labels.csv may be a link (to a shared dataset's file): it is followed, and must end in a regular file.
            let read = try RegularFile.contentsAndIdentity(labelsPath, followLinks: true)
            labels = try read.map { read throws(LabelsFileError) in try LabelsFile(bytes: read.bytes, name: DisplayName.escaped(labelsPath)) } ?? LabelsFile()
            labelsBytes = read?.bytes.count ?? 0
            disk = read.map { ($0.identity, ContentHash.fnv1a64($0.bytes)) }
        } catch let e as FileError {
            throw .unreadableLabels(e)
        } catch {
            throw .labels(error as! LabelsFileError)
        }
        let contents: Journal.Contents
        do { contents = try Journal.contents(path: journalPath) } catch { throw .journal(error) }
        notes = contents.notes + (labels.duplicatesNote(name: labelsPath).map { [$0] } ?? [])
        history = JournalHistory(contents.entries)
        let reconciled = history.reconcile(labels, exists: disk != nil)
        rowsFromOutside = Set(reconciled.changedOutside)
        personDecisions = PersonDecisions(contents.entries)
        // A row another program set after the decision is that program's label, not the reviewer's.
        decidedByPerson = personDecisions.images.subtracting(rowsFromOutside)
        lastImage = contents.entries.last?.image
        journalAtOpen = contents.entries.map(ReviewSession.JournalStep.init)
        // The journal holds labels, names and probabilities: it is no more readable than labels.csv.
        journal = Journal(path: journalPath, mode: FilePermissions.forData(beside: labelsPath), write: journalWrite)
        if let note = Self.changedOutsideNote(reconciled.changedOutside, labelsPath: labelsPath, during: false) { notes.append(note) }
        replay(reconciled)
        loadPreLabels()
    }

    /// The journal beside a label file: `X.csv` → `X.journal.jsonl`.
    public static func journalPath(forLabels labelsPath: String) -> String {
        (labelsPath.hasSuffix(".csv") ? String(labelsPath.dropLast(4)) : labelsPath) + ".journal.jsonl"
    }

    /// Puts the journal's decisions that labels.csv lacks into it (`JournalHistory.reconcile`):
    /// for each image the journal mentions, its last entry is the truth unless another program
    /// changed the row after it; rows it never mentions stay byte for byte.
    private func replay(_ reconciled: JournalHistory.Reconciled) {
        let missing = reconciled.missing.count
        guard missing > 0 else { return }
        labels = reconciled.labels
        unwritten = missing
        do {
            try writeLabels()
            notes.append("\(missing) decision(s) from the journal were missing from \(DisplayName.escaped(labelsPath)) (an interrupted save, " +
                         "or an older copy of the file put back) and are now in it.")
        } catch {
            notes.append("\(missing) decision(s) from the journal are not yet in \(DisplayName.escaped(labelsPath)): \(error.reason)")
        }
    }

    func addNote(_ note: String) { notes.append(note) }
    func setPreLabels(_ found: PreLabels) { preLabels = found }

    /// A sentence for rows another program changed after their last decision; nil for none.
    static func changedOutsideNote(_ images: [String], labelsPath: String, during: Bool) -> String? {
        guard let first = images.first else { return nil }
        let more = images.count > 1 ? " and \(images.count - 1) more" : ""
        return "\(DisplayName.escaped(labelsPath)) was changed by another program\(during ? " during the review" : "") after your decision on " +
            "image \(DisplayName.escaped(first))\(more): its label is kept (your decision stays in the journal)."
    }

    /// What another program changed in labels.csv since the last look, once; the app adopts the rows and shows
    /// the message. Rows that now hold the journal's decision (put back, or decided since) are the review's already.
    public func takeOutsideChange() -> OutsideChange? {
        guard let pending = pendingOutsideChange else { return nil }
        pendingOutsideChange = nil
        var rows: [String: [String]?] = [:]
        for image in pending.images {
            let row = labels.categories(forImage: image)
            if let final = history.final(image), final == row { continue }
            rows[image] = row
        }
        return OutsideChange(message: pending.message, rows: rows)
    }

    /// Reads labels.csv again if another program changed it since this store last read or wrote
    /// it, and brings it together with the journal: its changes kept, the decisions it lacks put
    /// back. Throws (leaving everything as it was) when the changed file cannot be read or parsed,
    /// so that it is never overwritten.
    private func adoptOutsideChanges() throws(SaveError) {
        let now = FileIdentity.of(labelsPath)
        guard now != disk?.identity else { return }
        let bytes: [UInt8]
        let identity: FileIdentity?
        do {
            let read = try RegularFile.contentsAndIdentity(labelsPath, followLinks: true)
            bytes = read?.bytes ?? []
            identity = read?.identity
        } catch {
            throw .file(error)
        }
        let hash = ContentHash.fnv1a64(bytes)
        if let identity, let disk, hash == disk.hash {  // the same bytes (touched, or copied back): nothing changed
            self.disk = (identity, hash)
            return
        }
        let file: LabelsFile
        do { file = identity == nil ? LabelsFile() : try LabelsFile(bytes: bytes, name: DisplayName.escaped(labelsPath)) } catch {
            throw .changedUnreadable("it was changed by another program and cannot be read now (\(error.description)); " +
                                     "it is left as it is until it can")
        }
        let reconciled = history.reconcile(file, exists: identity != nil)
        var changed = pendingOutsideChange?.images ?? []
        for row in labels.rows where reconciled.labels.categories(forImage: row.image) != row.categories { changed.insert(row.image) }
        for row in reconciled.labels.rows where !labels.hasRow(forImage: row.image) { changed.insert(row.image) }
        labels = reconciled.labels
        disk = identity.map { ($0, hash) }
        labelsBytes = bytes.count
        unwritten = max(unwritten, reconciled.missing.count)
        if oldestUnwritten == nil, unwritten > 0 { oldestUnwritten = DispatchTime.now().uptimeNanoseconds }
        rowsFromOutside.formUnion(reconciled.changedOutside)
        decidedByPerson = personDecisions.images.subtracting(rowsFromOutside)
        var message = "\(DisplayName.escaped(labelsPath)) was " + (identity == nil ? "removed" : "changed") + " by another program during the review; "
            + (identity == nil ? "it is written again from the journal" : "its changes are kept, and your decisions are added to it")
        if let note = Self.changedOutsideNote(reconciled.changedOutside, labelsPath: labelsPath, during: true) { message += ". " + note }
        pendingOutsideChange = (message, changed)
    }

    /// Puts one decision on disk: it is made once its journal line is fsynced (or throws
    /// `.notSaved` and nothing changed). labels.csv follows at once or in a batch; if that
    /// write fails the decision is still made, and the returned warning says so.
    @discardableResult
    public func record(_ entry: JournalEntry) throws(ReviewStoreError) -> String? {
        var entry = entry
        // First see whether another program changed the file, so this decision is made on its rows.
        let lookFailed: SaveError?
        do { try adoptOutsideChanges(); lookFailed = nil } catch { lookFailed = error }
        if rowsFromOutside.contains(entry.image), entry.before == nil {
            // The row it replaces came from outside the journal: recorded, so a reopen tells it from a lost save.
            entry.before = JournalEntry.Before(row: labels.categories(forImage: entry.image))
        }
        do { try journal.append(entry) } catch { throw .notSaved(error) }
        rowsFromOutside.remove(entry.image)
        history.append(entry)
        apply(entry)
        personDecisions.apply(entry)
        decidedByPerson = personDecisions.images.subtracting(rowsFromOutside)
        lastImage = entry.image
        decisionsRecorded += 1
        recorded.append(entry)
        unwritten += 1
        let now = DispatchTime.now().uptimeNanoseconds
        if oldestUnwritten == nil { oldestUnwritten = now }
        let due = labelsBytes <= Self.immediateLimit || unwritten >= Self.batchDecisions
            || now - oldestUnwritten! >= Self.batchNanoseconds
        if let lookFailed { return Self.notUpdatedWarning(labelsPath, lookFailed) }
        guard due else { return nil }
        do { try writeLabels() } catch {
            return Self.notUpdatedWarning(labelsPath, error)
        }
        return nil
    }

    static func notUpdatedWarning(_ labelsPath: String, _ error: SaveError) -> String {
        "saved in the journal; \(DisplayName.escaped(labelsPath)) not updated yet (\(error.reason)); it will be."
    }

    private func apply(_ entry: JournalEntry) {
        if let row = entry.labelRow { labels.setCategories(row, forImage: entry.image) } else { labels.removeRow(forImage: entry.image) }
    }

    /// Why labels.csv could not be brought up to date (every decision is in the journal regardless).
    public enum SaveError: Error, Equatable, CustomStringConvertible {
        case file(FileError)
        /// Another program changed it into something that cannot be read as labels.csv: it is not overwritten.
        case changedUnreadable(String)

        public var reason: String {
            switch self {
            case .file(let e): return e.reason
            case .changedUnreadable(let why): return why
            }
        }

        public var description: String { reason }
    }

    /// Puts a line that decides nothing in the journal (a calibration skipped, `A`'s question and answer).
    public func note(_ event: JournalEvent) throws(ReviewStoreError) {
        do { try journal.append(event) } catch { throw .notSaved(error) }
    }

    /// Brings labels.csv up to date with every recorded decision.
    public func flush() throws(SaveError) {
        if unwritten > 0 { try writeLabels() }
    }

    /// The end of a review that was not killed: labels.csv brought up to date, and the lock
    /// file removed (while still held, so a reviewer who opened it meanwhile is still refused).
    public func close() throws(SaveError) {
        defer { lock.remove() }
        try flush()
    }

    private func writeLabels() throws(SaveError) {
        try adoptOutsideChanges()
        let bytes = labels.serialized()
        let identity: FileIdentity
        do { identity = try AtomicReplace.write(bytes, to: labelsPath) } catch { throw .file(error) }
        disk = (identity, ContentHash.fnv1a64(bytes))
        labelsBytes = bytes.count
        unwritten = 0
        oldestUnwritten = nil
        wroteLabels = true
    }

    public static func timestamp(_ date: Date = Date()) -> String {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return f.string(from: date)
    }
}
