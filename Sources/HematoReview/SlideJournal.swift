import Foundation
import HematoFiles

/// What a review records about the slide as a whole, beside its decisions: the target count,
/// flags and their notes, the sign-off and the amendments after it. Append-only JSON lines in
/// `X.slide.jsonl` beside `X.csv`, fsynced like the decision journal.
///
/// They live in a file of their own so that the decision journal stays what older versions read
/// (a line of a kind they do not know would make them refuse the whole journal). A version that
/// meets a kind it does not know here says it was written by a newer HematoVision.
public struct SlideEntry: Codable, Equatable, Sendable {
    public enum Kind: String, Codable, Sendable, CaseIterable {
        case target      // the count aimed at (`target`)
        case flag        // the image is flagged, with `note` (may be empty)
        case unflag      // the flag is taken off
        case signoff     // the slide is signed off (`signoff`)
        case amend       // the signed-off slide was reopened for changes (review --amend)
        case amendment   // one change while amending: `image`, `before`, `after`
    }

    public var kind: Kind
    public var time: String
    public var reviewer: String
    public var target: Int?
    public var image: String?
    public var note: String?
    public var signoff: SignOff?
    public var before: [String]?
    public var after: [String]?

    /// What a sign-off records: enough to tell later whether labels.csv is still the file signed.
    public struct SignOff: Codable, Equatable, Sendable {
        /// SHA-256 of labels.csv as signed (hex, as `sha256sum` prints it).
        public var labelsSHA256: String
        /// Cells per class, as the differential counts them.
        public var counts: [String: Int]
        public var cells: Int
        /// Images with a label, of `images`.
        public var labelled: Int
        public var images: Int
        public var target: Int?
        public var model: String
        public var lab: String?
        /// The reviewer against the model, from the decision journal (as `report` measures it).
        public var agreement: Measured
        /// Entries in the decision journal when it was signed: any after them are changes.
        public var journalEntries: Int

        public struct Measured: Codable, Equatable, Sendable {
            public var decisions: Int
            public var accuracy: Double?
            public var kappa: Double?
            public var blindDecisions: Int
            public var blindAccuracy: Double?

            public init(decisions: Int, accuracy: Double?, kappa: Double?, blindDecisions: Int, blindAccuracy: Double?) {
                self.decisions = decisions
                self.accuracy = accuracy
                self.kappa = kappa
                self.blindDecisions = blindDecisions
                self.blindAccuracy = blindAccuracy
            }

            enum CodingKeys: String, CodingKey {
                case decisions, accuracy, kappa, blindDecisions = "blind_decisions", blindAccuracy = "blind_accuracy"
            }
        }

        public init(labelsSHA256: String, counts: [String: Int], cells: Int, labelled: Int, images: Int, target: Int?,
                    model: String, lab: String?, agreement: Measured, journalEntries: Int) {
            self.labelsSHA256 = labelsSHA256
            self.counts = counts
            self.cells = cells
            self.labelled = labelled
            self.images = images
            self.target = target
            self.model = model
            self.lab = lab
            self.agreement = agreement
            self.journalEntries = journalEntries
        }

        enum CodingKeys: String, CodingKey {
            case labelsSHA256 = "labels_sha256", counts, cells, labelled, images, target, model, lab, agreement
            case journalEntries = "journal_entries"
        }
    }

    public init(kind: Kind, time: String, reviewer: String, target: Int? = nil, image: String? = nil, note: String? = nil,
                signoff: SignOff? = nil, before: [String]? = nil, after: [String]? = nil) {
        self.kind = kind
        self.time = time
        self.reviewer = reviewer
        self.target = target
        self.image = image
        self.note = note
        self.signoff = signoff
        self.before = before
        self.after = after
    }
}

/// The slide journal file (`SlideEntry`).
public final class SlideJournal {
    public let path: String
    private let file: AppendOnlyFile

    public init(path: String, write: AppendOnlyFile.Write? = nil) {
        self.path = path
        file = AppendOnlyFile(path: path, write: write)
    }

    /// The slide journal beside a label file: `X.csv` → `X.slide.jsonl`.
    public static func path(forLabels labelsPath: String) -> String {
        (labelsPath.hasSuffix(".csv") ? String(labelsPath.dropLast(4)) : labelsPath) + ".slide.jsonl"
    }

