import HematoFiles
import HematoReview

/// Joins the parts `classify --shard K/N` wrote into the labels (and probabilities) one
/// `classify` over the same folders writes, byte for byte, after checking that the parts
/// belong together: one model, one listing, each of the N shards exactly once.
public enum ShardMerge {
    /// One part as given to merge: its labels file and the record beside it.
    public struct Part: Sendable {
        /// The labels file's name as the user gave it (for messages).
        public let name: String
        public let labels: [UInt8]
        public let record: ShardRecord
        /// The part's probabilities file, when the merge asks for them.
        public var probabilities: [UInt8]?

        public init(name: String, labels: [UInt8], record: ShardRecord, probabilities: [UInt8]? = nil) {
            self.name = name
            self.labels = labels
            self.record = record
            self.probabilities = probabilities
        }

        /// Reads `path` and `path.shard.json`, and the probabilities file the record names
        /// when `withProbabilities`, through HematoFiles (regular files only).
        public static func load(_ path: String, withProbabilities: Bool) throws(ShardMergeError) -> Part {
            let recordPath = ShardRecord.path(forLabels: path)
            func read(_ file: String) throws(ShardMergeError) -> [UInt8]? {
                do { return try RegularFile.contentsIfPresent(file) } catch { throw .unreadable(path: error.path, reason: error.reason) }
            }
            guard let labels = try read(path) else { throw .missingFile(path) }
            guard let recordBytes = try read(recordPath) else { throw .noRecord(part: path, record: recordPath) }
            let record: ShardRecord
            do { record = try ShardRecord(bytes: recordBytes) } catch { throw .badRecord(record: recordPath, problem: error.problem) }
            var part = Part(name: path, labels: labels, record: record)
            if withProbabilities {
                guard let output = record.probabilities else { throw .noProbabilities(part: path, shard: record.shard) }
                guard let bytes = try read(output.path) else { throw .missingFile(output.path) }
                part.probabilities = bytes
            }
            return part
        }
    }

    public struct Result: Equatable, Sendable {
        public let labels: [UInt8]
        public let probabilities: [UInt8]?
        public let classified: Int
        /// Images that failed plus unreadable names, over all shards (what `classify` counts as failed).
        public let failed: Int
    }

    public static func merge(_ parts: [Part]) throws(ShardMergeError) -> Result {
        guard let first = parts.first else { throw .noParts }
        // Every part on its own: its labels and probabilities are the ones its record was written with.
        var partLabels: [LabelsFile] = []
        for part in parts {
            let r = part.record
            guard ShardRecord.hash(part.labels) == r.labelsHash else { throw .changedSinceRecord(part: part.name, shard: r.shard, what: "labels file") }
            if let p = part.probabilities, ShardRecord.hash(p) != r.probabilities?.fnv1a64 {
                throw .changedSinceRecord(part: part.name, shard: r.shard, what: "probabilities file \(r.probabilities?.path ?? "")")
            }
            let labels: LabelsFile
            do { labels = try LabelsFile(bytes: part.labels, name: part.name) } catch { throw .badLabels(error.description) }
            // Its rows are its classified images' keys, each at its first appearance.
            var seen = Set<String>(), keys: [String] = []
            for case let key? in r.items.map(\.key) where seen.insert(key).inserted { keys.append(key) }
            guard labels.rows.map(\.image) == keys else { throw .changedSinceRecord(part: part.name, shard: r.shard, what: "labels file") }
            partLabels.append(labels)
        }
        // Made together: one model, one split, one listing of the same folders.
        for part in parts.dropFirst() {
            let (a, b) = (first.record, part.record)
            if b.model != a.model {
                throw .mismatch(first: first.name, other: part.name, what: "model", firstValue: a.model, otherValue: b.model)
            }
            if b.shard.count != a.shard.count {
                throw .mismatch(first: first.name, other: part.name, what: "number of shards",
                                firstValue: "shard \(a.shard)", otherValue: "shard \(b.shard)")
            }
            if b.folders != a.folders {
                throw .mismatch(first: first.name, other: part.name, what: "folders",
                                firstValue: a.folders.joined(separator: " "), otherValue: b.folders.joined(separator: " "))
            }
            if b.listing != a.listing {
                func describe(_ l: ShardRecord.Listing) -> String { "\(l.images) images, \(l.unreadable) unreadable, listing \(l.fnv1a64)" }
                throw .mismatch(first: first.name, other: part.name, what: "listing (the folders changed between the shards; rerun them all)",
                                firstValue: describe(a.listing), otherValue: describe(b.listing))
            }
        }
        // Each shard once.
        let count = first.record.shard.count
        var byIndex: [Int: [String]] = [:]
        for part in parts { byIndex[part.record.shard.index, default: []].append(part.name) }
        if let (index, names) = byIndex.filter({ $0.value.count > 1 }).min(by: { $0.key < $1.key }) {
            throw .duplicate(shard: Shard(index: index, count: count), parts: names)
        }
        let missing = (1...count).filter { byIndex[$0] == nil }
        if !missing.isEmpty { throw .missing(missing.map { Shard(index: $0, count: count) }) }

        // Every image of the listing exactly once, each part's in listing order. The listing's
        // count comes from a file: only as many places are tracked as the parts list (and one
        // more, where a hole must then be), so a count no part backs up costs nothing.
        let total = first.record.listing.images
        let listed = parts.reduce(0) { $0 + $1.record.items.count }
        var owner = [Int32](repeating: -1, count: min(total, listed + 1))
        for (p, part) in parts.enumerated() {
            var previous = -1
            for item in part.record.items {
                guard item.index < total, item.index > previous else {
                    throw .badRecord(record: ShardRecord.path(forLabels: part.name),
                                     problem: "image #\(item.index + 1) is out of order or past the listing's \(total)")
                }
                previous = item.index
                guard item.index < owner.count else { continue }  // past a hole, reported below
                if owner[item.index] >= 0 {
                    throw .coveredTwice(index: item.index, parts: [parts[Int(owner[item.index])].name, part.name])
                }
                owner[item.index] = Int32(p)
            }
        }
        if let hole = owner.firstIndex(of: -1) { throw .notCovered(index: hole) }
        // Unreadable names are split the same way: each shard counted its own, none more than the listing has.
        var unreadable = 0
        for part in parts {
            let (sum, overflow) = unreadable.addingReportingOverflow(part.record.unreadable)
            guard part.record.unreadable <= first.record.listing.unreadable, !overflow else {
                throw .badRecord(record: ShardRecord.path(forLabels: part.name),
                                 problem: "it counts \(part.record.unreadable) unreadable names in its shard, more than the listing's \(first.record.listing.unreadable)")
            }
            unreadable = sum
        }
        if unreadable != first.record.listing.unreadable {
            throw .unreadableCount(shards: unreadable, listing: first.record.listing.unreadable)
        }

        // Probabilities: one line per classified image, in each part's order.
        let withProbabilities = parts.allSatisfy { $0.probabilities != nil }
        var partLines: [[ArraySlice<UInt8>]] = []
        if withProbabilities {
            for part in parts {
                let bytes = part.probabilities!
                let lines = bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).dropLast()
                guard lines.count == part.record.items.filter({ $0.key != nil }).count, bytes.isEmpty || bytes.last == UInt8(ascii: "\n") else {
                    throw .changedSinceRecord(part: part.name, shard: part.record.shard, what: "probabilities file")
                }
                partLines.append(Array(lines))
            }
        }

