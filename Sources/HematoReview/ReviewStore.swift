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
/// Holding a `ReviewStore` means holding the folder's lock.
public final class ReviewStore {
    public let labelsPath: String
    public let journalPath: String
    public private(set) var labels: LabelsFile
    /// Images whose label a person set (from the journal), so the screen can say who labelled what.
    public private(set) var decidedByPerson: Set<String>
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
        let folder = (labelsPath as NSString).deletingLastPathComponent.isEmpty ? "." : (labelsPath as NSString).deletingLastPathComponent
        let lockPath = folder + "/." + (labelsPath as NSString).lastPathComponent + ".lock"
        do {
            lock = try LockFile(path: lockPath, holder: "\(reviewer), pid \(getpid()) on \(ProcessInfo.processInfo.hostName), since \(Self.timestamp())")
        } catch {
            switch error {
            case .held(let holder): throw .locked(holder: holder)
            case .file(let e): throw .lockFile(folder: folder, e)
            }
        }
        do {
            // labels.csv may be a link (to a shared dataset's file): it is followed, and must end in a regular file.
            let bytes = try RegularFile.contentsIfPresent(labelsPath, followLinks: true)
            labels = try bytes.map { bytes throws(LabelsFileError) in try LabelsFile(bytes: bytes, name: DisplayName.escaped(labelsPath)) } ?? LabelsFile()
            labelsBytes = bytes?.count ?? 0
        } catch let e as FileError {
            throw .unreadableLabels(e)
        } catch {
            throw .labels(error as! LabelsFileError)
        }
        let contents: Journal.Contents
        do { contents = try Journal.contents(path: journalPath) } catch { throw .journal(error) }
        notes = contents.notes
        var person = Set<String>()
        for e in contents.entries {
            if e.labelRow == nil { person.remove(e.image) } else { person.insert(e.image) }
        }
        decidedByPerson = person
        lastImage = contents.entries.last?.image
        journalAtOpen = contents.entries.map(ReviewSession.JournalStep.init)
        journal = Journal(path: journalPath, write: journalWrite)
        replay(contents.entries)
    }

    /// The journal beside a label file: `X.csv` → `X.journal.jsonl`.
    public static func journalPath(forLabels labelsPath: String) -> String {
        (labelsPath.hasSuffix(".csv") ? String(labelsPath.dropLast(4)) : labelsPath) + ".journal.jsonl"
    }

    /// Puts the journal's decisions that labels.csv lacks into it. For each image the journal
    /// mentions, its last entry is the truth; rows it never mentions stay byte for byte.
    private func replay(_ entries: [JournalEntry]) {
        var last: [String: Int] = [:]
        for (i, e) in entries.enumerated() { last[e.image] = i }
        var missing = 0
        for i in last.values.sorted() where labels.categories(forImage: entries[i].image) != entries[i].labelRow {
            apply(entries[i])
            missing += 1
        }
        guard missing > 0 else { return }
        unwritten = missing
        do {
            try writeLabels()
            notes.append("\(missing) decision(s) from the journal were missing from \(DisplayName.escaped(labelsPath)) (an interrupted save) and are now in it.")
        } catch {
            notes.append("\(missing) decision(s) from the journal are not yet in \(DisplayName.escaped(labelsPath)): \(error.reason)")
        }
    }

    private func apply(_ entry: JournalEntry) {
        if let row = entry.labelRow { labels.setCategories(row, forImage: entry.image) } else { labels.removeRow(forImage: entry.image) }
    }

    /// Puts one decision on disk: it is made once its journal line is fsynced (or throws
    /// `.notSaved` and nothing changed). labels.csv follows at once or in a batch; if that
    /// write fails the decision is still made, and the returned warning says so.
    @discardableResult
    public func record(_ entry: JournalEntry) throws(ReviewStoreError) -> String? {
        do { try journal.append(entry) } catch { throw .notSaved(error) }
        apply(entry)
        if entry.labelRow == nil { decidedByPerson.remove(entry.image) } else { decidedByPerson.insert(entry.image) }
        lastImage = entry.image
        decisionsRecorded += 1
        recorded.append(entry)
        unwritten += 1
        let now = DispatchTime.now().uptimeNanoseconds
        if oldestUnwritten == nil { oldestUnwritten = now }
        let due = labelsBytes <= Self.immediateLimit || unwritten >= Self.batchDecisions
            || now - oldestUnwritten! >= Self.batchNanoseconds
        guard due else { return nil }
        do { try writeLabels() } catch {
            return "saved in the journal; \(DisplayName.escaped(labelsPath)) not updated yet (\(error.reason)); it will be."
        }
        return nil
    }

    /// Puts a line that decides nothing in the journal (a calibration skipped, `A`'s question and answer).
    public func note(_ event: JournalEvent) throws(ReviewStoreError) {
        do { try journal.append(event) } catch { throw .notSaved(error) }
    }

    /// Brings labels.csv up to date with every recorded decision.
    public func flush() throws(FileError) {
        if unwritten > 0 { try writeLabels() }
    }

    /// The end of a review that was not killed: labels.csv brought up to date, and the lock
    /// file removed (while still held, so a reviewer who opened it meanwhile is still refused).
    public func close() throws(FileError) {
        defer { lock.remove() }
        try flush()
    }

    private func writeLabels() throws(FileError) {
        let bytes = labels.serialized()
        try AtomicReplace.write(bytes, to: labelsPath)
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
