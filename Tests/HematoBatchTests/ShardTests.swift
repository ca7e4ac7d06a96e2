import XCTest
import HematoFiles
@testable import HematoBatch
import HematoReview

final class ShardTests: XCTestCase {
    // MARK: K/N

    func testParsesKOverNAndRefusesEverythingElseWithASentence() throws {
        XCTAssertEqual(try Shard(parsing: "2/8"), Shard(index: 2, count: 8))
        XCTAssertEqual(try Shard(parsing: "1/1"), Shard(index: 1, count: 1))
        for bad in ["", "3", "1/", "/3", "a/3", "1/3/5", " 1/3", "1 /3", "+1/3", "-1/3", "1/3.0", "1/0x3", "٣/٣", "1/9999999999999"] {
            XCTAssertThrowsError(try Shard(parsing: bad), bad) { XCTAssertEqual($0 as? Shard.ParseError, .notKOverN(bad), bad) }
        }
        XCTAssertThrowsError(try Shard(parsing: "0/3")) { XCTAssertEqual($0 as? Shard.ParseError, .indexOutOfRange("0/3")) }
        XCTAssertThrowsError(try Shard(parsing: "4/3")) { XCTAssertEqual($0 as? Shard.ParseError, .indexOutOfRange("4/3")) }
        XCTAssertThrowsError(try Shard(parsing: "1/0")) { XCTAssertEqual($0 as? Shard.ParseError, .countOutOfRange("1/0")) }
        XCTAssertThrowsError(try Shard(parsing: "1/1000001")) { XCTAssertEqual($0 as? Shard.ParseError, .countOutOfRange("1/1000001")) }
        XCTAssertEqual(Shard.ParseError.indexOutOfRange("0/3").description,
                       "--shard 0/3: K counts from 1 to N (for a Slurm array that starts at 0, pass $((SLURM_ARRAY_TASK_ID + 1)))")
        XCTAssertEqual(Shard.ParseError.notKOverN("x\u{1B}").description,
                       #"--shard wants K/N, two whole numbers such as 2/8 (shard 2 of 8), not "x\\e""#)
    }

    /// The split is part of the file format: these values must hold on every machine, forever.
    func testTheSplitIsFNV1aOfThePathBytesAndTheSameEverywhere() {
        XCTAssertEqual(ContentHash.fnv1a64(Array("a".utf8)), 0xaf63_dc4c_8601_ec8c)  // the published FNV-1a test vector
        XCTAssertEqual(ContentHash.fnv1a64(Array("BloodImage_00001.jpg".utf8)), 0x8b5d_4900_b92d_a49d)
        XCTAssertEqual(Shard.index(ofRelativePath: Array("BloodImage_00001.jpg".utf8), count: 3), 2)
        XCTAssertEqual(Shard.index(ofRelativePath: Array("nested/cell 7.jpeg".utf8), count: 3), 1)
        XCTAssertEqual(Shard.index(ofRelativePath: Array("nested/cell 7.jpeg".utf8), count: 8), 3)
        XCTAssertTrue(Shard(index: 2, count: 3).contains(relativePath: "BloodImage_00001.jpg".utf8))
        // Every path in exactly one shard, and the shards of a numbered series about equal.
        let names = (0..<3000).map { Array(String(format: "BloodImage_%05d.jpg", $0).utf8) }
        for n in [1, 2, 3, 7, 16] {
            var sizes = [Int](repeating: 0, count: n)
            for name in names {
                let owners = (1...n).filter { Shard(index: $0, count: n).contains(relativePath: name) }
                XCTAssertEqual(owners.count, 1)
                sizes[owners[0] - 1] += 1
            }
            XCTAssertLessThan(Double(sizes.max()!) / Double(sizes.min()!), 1.2, "N=\(n): \(sizes)")
        }
    }

    // MARK: the record

    func testARecordReadsBackAndIsWrittenTheSameWayEachTime() throws {
        let record = ShardRecord(shard: Shard(index: 2, count: 3), model: "mnv2-1234", folders: ["/data/a", "b"],
                                 listing: .init(images: 5, unreadable: 1, fnv1a64: "0123456789abcdef"), unreadable: 1,
                                 items: [.init(index: 1, key: "1"), .init(index: 3, key: nil), .init(index: 4, key: "x/y.jpg")],
                                 labels: Array(",Image,Category\r\n".utf8),
                                 probabilities: .init(path: "/tmp/p.jsonl", fnv1a64: "00000000000000ff"))
        let bytes = record.serialized()
        XCTAssertEqual(try ShardRecord(bytes: bytes), record)
        XCTAssertEqual(record.serialized(), bytes)
        XCTAssertTrue(String(decoding: bytes, as: UTF8.self).contains(#""items":[[1,"1"],[3],[4,"x/y.jpg"]]"#))
        XCTAssertThrowsError(try ShardRecord(bytes: Array("{}".utf8)))
        XCTAssertThrowsError(try ShardRecord(bytes: Array(String(decoding: bytes, as: UTF8.self)
            .replacingOccurrences(of: #""format_version":1"#, with: #""format_version":2"#).utf8))) {
            XCTAssertTrue("\($0)".contains("format_version"), "\($0)")
        }
    }

    // MARK: merging

    /// A listing as classify sees it: each image's key, and its categories (nil: it failed).
    typealias Image = (key: String, categories: [String]?)

    /// What one classify over the whole listing writes.
    static func single(_ images: [Image]) -> [UInt8] {
        var labels = LabelsFile()
        for case let (key, categories?) in images { labels.setCategories(categories, forImage: key) }
        return labels.serialized()
    }

    /// What classify --shard K/N writes for each K, with `owner(i)` the shard of image i.
    static func parts(_ images: [Image], count: Int, model: String = "m", owner: (Int) -> Int) -> [ShardMerge.Part] {
        let listing = ShardRecord.Listing(images: images.count, unreadable: 0, fnv1a64: "00000000000000aa")
        return (1...count).map { k in
            var labels = LabelsFile()
            var items: [ShardRecord.Item] = []
            var lines: [UInt8] = []
            for (i, image) in images.enumerated() where owner(i) == k {
                items.append(.init(index: i, key: image.categories == nil ? nil : image.key))
                if let c = image.categories {
                    labels.setCategories(c, forImage: image.key)
                    lines += Array("{\"image\":\"\(image.key)\",\"i\":\(i)}\n".utf8)
                }
            }
            let bytes = labels.serialized()
            let record = ShardRecord(shard: Shard(index: k, count: count), model: model, folders: ["f"], listing: listing, unreadable: 0,
                                     items: items, labels: bytes, probabilities: .init(path: "/p\(k)", fnv1a64: ShardRecord.hash(lines)))
            return ShardMerge.Part(name: "part-\(k).csv", labels: bytes, record: record, probabilities: lines)
        }
    }

    static let images: [Image] = [
        ("1", ["NEUTROPHIL"]), ("2", ["LYMPHOCYTE", "NEUTROPHIL"]), ("3", nil), ("x/BloodImage_00004.jpg", ["MONOCYTE"]),
        // The same key again (two folders with the same names): first place, last value.
        ("1", ["EOSINOPHIL"]), ("5", ["NEUTROPHIL"]), ("2", ["MONOCYTE"]), ("6", nil), ("7", ["EOSINOPHIL"]),
    ]

    func testMergedPartsAreByteForByteOneClassifyInAnyOrder() throws {
        for count in 1...4 {
            for seed in 0..<5 {
                let parts = Self.parts(Self.images, count: count) { i in (i * 7 + seed * 3 + i / 2) % count + 1 }
                let merged = try ShardMerge.merge(parts.shuffled())
                XCTAssertEqual(String(decoding: merged.labels, as: UTF8.self), String(decoding: Self.single(Self.images), as: UTF8.self),
                               "\(count) shards, seed \(seed)")
                XCTAssertEqual(merged.classified, 7)
                XCTAssertEqual(merged.failed, 2)
                let expectedLines = Self.images.enumerated().compactMap { i, image in
                    image.categories == nil ? nil : "{\"image\":\"\(image.key)\",\"i\":\(i)}\n"
                }.joined()
                XCTAssertEqual(merged.probabilities.map { String(decoding: $0, as: UTF8.self) }, expectedLines)
            }
        }
    }

    func testAShardWithNoImagesStillMerges() throws {
        let parts = Self.parts(Self.images, count: 3) { _ in 2 }
        XCTAssertEqual(try ShardMerge.merge(parts).labels, Self.single(Self.images))
    }

    func testRefusesAMissingShardNamingIt() {
        let parts = Self.parts(Self.images, count: 4) { $0 % 4 + 1 }
        XCTAssertThrowsError(try ShardMerge.merge([parts[0], parts[2]])) {
            XCTAssertEqual("\($0)", "missing shards 2/4, 4/4 (of 4); classify them with --shard and merge again")
        }
        XCTAssertThrowsError(try ShardMerge.merge(Array(parts.dropLast()))) {
            XCTAssertEqual("\($0)", "missing shard 4/4 (of 4); classify it with --shard and merge again")
        }
    }

    func testRefusesADuplicateShardNamingBothFiles() {
        let parts = Self.parts(Self.images, count: 2) { $0 % 2 + 1 }
        var again = parts[1]
        again = ShardMerge.Part(name: "rerun/part-2.csv", labels: again.labels, record: again.record, probabilities: again.probabilities)
        XCTAssertThrowsError(try ShardMerge.merge(parts + [again])) {
            XCTAssertEqual("\($0)", "shard 2/2 is given more than once: part-2.csv, rerun/part-2.csv")
        }
    }

    func testRefusesPartsOfAnotherModelSplitOrListingNamingThem() {
        let parts = Self.parts(Self.images, count: 2) { $0 % 2 + 1 }
        let other = Self.parts(Self.images, count: 2, model: "other-model") { $0 % 2 + 1 }
        XCTAssertThrowsError(try ShardMerge.merge([parts[0], other[1]])) {
            XCTAssertEqual("\($0)", "the shards do not belong together: part-1.csv and part-2.csv differ in model: m against other-model")
        }
        let thirds = Self.parts(Self.images, count: 3) { $0 % 3 + 1 }
        XCTAssertThrowsError(try ShardMerge.merge([parts[0], thirds[1]])) {
            XCTAssertEqual("\($0)", "the shards do not belong together: part-1.csv and part-2.csv differ in number of shards: shard 1/2 against shard 2/3")
        }
        var grown = parts[1]
        var record = grown.record
        record.listing.images += 1
        grown = ShardMerge.Part(name: "part-2.csv", labels: grown.labels, record: record)
        XCTAssertThrowsError(try ShardMerge.merge([parts[0], grown])) {
            XCTAssertTrue("\($0)".hasPrefix("the shards do not belong together: part-1.csv and part-2.csv differ in listing"), "\($0)")
            XCTAssertTrue("\($0)".contains("9 images, 0 unreadable, listing 00000000000000aa against 10 images"), "\($0)")
        }
    }

    func testRefusesLabelsOrProbabilitiesThatAreNotWhatTheRecordSays() {
        var parts = Self.parts(Self.images, count: 2) { $0 % 2 + 1 }
        let edited = parts[0].labels + Array(",99,NEUTROPHIL\r\n".utf8)
        parts[0] = ShardMerge.Part(name: "part-1.csv", labels: edited, record: parts[0].record, probabilities: parts[0].probabilities)
        XCTAssertThrowsError(try ShardMerge.merge(parts)) {
            XCTAssertEqual("\($0)", "part-1.csv (shard 1/2): its labels file is not what its shard record says was written "
                                    + "(edited, or the task stopped between the two?); rerun shard 1/2")
        }
        parts = Self.parts(Self.images, count: 2) { $0 % 2 + 1 }
        parts[1].probabilities = Array((parts[1].probabilities ?? []).dropLast(3))
        XCTAssertThrowsError(try ShardMerge.merge(parts)) { XCTAssertTrue("\($0)".hasPrefix("part-2.csv (shard 2/2): its probabilities file /p2 is not"), "\($0)") }
    }

    func testRefusesRecordsThatDoNotCoverTheListingExactlyOnce() {
        // Records that agree on everything else but were not made by one split (a bug, or a hand edit).
        func forged(_ owners: [[Int]]) -> [ShardMerge.Part] {
            let listing = ShardRecord.Listing(images: 3, unreadable: 0, fnv1a64: "00000000000000aa")
            return owners.enumerated().map { k, indices in
                var labels = LabelsFile()
                for i in indices { labels.setCategories(["NEUTROPHIL"], forImage: "\(i)") }
                let record = ShardRecord(shard: Shard(index: k + 1, count: owners.count), model: "m", folders: ["f"], listing: listing,
                                         unreadable: 0, items: indices.map { .init(index: $0, key: "\($0)") }, labels: labels.serialized())
                return ShardMerge.Part(name: "part-\(k + 1).csv", labels: labels.serialized(), record: record)
            }
        }
        XCTAssertThrowsError(try ShardMerge.merge(forged([[0, 1], [1, 2]]))) {
            XCTAssertEqual("\($0)", "image #2 of the listing is in two shards: part-1.csv and part-2.csv")
        }
        XCTAssertThrowsError(try ShardMerge.merge(forged([[0], [2]]))) { XCTAssertEqual("\($0)", "image #2 of the listing is in no shard") }
        XCTAssertThrowsError(try ShardMerge.merge(forged([[0, 5], [1, 2]]))) { XCTAssertTrue("\($0)".contains("past the listing's 3"), "\($0)") }
        var counted = forged([[0, 1], [2]])
        var record = counted[1].record
        record.unreadable = 1
        counted[1] = ShardMerge.Part(name: counted[1].name, labels: counted[1].labels, record: record)
        XCTAssertThrowsError(try ShardMerge.merge(counted)) {
            XCTAssertEqual("\($0)", "part-2.csv.shard.json is not a shard record: it counts 1 unreadable names in its shard, more than the listing's 0")
        }
    }

    /// Counts in a record are a file's numbers: a negative one is refused when read; one that no part
    /// backs up (2^50 or 3e9 images, Int.max unreadable names in three parts) is refused by merge at
    /// once, by name, without a buffer of that size or an overflow.
    func testRefusesCountsThePartsDoNotList() throws {
        let parts = Self.parts(Self.images, count: 3) { $0 % 3 + 1 }
        let text = String(decoding: parts[0].record.serialized(), as: UTF8.self)
        for (field, value) in [(#""images":9"#, #""images":-1"#), (#""unreadable":0},"model""#, #""unreadable":-5},"model""#),
                               ("\"unreadable\":0}\n", "\"unreadable\":-5}\n")] {
            XCTAssertTrue(text.contains(field), field)
            XCTAssertThrowsError(try ShardRecord(bytes: Array(text.replacingOccurrences(of: field, with: value).utf8)), value) {
                XCTAssertTrue("\($0)".contains("negative"), "\($0)")
            }
        }
        func with(_ change: (inout ShardRecord) -> Void) -> [ShardMerge.Part] {
            parts.map { part in
                var record = part.record
                change(&record)
                return ShardMerge.Part(name: part.name, labels: part.labels, record: record, probabilities: part.probabilities)
            }
        }
        for images in [1 << 50, 3_000_000_000, Int.max] {
            XCTAssertThrowsError(try ShardMerge.merge(with { $0.listing.images = images })) {
                XCTAssertEqual("\($0)", "image #10 of the listing is in no shard")
            }
        }
        XCTAssertThrowsError(try ShardMerge.merge(with { $0.listing.unreadable = Int.max; $0.unreadable = Int.max })) {
            XCTAssertTrue("\($0)".hasPrefix("part-2.csv.shard.json is not a shard record: it counts 9223372036854775807 unreadable names"), "\($0)")
        }
        XCTAssertThrowsError(try ShardMerge.merge(with { $0.unreadable = $0.shard.index == 2 ? 5 : 0 })) {
            XCTAssertTrue("\($0)".hasPrefix("part-2.csv.shard.json is not a shard record: it counts 5 unreadable names in its shard, more than the listing's 0"), "\($0)")
        }
    }
}
