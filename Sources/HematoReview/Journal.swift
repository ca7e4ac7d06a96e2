import Foundation
import HematoFiles

/// One line of the review journal: who decided what about which image, with
/// what the model said at the time. Append-only JSON lines beside labels.csv.
public struct JournalEntry: Codable, Equatable, Sendable {
    public enum Action: String, Codable, Sendable {
        case accept      // took the model's prediction
        case set         // chose a class
        case add         // added a class (an image with several cells)
        case remove      // removed the last class of several, or cleared the only one (a blank Category)
        case undo        // put back the previous label
    }

    public var time: String
    public var reviewer: String
    public var image: String
    public var imageHash: String?
    public var model: String
    public var probabilities: [String: Float]?
    public var action: Action
    /// Categories after the action; empty means no label, unless `blank`.
    public var label: [String]
    /// true: the image keeps its row in labels.csv with a blank Category (the dataset has such
    /// rows), as `x` on a single label leaves it. Written only when true.
    public var blank: Bool?
    /// How the decision was made: `.blind` when the model's answer was hidden from the reviewer.
    /// Written only for blind; absent reads as open, so older journals read as before (and older
    /// binaries, whose decoder ignores keys it does not know, still read new lines).
    public var mode: Mode?
    /// The label before this entry when the journal itself cannot tell (it came from labels.csv,
    /// or there was none): what an undo in a later sitting puts back. Absent: the previous entry
    /// for the image says, or (an older journal) it is not recorded.
    public var before: Before?
    /// A call of a blind calibration (ReviewSession+Calibration.swift). Written only when true.
    public var calibration: Bool?

    public enum Mode: String, Codable, Sendable, CaseIterable {
        case open, blind
    }

    public struct Before: Codable, Equatable, Sendable {
        public var label: [String]
        public var blank: Bool?

        public init(row: [String]?) {
            label = row ?? []
            blank = row?.isEmpty == true ? true : nil
        }

        /// The labels.csv row: nil for none, [] for a blank Category.
        public var labelRow: [String]? { label.isEmpty && blank != true ? nil : label }
    }

    /// `mode` or open.
    public var decidedIn: Mode { mode ?? .open }

    enum CodingKeys: String, CodingKey {
        case time, reviewer, image, imageHash = "image_hash", model, probabilities, action, label, blank, mode, before, calibration
    }

    public init(time: String, reviewer: String, image: String, imageHash: String?, model: String,
                probabilities: [String: Float]?, action: Action, label: [String], blank: Bool = false,
                mode: Mode = .open, before: Before? = nil, calibration: Bool = false) {
        self.mode = mode == .open ? nil : mode
        self.calibration = calibration ? true : nil
        self.before = before
        self.time = time
        self.reviewer = reviewer
        self.image = image
        self.imageHash = imageHash
        self.model = model
        self.probabilities = probabilities
        self.action = action
        self.label = label
        self.blank = blank && label.isEmpty ? true : nil
    }

    /// The Category labels.csv holds for the image after this entry; nil for no row at all.
    public var labelRow: [String]? { label.isEmpty && blank != true ? nil : label }
}

/// The journal file. Each append is written and fsynced before it returns, so a decision
/// shown as made survives `kill -9` and a power cut; a decision whose line could not be
/// written whole leaves no line at all. The file is created at the first decision: looking
/// at a folder changes nothing in it.
public final class Journal {
    public let path: String
    private let file: AppendOnlyFile

    /// What reading found: the entries, and a sentence for each line skipped as torn.
    public struct Contents: Equatable {
        public var entries: [JournalEntry] = []
        public var notes: [String] = []
        /// Lines that record no decision (JournalEvent.swift).
        public var events: [JournalEvent] = []
    }

    /// `write` replaces the write system call (tests fill the disk with it).
    /// `mode`: the permission bits the file takes when it is first written in this sitting (nil: as created).
    public init(path: String, mode: mode_t? = nil, write: AppendOnlyFile.Write? = nil) {
        self.path = path
        file = AppendOnlyFile(path: path, mode: mode, write: write)
    }

