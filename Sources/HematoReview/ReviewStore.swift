import Foundation

/// Where a review's results live and how each decision reaches the disk:
/// the journal line is appended and fsynced, then labels.csv is rewritten
/// atomically. Holding a `ReviewStore` means holding the folder's lock.
public final class ReviewStore {
    public let labelsPath: String
    public let journalPath: String
    public private(set) var labels: LabelsFile
    /// Images whose label a person set (from the journal), so the screen can say who labelled what.
    public private(set) var decidedByPerson: Set<String>
    /// The image of the journal's last entry: where the reviewer stopped.
    public private(set) var lastImage: String?
    private let journal: Journal
    private let lock: ReviewLock

    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    /// `labelsPath` is `FOLDER/labels.csv` unless the reviewer chose another file (--output).
    public init(labelsPath: String, reviewer: String) throws {
        self.labelsPath = labelsPath
        let base = labelsPath.hasSuffix(".csv") ? String(labelsPath.dropLast(4)) : labelsPath
        journalPath = base + ".journal.jsonl"
        let folder = (labelsPath as NSString).deletingLastPathComponent
        let lockPath = (folder.isEmpty ? "." : folder) + "/." + (labelsPath as NSString).lastPathComponent + ".lock"
        do {
            lock = try ReviewLock(path: lockPath, describing: "\(reviewer), pid \(getpid()) on \(ProcessInfo.processInfo.hostName), since \(Self.timestamp())")
        } catch let failure as AtomicFile.Failure {
            throw Failure(description: "cannot write in \(DisplayName.escaped(folder.isEmpty ? "." : folder)) (\(failure.reason.components(separatedBy: ": ").last ?? failure.reason)). " +
                          "Review into a file you can write with --output PATH/labels.csv.")
        }
        if let data = FileManager.default.contents(atPath: labelsPath) {
            labels = try LabelsFile(bytes: [UInt8](data), name: DisplayName.escaped(labelsPath))
        } else if access(labelsPath, F_OK) == 0 {
            throw Failure(description: "cannot read \(DisplayName.escaped(labelsPath))")
        } else {
            labels = LabelsFile()
        }
        let entries = try Journal.read(path: journalPath)
        var person = Set<String>()
        for e in entries {
            if e.action == .undo && e.label.isEmpty { person.remove(e.image) } else { person.insert(e.image) }
        }
        decidedByPerson = person
        lastImage = entries.last?.image
        journal = try Journal(path: journalPath)
    }

    /// Puts one decision on disk: journal first (the record of intent), then the CSV.
    public func record(_ entry: JournalEntry) throws {
        var next = labels
        if entry.label.isEmpty { next.removeRow(forImage: entry.image) } else { next.setCategories(entry.label, forImage: entry.image) }
        try journal.append(entry)
        try AtomicFile.write(next.serialized(), to: labelsPath)
        labels = next
        if entry.action == .undo && entry.label.isEmpty { decidedByPerson.remove(entry.image) } else { decidedByPerson.insert(entry.image) }
        lastImage = entry.image
    }

    public static func timestamp(_ date: Date = Date()) -> String {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return f.string(from: date)
    }
}
