import Glibc

/// Replaces a file's contents so that a crash at any moment leaves the old bytes or the
/// new, never a mix: a fresh temporary file beside the real target, fsynced, renamed over
/// it, the folder fsynced.
///
/// - A symbolic link is followed to its target and kept: the target gets the new bytes
///   (the temporary goes in the target's folder, since rename cannot cross file systems).
/// - The old file's permission bits, and its owner where we may set it, are kept.
/// - The temporary is created O_EXCL|O_NOFOLLOW under a random name, mode 0600 until the
///   final chmod: nobody can plant a link at a name we are about to write through.
public enum AtomicReplace {
    /// `mode`: the permission bits the file gets, instead of the old file's (or, for a new file,
    /// 0666 less the umask). Returns the identity of the file now at the name (the target of a link).
    @discardableResult
    public static func write(_ bytes: [UInt8], to path: String, mode: mode_t? = nil) throws(FileError) -> FileIdentity {
        let target = try resolvedTarget(of: path)
        let old: stat?
        do { old = try Syscall.stat(target) } catch {
            guard error == .noSuchFile else { throw .system(operation: "stat", path: target, error) }
            old = nil
        }
        if let old, FileKind(mode: old.st_mode) != .regular { throw .notRegular(path: path, kind: FileKind(mode: old.st_mode)) }
        let folder = Self.folder(of: target)
        let (temporary, file) = try TemporaryFile.create(beside: target)
        let identity: FileIdentity
        do throws(FileError) {
            try file.writeAll(bytes)
            if let old {
                // Owner first: chown clears set-id bits, which the chmod then puts back.
                do { try Syscall.fchown(file.fd, old.st_uid, old.st_gid) } catch where error == .notPermitted {
                    // Not ours to give away (we are not root): the file becomes ours, as any editor's save does.
                } catch { throw FileError.system(operation: "chown", path: temporary, error) }
                do { try Syscall.fchmod(file.fd, mode ?? old.st_mode & 0o7777) } catch { throw FileError.system(operation: "chmod", path: temporary, error) }
            } else {
                do { try Syscall.fchmod(file.fd, mode ?? 0o666 & ~currentUmask()) } catch { throw FileError.system(operation: "chmod", path: temporary, error) }
            }
            try file.sync()
            identity = FileIdentity(try file.status())  // a rename changes neither the inode nor the time
            do { try Syscall.rename(temporary, target) } catch { throw FileError.system(operation: "rename", path: target, error) }
        } catch {
            try? Syscall.unlink(temporary)
            throw error
        }
        // The rename is durable once the folder is; a failure here loses nothing already written.
        if let dir = try? Syscall.open(folder, O_RDONLY | O_DIRECTORY) {
            try? Syscall.fsync(dir)
            Syscall.close(dir)
        }
        return identity
    }

    /// The file a name finally refers to, following links (relative ones from the link's
    /// folder) until a name that is not a link, which may not exist yet.
    static func resolvedTarget(of path: String) throws(FileError) -> String {
        var current = path
        for _ in 0..<40 {  // the kernel's own limit on links in a row (ELOOP)
            let info: stat
            do { info = try Syscall.lstat(current) } catch {
                if error == .noSuchFile { return current }
                throw .system(operation: "lstat", path: current, error)
            }
            guard FileKind(mode: info.st_mode) == .symbolicLink else { return current }
            let link: String
            do { link = try Syscall.readlink(current) } catch { throw .system(operation: "readlink", path: current, error) }
            current = link.hasPrefix("/") ? link : folder(of: current) + "/" + link
        }
        throw .system(operation: "resolve", path: path, .tooManySymbolicLinks)
    }

    static func folder(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }

    /// umask can only be read by setting it; /proc says it without the race.
    static func currentUmask() -> mode_t {
        if let status = try? RegularFile.contentsIfPresent("/proc/self/status"),
           let line = String(decoding: status, as: UTF8.self).split(separator: "\n").first(where: { $0.hasPrefix("Umask:") }),
           let value = mode_t(line.dropFirst("Umask:".count).trimmingCharacters(in: " \t"), radix: 8) {
            return value
        }
        return 0o022
    }
}

/// A new file under a name nobody could have guessed (mkstemp's idea): O_CREAT|O_EXCL|O_NOFOLLOW,
/// mode 0600, so an existing file or a planted link is never opened, let alone written through.
enum TemporaryFile {
    static func create(beside target: String) throws(FileError) -> (String, OpenFile) {
        let folder = AtomicReplace.folder(of: target)
        let name = target.split(separator: "/").last.map(String.init) ?? target
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<100 {
            let suffix = String(generator.next() as UInt64, radix: 36)
            let path = folder + "/." + name + ".tmp-" + suffix
            do {
                let fd = try Syscall.open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, 0o600)
                return (path, OpenFile(path: path, fd: fd))
            } catch {
                if error == .fileExists { continue }
                throw .system(operation: "create a temporary file", path: folder, error)
            }
        }
        throw .system(operation: "create a temporary file", path: folder, .fileExists)
    }
}

extension StringProtocol {
    fileprivate func trimmingCharacters(in set: String) -> Substring {
        var s = self[...]
        while let f = s.first, set.contains(f) { s = s.dropFirst() }
        while let l = s.last, set.contains(l) { s = s.dropLast() }
        return Substring(s)
    }
}