        // Replayed in listing order, as one classify builds its file: a key seen again keeps
        // its first place and takes the last value, which is the one its own part holds.
        var labels = LabelsFile()
        var probabilities: [UInt8] = []
        var classified = 0, failed = unreadable
        var nextItem = [Int](repeating: 0, count: parts.count), nextLine = nextItem
        for index in 0..<total {
            let p = Int(owner[index])
            let item = parts[p].record.items[nextItem[p]]
            nextItem[p] += 1
            guard let key = item.key else {
                failed += 1
                continue
            }
            labels.setCategories(partLabels[p].categories(forImage: key) ?? [], forImage: key)
            if withProbabilities {
                probabilities += partLines[p][nextLine[p]]
                probabilities.append(UInt8(ascii: "\n"))
                nextLine[p] += 1
            }
            classified += 1
        }
        return Result(labels: labels.serialized(), probabilities: withProbabilities ? probabilities : nil,
                      classified: classified, failed: failed)
    }
}

/// Why the parts cannot be merged, naming the parts (and shards) at fault.
public enum ShardMergeError: Error, Equatable, CustomStringConvertible {
    case noParts
    case missingFile(String)
    case unreadable(path: String, reason: String)
    case noRecord(part: String, record: String)
    case badRecord(record: String, problem: String)
    case badLabels(String)
    case noProbabilities(part: String, shard: Shard)
    case changedSinceRecord(part: String, shard: Shard, what: String)
    case mismatch(first: String, other: String, what: String, firstValue: String, otherValue: String)
    case duplicate(shard: Shard, parts: [String])
    case missing([Shard])
    case coveredTwice(index: Int, parts: [String])
    case notCovered(index: Int)
    case unreadableCount(shards: Int, listing: Int)

    public var description: String {
        func e(_ s: String) -> String { DisplayName.escaped(s) }
        switch self {
        case .noParts:
            return "no shards to merge"
        case .missingFile(let path):
            return "no file at \(e(path))"
        case .unreadable(let path, let reason):
            return "cannot read \(e(path)): \(reason)"
        case .noRecord(let part, let record):
            return "\(e(part)) has no shard record beside it (\(e(record))): merge takes the labels files that `classify --shard K/N --output FILE` wrote"
        case .badRecord(let record, let problem):
            return "\(e(record)) is not a shard record: \(e(problem))"
        case .badLabels(let message):
            return message
        case .noProbabilities(let part, let shard):
            return "\(e(part)) (shard \(shard)) was made without --probabilities, so there are none to merge; rerun it with --probabilities FILE"
        case .changedSinceRecord(let part, let shard, let what):
            return "\(e(part)) (shard \(shard)): its \(e(what)) is not what its shard record says was written (edited, or the task stopped between the two?); rerun shard \(shard)"
        case .mismatch(let first, let other, let what, let a, let b):
            return "the shards do not belong together: \(e(first)) and \(e(other)) differ in \(what): \(e(a)) against \(e(b))"
        case .duplicate(let shard, let parts):
            return "shard \(shard) is given more than once: \(parts.map(e).joined(separator: ", "))"
        case .missing(let shards):
            let list = shards.count > 10 ? shards.prefix(10).map(\.description).joined(separator: ", ") + " and \(shards.count - 10) more"
                                         : shards.map(\.description).joined(separator: ", ")
            return "missing shard\(shards.count == 1 ? "" : "s") \(list) (of \(shards[0].count)); classify \(shards.count == 1 ? "it" : "them") with --shard and merge again"
        case .coveredTwice(let index, let parts):
            return "image #\(index + 1) of the listing is in two shards: \(parts.map(e).joined(separator: " and "))"
        case .notCovered(let index):
            return "image #\(index + 1) of the listing is in no shard"
        case .unreadableCount(let shards, let listing):
            return "the shards counted \(shards) unreadable names between them, but the listing has \(listing)"
        }
    }
}
