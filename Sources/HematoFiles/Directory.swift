import Glibc

/// Reading folders: their entries, named by the bytes the file system holds, and what an entry
/// is when the folder does not record it. Which entries matter (images, say) is the caller's
/// policy; this file only lists and looks, and turns errno into `FileError`.
public enum Directory {
    /// What an entry is, as the folder records it (d_type), so that listing costs no stat per entry.
    public enum EntryType: Equatable, Sendable {
        case regular, directory, symbolicLink
        /// Anything else: a FIFO, a socket, a device.
        case other
        /// The file system does not record types (some network and older file systems do not),
        /// or looking failed: `typeWithoutFollowing` or `kind` must say.
        case unknown

        init(dType: UInt8) {
            switch Int32(dType) {
            case Int32(DT_REG): self = .regular
            case Int32(DT_DIR): self = .directory
            case Int32(DT_LNK): self = .symbolicLink
            case Int32(DT_UNKNOWN): self = .unknown
            default: self = .other
            }
        }

        init(mode: mode_t) {
            switch mode & S_IFMT {
            case S_IFREG: self = .regular
            case S_IFDIR: self = .directory
            case S_IFLNK: self = .symbolicLink
            default: self = .other
            }
        }
    }

    public struct Entry: Equatable, Sendable {
        /// One path component, as the file system holds it: it may not be UTF-8.
        public let name: [UInt8]
        public let type: EntryType
    }

    /// The entries of the folder at `path` that `keep` accepts, "." and ".." left out, in the
    /// folder's own order. `keep` sees each name in place, before it is copied: a folder of
    /// 100,000 files costs a copy only of the names kept.
    public static func entries(_ path: [UInt8],
                               keeping keep: (_ name: UnsafeRawBufferPointer, _ type: EntryType) -> Bool) throws(FileError) -> [Entry] {
        let folder: OpaquePointer
        do { folder = try Syscall.opendir(path) } catch {
            throw .system(operation: "open folder", path: String(decoding: path, as: UTF8.self), error)
        }
        defer { closedir(folder) }
        var entries: [Entry] = []
        // readdir's end and its failure look alike (NULL); a folder that fails halfway lists what it gave.
        while let entry = readdir(folder) {
            let type = EntryType(dType: entry.pointee.d_type)
            let kept: [UInt8]? = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                let name = UnsafeRawBufferPointer(rebasing: raw[..<(raw.firstIndex(of: 0) ?? raw.count)])
                guard !isSelfOrParent(name), keep(name, type) else { return nil }
                return Array(name)
            }
            if let kept { entries.append(Entry(name: kept, type: type)) }
        }
        return entries
    }

    /// What `path` itself is, a link staying a link (lstat); `.unknown` when it cannot be looked at.
    public static func typeWithoutFollowing(_ path: [UInt8]) -> EntryType {
        guard let info = try? Syscall.lstat(path) else { return .unknown }
        return EntryType(mode: info.st_mode)
    }

    /// What `path` leads to, links followed (stat): a link to nothing or a loop throws, with its errno.
    public static func kind(_ path: [UInt8]) throws(FileError) -> FileKind {
        do { return FileKind(mode: try Syscall.stat(path).st_mode) } catch {
            throw .system(operation: "stat", path: String(decoding: path, as: UTF8.self), error)
        }
    }

    private static func isSelfOrParent(_ name: UnsafeRawBufferPointer) -> Bool {
        let dot = UInt8(ascii: ".")
        return (name.count == 1 && name[0] == dot) || (name.count == 2 && name[0] == dot && name[1] == dot)
    }
}
