import HematoFiles
import HematoReview

/// One part of a folder listing split N ways (`classify --shard K/N`, a Slurm array task).
///
/// An image belongs to shard `fnv1a64(path relative to its folder) mod N + 1`: a hash of
/// the name's bytes, so the split is the same on every machine, in every run and every
/// Swift version (Swift's own `Hasher` is seeded afresh per process), and a shard never
/// needs to know what the other shards hold.
public struct Shard: Equatable, Hashable, Sendable, CustomStringConvertible {
    /// 1...count.
    public let index: Int
    public let count: Int

    /// More than any scheduler runs as one array (Slurm's MaxArraySize tops out at 4,000,001).
    public static let maximumCount = 1_000_000

    public enum ParseError: Error, Equatable, CustomStringConvertible {
        case notKOverN(String)
        case countOutOfRange(String)
        case indexOutOfRange(String)

        public var description: String {
            switch self {
            case .notKOverN(let text):
                return "--shard wants K/N, two whole numbers such as 2/8 (shard 2 of 8), not \(DisplayName.escaped(text).debugDescription)"
            case .countOutOfRange(let text):
                return "--shard \(DisplayName.escaped(text)): N, the number of shards, must be from 1 to \(Shard.maximumCount)"
            case .indexOutOfRange(let text):
                return "--shard \(DisplayName.escaped(text)): K counts from 1 to N (for a Slurm array that starts at 0, pass $((SLURM_ARRAY_TASK_ID + 1)))"
            }
        }
    }

    public init(index: Int, count: Int) {
        precondition((1...Self.maximumCount).contains(count) && (1...count).contains(index), "shard \(index)/\(count)")
        self.index = index
        self.count = count
    }

    /// "K/N", both decimal digits only (no sign, no spaces).
    public init(parsing text: String) throws(ParseError) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        func number(_ s: Substring) -> Int? {
            guard !s.isEmpty, s.count <= 9, s.utf8.allSatisfy({ (0x30...0x39).contains($0) }) else { return nil }
            return Int(s)
        }
        guard parts.count == 2, let k = number(parts[0]), let n = number(parts[1]) else { throw .notKOverN(text) }
        guard (1...Self.maximumCount).contains(n) else { throw .countOutOfRange(text) }
        guard (1...n).contains(k) else { throw .indexOutOfRange(text) }
        self.init(index: k, count: n)
    }

    public var description: String { "\(index)/\(count)" }

    /// Whether the image at this path (relative to its folder, as the file system's bytes) is ours.
    public func contains<Path: Sequence>(relativePath: Path) -> Bool where Path.Element == UInt8 {
        Self.index(ofRelativePath: relativePath, count: count) == index
    }

    /// The shard (1...count) a path relative to its folder belongs to.
    public static func index<Path: Sequence>(ofRelativePath path: Path, count: Int) -> Int where Path.Element == UInt8 {
        Int(ContentHash.fnv1a64(path) % UInt64(count)) + 1
    }
}