    public func append(_ entry: JournalEntry) throws(JournalError) {
        guard var data = try? Self.encoder.encode(entry) else { throw .unencodable(path: path) }
        data.append(0x0A)
        do { try file.append([UInt8](data)) } catch { throw .file(error) }
    }

    public func append(_ event: JournalEvent) throws(JournalError) {
        guard var data = try? Self.encoder.encode(event) else { throw .unencodable(path: path) }
        data.append(0x0A)
        do { try file.append([UInt8](data)) } catch { throw .file(error) }
    }

    private static var encoder: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }

    public static func read(path: String) throws(JournalError) -> [JournalEntry] { try contents(path: path).entries }

    /// Every complete entry in the file. A line cut short (by a crash, a power cut or a full
    /// disk before appends took torn lines back) was never acknowledged: it is skipped and
    /// said in `notes`. A line that is damaged in any other way is an error, not a guess.
    public static func contents(path: String) throws(JournalError) -> Contents {
        let data: [UInt8]
        do {
            guard let bytes = try RegularFile.contentsIfPresent(path, followLinks: false) else { return Contents() }
            data = bytes
        } catch { throw .file(error) }
        var result = Contents()
        let decoder = JSONDecoder()
        let lines = data.split(separator: 0x0A, omittingEmptySubsequences: false)
        for (number, line) in lines.enumerated() where !line.isEmpty {
            if let entry = try? decoder.decode(JournalEntry.self, from: Data(line)) {
                result.entries.append(entry)
                continue
            }
            if let event = try? decoder.decode(JournalEvent.self, from: Data(line)) {
                result.events.append(event)
                continue
            }
            // A whole line with an "event" key records no decision. One of a kind this version does not
            // know was written by a newer one: skipped and said, so the folder still opens and the
            // decisions around it count (a binary older than the events themselves calls them damaged).
            if let object = (try? JSONSerialization.jsonObject(with: Data(line))) as? [String: Any],
               let kind = object["event"] as? String, object["image"] == nil {
                result.notes.append("journal line \(number + 1) is an event this version does not know (\(DisplayName.escaped(kind))) and is skipped")
                continue
            }
            let cutShort = "journal line \(number + 1) was cut short by an interrupted save and is skipped (that decision was never shown as saved)"
            if let entry = gluedEntry(line, decoder) {
                result.entries.append(entry)
                result.notes.append(cutShort)
            } else if isTorn(line) {
                result.notes.append(cutShort)
            } else {
                throw .damaged(path: path, line: number + 1)
            }
        }
        return result
    }

    /// A prefix of an entry: what a write stopped partway leaves (zeros where a power cut left
    /// the file longer than what reached the disk).
    private static func isTorn(_ line: ArraySlice<UInt8>) -> Bool {
        let text = line.reversed().drop { $0 == 0 }.reversed()
        return text.isEmpty || (text.first == UInt8(ascii: "{") && text.last != UInt8(ascii: "}"))
    }

    /// A torn line with a whole entry glued on after it (written before appends began on a
    /// fresh line). Entries are written with sorted keys, so each one starts `{"action":`.
    private static func gluedEntry(_ line: ArraySlice<UInt8>, _ decoder: JSONDecoder) -> JournalEntry? {
        let start = Array(#"{"action":"#.utf8)
        guard line.count > start.count else { return nil }
        var i = line.endIndex - start.count
        while i > line.startIndex {
            if line[i..<(i + start.count)].elementsEqual(start) {
                guard isTorn(line[..<i]) else { return nil }
                return try? decoder.decode(JournalEntry.self, from: Data(line[i...]))
            }
            i -= 1
        }
        return nil
    }
}

/// Why the journal could not be read or written.
public enum JournalError: Error, Equatable, CustomStringConvertible {
    case file(FileError)
    case damaged(path: String, line: Int)
    case unencodable(path: String)

    public var description: String {
        switch self {
        case .file(let e): return "journal \(DisplayName.escaped(e.path)): \(e.reason)"
        case .damaged(let path, let line): return "journal \(DisplayName.escaped(path)): line \(line) is not a journal entry"
        case .unencodable(let path): return "journal \(DisplayName.escaped(path)): cannot encode an entry"
        }
    }
}
