import Glibc

/// An exclusive `flock` on a lock file. The kernel drops it when the holder exits in any
/// way (kill -9 included), so a stale lock never blocks anyone.
///
/// The lock file is opened O_NOFOLLOW and must be a regular file, and it is only written
/// (truncated, then the holder's description) once the lock is ours: a link planted at its
/// name is refused, and a file we do not hold is never truncated.
public final class LockFile {
    public enum Failure: Error, Equatable, Sendable {
        /// Someone holds it; what they wrote about themselves (may be empty).
        case held(by: String)
        case file(FileError)
    }

    public let path: String
    private let file: OpenFile

    /// The lock that guards writes to `file`: `.NAME.lock` beside the file its name finally refers
    /// to (links followed), so two names linked to one file share one lock.
    public static func path(guarding file: String) throws(FileError) -> String {
        let target = try AtomicReplace.resolvedTarget(of: file)
        let name = target.split(separator: "/").last.map(String.init) ?? target
        return AtomicReplace.folder(of: target) + "/." + name + ".lock"
    }

    /// `mode`: the permission bits the lock file takes once it is ours (those of the file it guards:
    /// it names the holder), where the owner may set them; nil leaves them as created.
    public init(path: String, holder: String, mode: mode_t? = nil) throws(Failure) {
        self.path = path
        while true {
            let fd: Int32
            do { fd = try Syscall.open(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_NONBLOCK, 0o644) } catch {
                throw .file(error == .tooManySymbolicLinks ? .symbolicLink(path: path) : .system(operation: "open", path: path, error))
            }
            let candidate = OpenFile(path: path, fd: fd)
            let kind: FileKind
            do { kind = try candidate.kind() } catch { throw .file(error) }
            guard kind == .regular else { throw .file(.notRegular(path: path, kind: kind)) }
            do { try Syscall.flock(fd, LOCK_EX | LOCK_NB) } catch {
                guard error == .wouldBlock else { throw .file(.system(operation: "flock", path: path, error)) }
                let text = (try? candidate.read(count: 4096, at: 0)) ?? []
                throw .held(by: String(decoding: text, as: UTF8.self))
            }
            // A holder that was leaving may have unlinked the file between our open and our
            // flock: then we hold a lock nobody else can see. Start again on the name's file.
            guard let now = try? Syscall.lstat(path), let mine = try? candidate.status(),
                  now.st_dev == mine.st_dev, now.st_ino == mine.st_ino else { continue }
            file = candidate
            break
        }
        let text = Array((holder + "\n").utf8)
        try? file.truncate(to: 0)
        if let mode { try? file.setPermissions(mode) }
        _ = try? Syscall.withBytes(text) { buffer throws(Errno) in try Syscall.pwrite(file.fd, buffer, at: 0) }
    }

    /// Removes the lock file while still holding the lock, then lets go: a reviewer who
    /// opened it just before is refused (or finds it unlinked and starts again on a new one).
    public func remove() {
        guard let now = try? Syscall.lstat(path), let mine = try? file.status(),
              now.st_dev == mine.st_dev, now.st_ino == mine.st_ino else { return }
        try? Syscall.unlink(path)
    }

    deinit { try? Syscall.flock(file.fd, LOCK_UN) }
}
