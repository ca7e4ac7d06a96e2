import Foundation
import XCTest
import HematoBatch
import HematoReview

/// Replays the saved fuzz corpus of Fuzz/Corpus/shard-record through the entry points
/// fuzz-shard-record calls. Inputs that once crashed are kept there, so this is the regression test.
final class ShardRecordCorpusTests: XCTestCase {
    static let corpus = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fuzz/Corpus")

    static func inputs(_ target: String) throws -> [URL] {
        let folder = corpus.appendingPathComponent(target)
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
        return names.map { folder.appendingPathComponent($0) }
    }

    /// Fuzz/Corpus/shard-record, as fuzz-shard-record runs it: read or refused; an accepted record,
    /// given a labels file that matches it, merges or is refused by name. Seeds whose counts are
    /// negative are refused, and the records classify wrote merge.
    func testEveryShardRecordInputIsReadOrRefusedAndMergesOrIsRefused() throws {
        let inputs = try Self.inputs("shard-record")
        XCTAssertGreaterThan(inputs.count, 6)
        var merged = 0
        for url in inputs {
            let bytes = [UInt8](try Data(contentsOf: url))
            guard var record = try? ShardRecord(bytes: bytes) else { continue }
            XCTAssertEqual(try ShardRecord(bytes: record.serialized()), record, url.lastPathComponent)
            var labels = LabelsFile()
            for case let key? in record.items.map(\.key) { labels.setCategories(["NEUTROPHIL"], forImage: key) }
            record.labelsHash = ShardRecord.hash(labels.serialized())
            let part = ShardMerge.Part(name: url.lastPathComponent, labels: labels.serialized(), record: record)
            if (try? ShardMerge.merge([part])) != nil { merged += 1 }
            XCTAssertThrowsError(try ShardMerge.merge([part, part]), url.lastPathComponent)
        }
        XCTAssertEqual(merged, 0, "no seed is a whole listing on its own")
        let folder = Self.corpus.appendingPathComponent("shard-record")
        for name in ["listing-images-negative.json", "unreadable-negative.json"] {
            XCTAssertThrowsError(try ShardRecord(bytes: [UInt8](try Data(contentsOf: folder.appendingPathComponent(name)))), name)
        }
        let halves = try ["classify-shard-1-of-2.json", "classify-shard-2-of-2.json"].map { name -> ShardMerge.Part in
            var record = try ShardRecord(bytes: [UInt8](try Data(contentsOf: folder.appendingPathComponent(name))))
            var labels = LabelsFile()
            for case let key? in record.items.map(\.key) { labels.setCategories(["NEUTROPHIL"], forImage: key) }
            record.labelsHash = ShardRecord.hash(labels.serialized())
            return ShardMerge.Part(name: name, labels: labels.serialized(), record: record)
        }
        XCTAssertEqual(try ShardMerge.merge(halves).classified, 16)
    }
}
