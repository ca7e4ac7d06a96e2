/// A fast, stable fingerprint of file contents (FNV-1a, 64 bits): enough to
/// notice that a picture or a model file changed, not a security measure.
public enum ContentHash {
    public static func fnv1a64<Bytes: Sequence>(_ bytes: Bytes) -> UInt64 where Bytes.Element == UInt8 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in bytes { hash = (hash ^ UInt64(b)) &* 0x100_0000_01b3 }
        return hash
    }

    /// How the journal names a file's content: "fnv1a64:" and the hash in hex.
    public static func journalTag(_ bytes: [UInt8]) -> String { "fnv1a64:" + String(fnv1a64(bytes), radix: 16) }
}