    public func append(_ entry: SlideEntry) throws(JournalError) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        guard var data = try? encoder.encode(entry) else { throw .unencodable(path: path) }
        data.append(0x0A)
        do { try file.append([UInt8](data)) } catch { throw .file(error) }
    }

    /// Every entry; a line cut short by a crash is skipped (it was never acknowledged) and said in the
    /// second value. A line of a kind this version does not know is an error that says so.
    public static func read(path: String) throws(SlideJournalError) -> (entries: [SlideEntry], notes: [String]) {
        let data: [UInt8]
        do {
            guard let bytes = try RegularFile.contentsIfPresent(path, followLinks: false) else { return ([], []) }
            data = bytes
        } catch { throw .file(error) }
        var entries: [SlideEntry] = []
        var notes: [String] = []
        let decoder = JSONDecoder()
        for (number, line) in data.split(separator: 0x0A, omittingEmptySubsequences: false).enumerated() where !line.isEmpty {
            if let entry = try? decoder.decode(SlideEntry.self, from: Data(line)) {
                entries.append(entry)
                continue
            }
            let object = (try? JSONSerialization.jsonObject(with: Data(line))) as? [String: Any]
            if let kind = object?["kind"] as? String, SlideEntry.Kind(rawValue: kind) == nil {
                throw .newer(path: path, line: number + 1, kind: kind)
            }
            if line.first == UInt8(ascii: "{") && line.last != UInt8(ascii: "}") || line.allSatisfy({ $0 == 0 }) {
                notes.append("slide journal line \(number + 1) was cut short by an interrupted save and is skipped")
                continue
            }
            throw .damaged(path: path, line: number + 1)
        }
        return (entries, notes)
    }
}

public enum SlideJournalError: Error, Equatable, CustomStringConvertible {
    case file(FileError)
    case damaged(path: String, line: Int)
    case newer(path: String, line: Int, kind: String)

    public var description: String {
        switch self {
        case .file(let e): return "slide journal \(DisplayName.escaped(e.path)): \(e.reason)"
        case .damaged(let path, let line): return "slide journal \(DisplayName.escaped(path)): line \(line) is not an entry"
        case .newer(let path, let line, let kind):
            return "slide journal \(DisplayName.escaped(path)): line \(line) is of a kind this version does not know "
                + "(\(DisplayName.escaped(kind))): it was written by a newer HematoVision; use that version"
        }
    }
}

/// The slide's state as its journal tells it: the target, the flags now standing, the sign-offs and the amendments.
public struct SlideRecord: Equatable, Sendable {
    public struct Flag: Equatable, Sendable {
        public var note: String
        public var reviewer: String
        public var time: String
    }

    public var target: Int?
    /// Standing flags by image key.
    public var flags: [String: Flag] = [:]
    /// Image keys in the order they were first flagged (for the report's list).
    public var flagOrder: [String] = []
    public var signoffs: [SlideEntry] = []
    /// The reopenings (`amend`) and the changes made in them (`amendment`), in order.
    public var amendments: [SlideEntry] = []

    public init(_ entries: [SlideEntry] = []) {
        for e in entries {
            switch e.kind {
            case .target: target = e.target
            case .flag:
                guard let image = e.image else { continue }
                if flags[image] == nil { flagOrder.removeAll { $0 == image }; flagOrder.append(image) }
                flags[image] = Flag(note: e.note ?? "", reviewer: e.reviewer, time: e.time)
            case .unflag:
                guard let image = e.image else { continue }
                flags[image] = nil
                flagOrder.removeAll { $0 == image }
            case .signoff: signoffs.append(e)
            case .amend, .amendment: amendments.append(e)
            }
        }
    }

    /// The sign-off in force: the last one.
    public var signoff: SlideEntry? { signoffs.last }
    /// The changes made after the last sign-off... and before it, if it was signed again: every amendment.
    public var changes: [SlideEntry] { amendments.filter { $0.kind == .amendment } }

    /// "signed off by X on DATE" (the date part of the time).
    public var signedOffText: String? {
        signoff.map { "signed off by \(DisplayName.escaped($0.reviewer)) on \(String($0.time.prefix(10)))" }
    }
}
