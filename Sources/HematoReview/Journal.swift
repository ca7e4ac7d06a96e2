import Foundation

/// One line of the review journal: who decided what about which image, with
/// what the model said at the time. Append-only JSON lines beside labels.csv.
public struct JournalEntry: Codable, Equatable, Sendable {
    public enum Action: String, Codable, Sendable {
        case accept      // took the model's prediction
        case set         // chose a class
        case add         // added a class (an image with several cells)
        case undo        // put back the previous label
    }

    public var time: String
    public var reviewer: String
    public var image: String
    public var imageHash: String?
    public var model: String
    public var probabilities: [String: Float]?
    public var action: Action
    /// Categories after the action; empty means no label.
    public var label: [String]

    enum CodingKeys: String, CodingKey {
        case time, reviewer, image, imageHash = "image_hash", model, probabilities, action, label
    }

    public init(time: String, reviewer: String, image: String, imageHash: String?, model: String,
                probabilities: [String: Float]?, action: Action, label: [String]) {
        self.time = time
        self.reviewer = reviewer
        self.image = image
        self.imageHash = imageHash
        self.model = model
        self.probabilities = probabilities
        self.action = action
        self.label = label
    }
}

/// The journal file. Each append is written and fsynced before it returns,
/// so a decision shown as made survives `kill -9` and a power cut.
public final class Journal {
    public let path: String
    private let fd: Int32

    public struct Failure: Error, CustomStringConvertible, Equatable {
        public let path: String
        public let reason: String
        public var description: String { "journal \(DisplayName.escaped(path)): \(reason)" }
    }

    public init(path: String) throws(Failure) {
        self.path = path
        fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw Failure(path: path, reason: String(cString: strerror(errno))) }
    }

    deinit { close(fd) }

    public func append(_ entry: JournalEntry) throws(Failure) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        guard var data = try? encoder.encode(entry) else { throw Failure(path: path, reason: "cannot encode an entry") }
        data.append(0x0A)
        let ok = WriteAll.write(fd, data)
        guard ok, fsync(fd) == 0 else { throw Failure(path: path, reason: String(cString: strerror(errno))) }
    }

    /// Every complete entry in the file. A last line cut short by a crash is
    /// ignored (it was never acknowledged); a damaged line elsewhere is an error.
    public static func read(path: String) throws(Failure) -> [JournalEntry] {
        guard let data = FileManager.default.contents(atPath: path) else {
            if access(path, F_OK) != 0 { return [] }
            throw Failure(path: path, reason: "cannot read it")
        }
        let lines = data.split(separator: 0x0A, omittingEmptySubsequences: false)
        var entries: [JournalEntry] = []
        let decoder = JSONDecoder()
        for (number, line) in lines.enumerated() where !line.isEmpty {
            do {
                entries.append(try decoder.decode(JournalEntry.self, from: Data(line)))
            } catch {
                let isLast = number >= lines.count - 2 && data.last != 0x0A
                if isLast { break }
                throw Failure(path: path, reason: "line \(number + 1) is not a journal entry")
            }
        }
        return entries
    }
}
