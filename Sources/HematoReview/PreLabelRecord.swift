import Foundation
import HematoFiles

/// The model's account of the rows it wrote into a labels.csv (`classify --output`, `merge`),
/// kept beside it as `X.prelabels.json` for `X.csv`. labels.csv stays the dataset's format and
/// cannot say who chose a label; this record can, so a review and `report` tell the model's
/// labels from a person's:
///
/// - `tool` (classify or merge), `model` (its identity, the lab's head included), `lab`, `date`;
/// - `rows`: each image's key, the classes written and the model's probabilities;
/// - `labels_hash`: the labels file as written.
///
/// A row counts as the model's only while labels.csv still holds exactly the classes recorded
/// for it and no person has decided the image (the journal says who did). A row edited by hand
/// since then is no longer the model's and counts as "from labels.csv", origin unknown.
public struct PreLabelRecord: Codable, Equatable, Sendable {
    public static let formatName = "hematovision-prelabels 1"
    /// The largest record read: 100,000 rows with five probabilities each take about 20 MB.
    public static let readLimit = 256 << 20

    public var format: String
    public var tool: String
    public var model: String
    public var lab: String?
    /// ISO 8601, as the journal writes times.
    public var date: String
    public var labelsHash: String
    public var rows: [Row]

    public struct Row: Codable, Equatable, Sendable {
        public var image: String
        public var label: [String]
        public var probabilities: [String: Float]?

        public init(image: String, label: [String], probabilities: [String: Float]?) {
            self.image = image
            self.label = label
            self.probabilities = probabilities
        }
    }

    enum CodingKeys: String, CodingKey {
        case format, tool, model, lab, date, labelsHash = "labels_hash", rows
    }

    /// The record of `labels` as `tool` is about to write it; `probabilities` by image key.
    public init(tool: String, model: String, lab: String?, date: Date = Date(), labels: LabelsFile,
                probabilities: [String: [String: Float]]) {
        format = Self.formatName
        self.tool = tool
        self.model = model
        self.lab = lab
        self.date = ReviewStore.timestamp(date)
        labelsHash = ContentHash.journalTag(labels.serialized())
        rows = labels.rows.map { Row(image: $0.image, label: $0.categories, probabilities: probabilities[$0.image]) }
    }

    public init(bytes: [UInt8]) throws(PreLabelRecordError) {
        let decoded: PreLabelRecord
        do { decoded = try JSONDecoder().decode(PreLabelRecord.self, from: Data(bytes)) } catch {
            throw .notARecord("it is not the JSON a model's record holds")
        }
        guard decoded.format == Self.formatName else {
            throw .notARecord("its format is \"\(DisplayName.escaped(String(decoded.format.prefix(60))))\", not \"\(Self.formatName)\"")
        }
        self = decoded
    }

    /// `X.csv` → `X.prelabels.json`, beside the journal `X.journal.jsonl`.
    public static func path(forLabels labelsPath: String) -> String {
        (labelsPath.hasSuffix(".csv") ? String(labelsPath.dropLast(4)) : labelsPath) + ".prelabels.json"
    }

    public func serialized() -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Every field is a string, a number the model produced (finite: classify drops the rest) or a list of them.
        guard let data = try? encoder.encode(self) else { return [] }
        return Array(data) + [0x0A]
    }

    /// Written after labels.csv, so a record never describes bytes not yet there: a run stopped
    /// in between leaves the old record, whose rows count only where labels.csv still matches them.
    public func write(besideLabels labelsPath: String) throws(FileError) {
        try SideFile.replace(serialized(), at: Self.path(forLabels: labelsPath), modeOf: labelsPath)
    }

    /// The record beside `labelsPath`, and a sentence when one is there but cannot be used (its
    /// rows then count as from labels.csv). Never followed through a link: the record is ours.
    public static func load(forLabels labelsPath: String) -> (record: PreLabelRecord?, note: String?) {
        let path = Self.path(forLabels: labelsPath)
        let bytes: [UInt8]
        do {
            guard let read = try RegularFile.contentsIfPresent(path, followLinks: false, limit: readLimit) else { return (nil, nil) }
            bytes = read
        } catch {
            return (nil, "The model's record \(DisplayName.escaped(path)) cannot be read (\(error.reason)); its labels count as from labels.csv.")
        }
        do { return (try PreLabelRecord(bytes: bytes), nil) } catch {
            return (nil, "\(DisplayName.escaped(path)) is not a model's record (\(error)); its labels count as from labels.csv.")
        }
    }
}

public enum PreLabelRecordError: Error, Equatable, CustomStringConvertible {
    case notARecord(String)

    public var description: String {
        switch self {
        case .notARecord(let why): return why
        }
    }
}

/// What a review and `report` need of the record: which classes the model wrote for which image,
/// and a short "classify, 2026-12-07" for the screen.
public struct PreLabels: Equatable, Sendable {
    public private(set) var categories: [String: [String]] = [:]
    /// The tool and the day, escaped (the record is a file anyone could have written).
    public private(set) var origin = ""
    public private(set) var labelsHash = ""

    public init() {}

    public init(_ record: PreLabelRecord) {
        for row in record.rows { categories[row.image] = row.label }
        origin = DisplayName.escaped(String(record.tool.prefix(20))) + ", " + DisplayName.escaped(String(record.date.prefix(10)))
        labelsHash = record.labelsHash
    }

    public var isEmpty: Bool { categories.isEmpty }

    /// Whether this row is still the one the model wrote (a row edited since is not).
    public func wrote(_ row: [String], forImage key: String) -> Bool {
        guard let mine = categories[key] else { return false }
        return mine == row
    }

    /// The images whose row in `labels` is no longer what the model wrote and that no person
    /// decided: edited by hand (or by another program) since.
    public func changedRows(in labels: LabelsFile, decidedByPerson: Set<String>) -> Int {
        guard !isEmpty, ContentHash.journalTag(labels.serialized()) != labelsHash else { return 0 }
        return categories.keys.filter { key in
            !decidedByPerson.contains(key) && labels.categories(forImage: key).map { !wrote($0, forImage: key) } ?? false
        }.count
    }
}
