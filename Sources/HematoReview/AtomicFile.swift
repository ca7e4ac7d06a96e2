import Foundation

/// Replaces a file so that a crash at any moment leaves either the old
/// contents or the new, never a mix: write a temporary file in the same
/// folder, fsync it, rename it over the target, fsync the folder.
public enum AtomicFile {
    public struct Failure: Error, CustomStringConvertible, Equatable {
        public let path: String
        public let reason: String
        public var description: String { "cannot write \(DisplayName.escaped(path)): \(reason)" }
    }

    public static func write(_ bytes: [UInt8], to path: String) throws(Failure) {
        let folder = (path as NSString).deletingLastPathComponent.isEmpty ? "." : (path as NSString).deletingLastPathComponent
        let temporary = folder + "/." + (path as NSString).lastPathComponent + ".tmp-\(getpid())"
        func fail(_ what: String) -> Failure { Failure(path: path, reason: "\(what): \(String(cString: strerror(errno)))") }
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw fail("cannot create a temporary file in \(DisplayName.escaped(folder))") }
        guard WriteAll.write(fd, bytes) else {
            let failure = fail("write failed")
            close(fd); unlink(temporary)
            throw failure
        }
        guard fsync(fd) == 0 else {
            let failure = fail("fsync failed")
            close(fd); unlink(temporary)
            throw failure
        }
        close(fd)
        guard rename(temporary, path) == 0 else {
            let failure = fail("rename failed")
            unlink(temporary)
            throw failure
        }
        let dirfd = open(folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if dirfd >= 0 { fsync(dirfd); close(dirfd) }
    }
}
