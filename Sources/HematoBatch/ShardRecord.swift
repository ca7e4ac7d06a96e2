import Foundation
import HematoFiles
import HematoReview

/// What `classify --shard K/N -o PART.csv` writes beside its labels, as `PART.csv.shard.json`,
/// so that `merge` can check the parts before joining them. The labels file itself stays
/// exactly the dataset's labels.csv format (usable on its own); everything a merge needs to
/// know is here:
///
/// - `shard` ("K/N") and `model` (the model file's identity, plus the lab's head if one was used);
/// - `folders` as given and `listing`: how many images and unreadable names the whole walk
///   found and a hash of their paths, so parts made over a folder that changed in between
///   are refused;
/// - `items`: this shard's images as `[i, key]` (i = the image's place in the whole listing,
///   key = its `Image` value) or `[i]` for one that failed, in listing order. The places put
///   the rows back in the order one `classify` writes them and show that the parts cover
///   the listing exactly once;
/// - `labels_fnv1a64` (and `probabilities` with its hash): the bytes written with this record,
///   so a part whose CSV was rewritten without its record (a task killed in between, an edit)
///   is noticed.
///
/// The file is JSON with sorted keys and holds no time or host, so rerunning a shard
/// rewrites both files with the same bytes.
public struct ShardRecord: Equatable, Sendable {
    public static let format = "hematovision-shard"
    public static let formatVersion = 1
    /// The record's name for a labels file.
    public static func path(forLabels path: String) -> String { path + ".shard.json" }

    public struct Listing: Equatable, Sendable {
        public var images: Int
        public var unreadable: Int
        public var fnv1a64: String
        public init(images: Int, unreadable: Int, fnv1a64: String) {
            self.images = images
            self.unreadable = unreadable
            self.fnv1a64 = fnv1a64
        }
    }

    public struct Item: Equatable, Sendable {
        /// Place in the whole listing (images of every folder, in order), from 0.
        public var index: Int
        /// The labels.csv `Image` value; nil when the image failed (no row, no probabilities line).
        public var key: String?
        public init(index: Int, key: String?) {
            self.index = index
            self.key = key
        }
    }

    public struct Output: Equatable, Sendable {
        public var path: String
        public var fnv1a64: String
        public init(path: String, fnv1a64: String) {
            self.path = path
            self.fnv1a64 = fnv1a64
        }
    }

    public var shard: Shard
    public var model: String
    public var folders: [String]
    public var listing: Listing
    /// Unreadable names of the listing that fall in this shard (reported and counted as failed by it).
    public var unreadable: Int
    public var items: [Item]
    public var labelsHash: String
    public var probabilities: Output?

    public init(shard: Shard, model: String, folders: [String], listing: Listing, unreadable: Int, items: [Item],
                labels: [UInt8], probabilities: Output? = nil) {
        self.shard = shard
        self.model = model
        self.folders = folders
        self.listing = listing
        self.unreadable = unreadable
        self.items = items
        self.labelsHash = Self.hash(labels)
        self.probabilities = probabilities
    }

    /// A fingerprint of bytes as the record writes it: 16 hex digits.
    public static func hash<Bytes: Sequence>(_ bytes: Bytes) -> String where Bytes.Element == UInt8 {
        let hex = String(ContentHash.fnv1a64(bytes), radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }

    /// The identity of a whole walk: every folder's image paths and unreadable names, in order.
    public static func listing(_ listings: [ImageFolder.Listing]) -> Listing {
        var hash = ContentHash.fnv1a64([UInt8]())
        for listing in listings {
            for image in listing.images { hash = ContentHash.fnv1a64([UInt8(ascii: "I")] + Array(image.utf8) + [0], startingAt: hash) }
            for s in listing.skipped { hash = ContentHash.fnv1a64([UInt8(ascii: "U")] + s.path + [0], startingAt: hash) }
            hash = ContentHash.fnv1a64([UInt8(ascii: "/")], startingAt: hash)  // the end of one folder
        }
        let hex = String(hash, radix: 16)
        return Listing(images: listings.reduce(0) { $0 + $1.images.count }, unreadable: listings.reduce(0) { $0 + $1.skipped.count },
                       fnv1a64: String(repeating: "0", count: 16 - hex.count) + hex)
    }

    public func serialized() -> [UInt8] {
        var object: [String: Any] = [
            "format": Self.format, "format_version": Self.formatVersion,
            "shard": shard.description, "model": model, "folders": folders,
            "listing": ["images": listing.images, "unreadable": listing.unreadable, "fnv1a64": listing.fnv1a64],
            "unreadable": unreadable,
            "items": items.map { item -> [Any] in item.key.map { [item.index, $0] } ?? [item.index] },
            "labels_fnv1a64": labelsHash,
        ]
        if let probabilities { object["probabilities"] = ["path": probabilities.path, "fnv1a64": probabilities.fnv1a64] }
        // Every value is a string, a whole number or an array of them: JSONSerialization cannot fail.
        let data = try! JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])
        return Array(data) + [UInt8(ascii: "\n")]
    }

    /// Why bytes are not a shard record, in a sentence (the caller adds the file name).
    public struct Malformed: Error, Equatable, CustomStringConvertible {
        public let problem: String
        public var description: String { problem }
    }

    public init(bytes: [UInt8]) throws(Malformed) {
        func bad(_ problem: String) -> Malformed { Malformed(problem: problem) }
        guard let object = try? JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any] else { throw bad("it is not a JSON object") }
        guard object["format"] as? String == Self.format else { throw bad("its format is not \(Self.format)") }
        guard let version = object["format_version"] as? Int, version == Self.formatVersion else {
            throw bad("its format_version is not \(Self.formatVersion) (made by another version of hematovision?)")
        }
        guard let shardText = object["shard"] as? String, let shard = try? Shard(parsing: shardText) else { throw bad("its shard is not K/N") }
        guard let model = object["model"] as? String, let folders = object["folders"] as? [String],
              let listing = object["listing"] as? [String: Any], let images = listing["images"] as? Int,
              let unreadableInListing = listing["unreadable"] as? Int, let listingHash = listing["fnv1a64"] as? String,
              let unreadable = object["unreadable"] as? Int, let labelsHash = object["labels_fnv1a64"] as? String,
              let rawItems = object["items"] as? [[Any]]
        else { throw bad("a field is missing or of the wrong type") }
        // Counts come from a file: a negative one is refused here, one larger than the parts list by merge.
        guard images >= 0, unreadableInListing >= 0, unreadable >= 0 else { throw bad("a count (images or unreadable) is negative") }
        var items: [Item] = []
        items.reserveCapacity(rawItems.count)
        for raw in rawItems {
            guard let index = raw.first as? Int, index >= 0, raw.count <= 2 else { throw bad("an item is not [place, key] or [place]") }
            if raw.count == 2 {
                guard let key = raw[1] as? String else { throw bad("an item's key is not text") }
                items.append(Item(index: index, key: key))
            } else {
                items.append(Item(index: index, key: nil))
            }
        }
        var probabilities: Output?
        if let p = object["probabilities"] {
            guard let p = p as? [String: Any], let path = p["path"] as? String, let hash = p["fnv1a64"] as? String else {
                throw bad("its probabilities field is not {path, fnv1a64}")
            }
            probabilities = Output(path: path, fnv1a64: hash)
        }
        self.shard = shard
        self.model = model
        self.folders = folders
        self.listing = Listing(images: images, unreadable: unreadableInListing, fnv1a64: listingHash)
        self.unreadable = unreadable
        self.items = items
        self.labelsHash = labelsHash
        self.probabilities = probabilities
    }
}
