import HematoBatch
import HematoReview

/// `.shard.json`: `ShardRecord(bytes:)` returns or throws `Malformed`; a record it accepts is
/// written back and read again as the same record; and merging it, as the only part or as two
/// copies, with a labels file that matches it (so the merge gets past the hash check to its
/// counts and places), returns or throws `ShardMergeError`, never a trap or a buffer its numbers ask for.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzShardRecord(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let bytes = size == 0 ? [] : Array(UnsafeBufferPointer(start: data, count: size))
    guard var record = try? ShardRecord(bytes: bytes) else { return 0 }
    precondition((try? ShardRecord(bytes: record.serialized())) == record, "read, written and read again, the record changed")
    var labels = LabelsFile()
    for case let key? in record.items.map(\.key) { labels.setCategories(["NEUTROPHIL"], forImage: key) }
    let labelBytes = labels.serialized()
    record.labelsHash = ShardRecord.hash(labelBytes)
    let part = ShardMerge.Part(name: "part.csv", labels: labelBytes, record: record)
    _ = try? ShardMerge.merge([part])
    _ = try? ShardMerge.merge([part, part])
    return 0
}
