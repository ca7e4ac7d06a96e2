import Glibc

/// Which file a name held, and which version of it: device, inode, size and modification time.
/// A program that replaces the file (a new inode) or writes into it (a new size or time) changes
/// it, so comparing two of these says cheaply whether a file we wrote is still what we wrote.
public struct FileIdentity: Equatable, Sendable {
    let device: UInt64
    let inode: UInt64
    public let size: Int
    let modified: timespec

    init(_ info: stat) {
        device = UInt64(info.st_dev)
        inode = UInt64(info.st_ino)
        size = Int(info.st_size)
        modified = info.st_mtim
    }

    /// What `path` refers to now (links followed); nil when nothing is there or it cannot be looked at.
    public static func of(_ path: String) -> FileIdentity? {
        (try? Syscall.stat(path)).map(FileIdentity.init)
    }

    public static func == (a: FileIdentity, b: FileIdentity) -> Bool {
        a.device == b.device && a.inode == b.inode && a.size == b.size
            && a.modified.tv_sec == b.modified.tv_sec && a.modified.tv_nsec == b.modified.tv_nsec
    }
}

extension RegularFile {
    /// The file's bytes and the identity of the very file they were read from (one descriptor);
    /// nil when nothing has that name.
    public static func contentsAndIdentity(_ path: String, followLinks: Bool = true) throws(FileError) -> (bytes: [UInt8], identity: FileIdentity)? {
        let file: OpenFile
        do {
            file = try OpenFile.openRegular(path, followLinks: followLinks)
        } catch .system(_, _, let e) where e == .noSuchFile {
            return nil
        }
        let bytes = try file.readAll()
        return (bytes, FileIdentity(try file.status()))
    }
}
