import Glibc

/// Why a file operation failed, naming the file and the step. `reason` leaves the path out:
/// the layers above print paths their own way (escaped for a terminal).
public enum FileError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A system call failed; `operation` names it in words ("open", "fsync", ...).
    case system(operation: String, path: String, Errno)
    /// The name is a symbolic link where following one could write into another file.
    case symbolicLink(path: String)
    /// A folder, FIFO, socket or device where a regular file was expected.
    case notRegular(path: String, kind: FileKind)
    /// Larger than the caller is willing to read into memory.
    case tooLarge(path: String, bytes: Int, limit: Int)

    public var path: String {
        switch self {
        case .system(_, let p, _), .symbolicLink(let p), .notRegular(let p, _), .tooLarge(let p, _, _): return p
        }
    }

    /// The system's error number, where one caused this. Not named `errno`: above HematoFiles
    /// that word stays unused, so a search for it finds only this module.
    public var systemError: Errno? {
        if case .system(_, _, let e) = self { return e }
        return nil
    }

    public var reason: String {
        switch self {
        case .system(let operation, _, let e): return "\(operation) failed: \(e)"
        case .symbolicLink: return "it is a symbolic link, which is not followed here (it could point at another file)"
        case .notRegular(_, let kind): return "it is \(kind), not a regular file"
        case .tooLarge(_, let bytes, let limit): return "the file is \(bytes >> 20) MiB, more than \(limit >> 20) MiB"
        }
    }

    public var description: String { reason }
}

/// What kind of thing a name is, from `st_mode`.
public enum FileKind: Equatable, Sendable, CustomStringConvertible {
    case regular, directory, fifo, socket, characterDevice, blockDevice, symbolicLink, other

    init(mode: mode_t) {
        switch mode & S_IFMT {
        case S_IFREG: self = .regular
        case S_IFDIR: self = .directory
        case S_IFIFO: self = .fifo
        case S_IFSOCK: self = .socket
        case S_IFCHR: self = .characterDevice
        case S_IFBLK: self = .blockDevice
        case S_IFLNK: self = .symbolicLink
        default: self = .other
        }
    }

    public var description: String {
        switch self {
        case .regular: return "a file"
        case .directory: return "a folder"
        case .fifo: return "a named pipe (FIFO)"
        case .socket: return "a socket"
        case .characterDevice: return "a character device"
        case .blockDevice: return "a block device"
        case .symbolicLink: return "a symbolic link"
        case .other: return "something other than a file"
        }
    }
}
