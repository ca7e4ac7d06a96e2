import Foundation

/// One reviewer per label file. An advisory `flock` on a lock file beside the
/// CSV: the kernel drops it when the holder exits in any way (kill -9 and a
/// dropped SSH session included), so a stale lock never blocks anyone.
public final class ReviewLock {
    public struct Refusal: Error, CustomStringConvertible, Equatable {
        public let path: String
        public let holder: String
        public var description: String {
            "another review is open on this folder (\(holder)). Two reviewers writing one label file " +
            "would lose each other's work; wait for it to finish, or review into another file with --output."
        }
    }

    public let path: String
    private let fd: Int32

    public init(path: String, describing me: String) throws {
        self.path = path
        fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            throw AtomicFile.Failure(path: path, reason: "cannot create the lock file: \(String(cString: strerror(errno)))")
        }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            let holder = (try? String(contentsOfFile: path, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines)
            close(fd)
            throw Refusal(path: path, holder: holder.map(DisplayName.escaped).flatMap { $0.isEmpty ? nil : $0 } ?? "holder unknown")
        }
        ftruncate(fd, 0)
        let text = Array((me + "\n").utf8)
        _ = text.withUnsafeBytes { pwrite(fd, $0.baseAddress, $0.count, 0) }
    }

    deinit {
        flock(fd, LOCK_UN)
        close(fd)
    }
}
