import Glibc

/// An open descriptor that closes itself. The ways to get one say what was checked:
/// `openRegular` refuses links (unless asked to follow) and anything but a regular file.
public final class OpenFile {
    public let path: String
    let fd: Int32

    init(path: String, fd: Int32) {
        self.path = path
        self.fd = fd
    }

    deinit { Syscall.close(fd) }

    /// Opens an existing regular file. O_NONBLOCK so that a FIFO (or a link to one) never
    /// hangs the open waiting for a writer; the type is then checked on the descriptor, so
    /// what is read is what was checked. O_NOFOLLOW unless `followLinks`: a link planted
    /// where a file of ours belongs must not redirect our writes.
    public static func openRegular(_ path: String, writing: Bool = false, followLinks: Bool) throws(FileError) -> OpenFile {
        let flags = (writing ? O_RDWR : O_RDONLY) | O_NONBLOCK | (followLinks ? 0 : O_NOFOLLOW)
        let fd: Int32
        do { fd = try Syscall.open(path, flags) } catch {
            if error == .tooManySymbolicLinks, !followLinks { throw .symbolicLink(path: path) }
            throw .system(operation: "open", path: path, error)
        }
        let file = OpenFile(path: path, fd: fd)
        let kind = try file.kind()
        guard kind == .regular else { throw .notRegular(path: path, kind: kind) }
        return file
    }

    public func status() throws(FileError) -> Glibc.stat {
        do { return try Syscall.fstat(fd) } catch { throw .system(operation: "fstat", path: path, error) }
    }

    public func kind() throws(FileError) -> FileKind { FileKind(mode: try status().st_mode) }

    public func size() throws(FileError) -> Int { Int(try status().st_size) }

    /// The whole file, refusing one larger than `limit` bytes before reading it.
    public func readAll(limit: Int = Int.max) throws(FileError) -> [UInt8] {
        let expected = try size()
        guard expected <= limit else { throw .tooLarge(path: path, bytes: expected, limit: limit) }
        var bytes = [UInt8](repeating: 0, count: expected)
        var done = 0
        while done < expected {
            let n: Int
            do { n = try Syscall.withMutableBytes(&bytes) { buffer throws(Errno) in try Syscall.read(fd, UnsafeMutableRawBufferPointer(rebasing: buffer[done...])) } } catch {
                throw .system(operation: "read", path: path, error)
            }
            if n == 0 { break }  // the file shrank while we read
            done += n
        }
        if done < expected { bytes.removeLast(expected - done) }
        return bytes
    }

    public func read(count: Int, at offset: Int) throws(FileError) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: count)
        let n: Int
        do { n = try Syscall.withMutableBytes(&bytes) { buffer throws(Errno) in try Syscall.pread(fd, buffer, at: offset) } } catch {
            throw .system(operation: "read", path: path, error)
        }
        return Array(bytes[0..<n])
    }

    public func writeAll(_ bytes: [UInt8]) throws(FileError) {
        var written = 0
        do { try Syscall.withBytes(bytes) { buffer throws(Errno) in try Syscall.writeAll(fd, buffer, written: &written) } } catch {
            throw .system(operation: "write", path: path, error)
        }
    }

    public func sync() throws(FileError) {
        do { try Syscall.fsync(fd) } catch { throw .system(operation: "fsync", path: path, error) }
    }

    /// Sets the permission bits (chmod) unless they already are `mode`.
    public func setPermissions(_ mode: mode_t) throws(FileError) {
        guard try status().st_mode & 0o7777 != mode else { return }
        do { try Syscall.fchmod(fd, mode) } catch { throw .system(operation: "chmod", path: path, error) }
    }

    public func truncate(to length: Int) throws(FileError) {
        do { try Syscall.ftruncate(fd, length) } catch { throw .system(operation: "truncate", path: path, error) }
    }
}

/// A file's permission bits, for files made beside it that must be no more readable than it.
public enum FilePermissions {
    /// The permission bits (rwx for user, group, others) of what `path` refers to, links followed;
    /// nil when nothing is there or it cannot be looked at.
    public static func of(_ path: String) -> mode_t? {
        guard let info = try? Syscall.stat(path) else { return nil }
        return info.st_mode & 0o777
    }

    /// The bits of `path` without execute (for data files made after it); nil when nothing is there.
    public static func forData(beside path: String) -> mode_t? { of(path).map { $0 & 0o666 } }
}

/// Reading a whole regular file in one call, for the callers that want only the bytes.
public enum RegularFile {
    /// The file's bytes; nil when nothing has that name.
    public static func contentsIfPresent(_ path: String, followLinks: Bool = true, limit: Int = Int.max) throws(FileError) -> [UInt8]? {
        do {
            return try OpenFile.openRegular(path, followLinks: followLinks).readAll(limit: limit)
        } catch .system(_, _, let e) where e == .noSuchFile {
            return nil
        }
    }
}
