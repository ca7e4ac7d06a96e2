/// A fast, stable fingerprint of bytes (FNV-1a, 64 bits): enough to notice that a picture or a model
/// file changed, and to split a folder's listing into shards the same way on every machine; not a
/// security measure. Its values are part of file formats (the journal, the model id, the shard split).
public enum ContentHash {
    /// `start` continues an earlier hash, so a sequence of pieces can be hashed without joining them.
    public static func fnv1a64<Bytes: Sequence>(_ bytes: Bytes, startingAt start: UInt64 = 0xcbf2_9ce4_8422_2325) -> UInt64
    where Bytes.Element == UInt8 {
        var hash = start
        for b in bytes { hash = (hash ^ UInt64(b)) &* 0x100_0000_01b3 }
        return hash
    }

    /// How the journal names a file's content: "fnv1a64:" and the hash in hex.
    public static func journalTag(_ bytes: [UInt8]) -> String { "fnv1a64:" + String(fnv1a64(bytes), radix: 16) }
}
