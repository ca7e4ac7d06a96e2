import Glibc

/// A file the app writes beside labels.csv on its own account (the model's record of the rows it
/// wrote, a labels export): replaced atomically like labels.csv, but never through what already
/// has its name. A link there is not followed (someone may have planted it to redirect our write),
/// and a FIFO, device or folder is refused rather than written into. The new file takes the
/// permission bits of the file it describes, so it is never more readable than the labels it holds.
public enum SideFile {
    public static func replace(_ bytes: [UInt8], at path: String, modeOf reference: String?) throws(FileError) {
        let existing: stat?
        do { existing = try Syscall.lstat(path) } catch {
            guard error == .noSuchFile else { throw .system(operation: "lstat", path: path, error) }
            existing = nil
        }
        if let existing {
            let kind = FileKind(mode: existing.st_mode)
            if kind == .symbolicLink { throw .symbolicLink(path: path) }
            if kind != .regular { throw .notRegular(path: path, kind: kind) }
        }
        // Read and write bits only: a record is never executable, set-id or sticky.
        let mode = reference.flatMap(FilePermissions.forData(beside:)) ?? (0o666 & ~AtomicReplace.currentUmask())
        let (temporary, file) = try TemporaryFile.create(beside: path)
        do throws(FileError) {
            try file.writeAll(bytes)
            do { try Syscall.fchmod(file.fd, mode) } catch { throw FileError.system(operation: "chmod", path: temporary, error) }
            try file.sync()
            // rename replaces whatever has the name now (a link swapped in after the check
            // included) and never writes through it.
            do { try Syscall.rename(temporary, path) } catch { throw FileError.system(operation: "rename", path: path, error) }
        } catch {
            try? Syscall.unlink(temporary)
            throw error
        }
        if let dir = try? Syscall.open(AtomicReplace.folder(of: path), O_RDONLY | O_DIRECTORY) {
            try? Syscall.fsync(dir)
            Syscall.close(dir)
        }
    }

    /// Whether two names lead (through links) to one file: an export must not overwrite what it is read from.
    public static func sameFile(_ a: String, _ b: String) -> Bool {
        guard let x = try? Syscall.stat(a), let y = try? Syscall.stat(b) else { return false }
        return x.st_dev == y.st_dev && x.st_ino == y.st_ino
    }
}

extension SideFile {
    /// Whether writing to this name streams into something (a FIFO, a terminal, /dev/null, or a
    /// link to one) rather than leaving a file: such output has no file beside it to describe.
    public static func isStream(_ path: String) -> Bool {
        guard path != "-" else { return true }
        guard let info = try? Syscall.stat(path) else { return false }
        return [.fifo, .characterDevice, .blockDevice, .socket].contains(FileKind(mode: info.st_mode))
    }
}
