import Glibc

/// A file that only grows by whole records, each fsynced before `append` returns.
///
/// - Opened (and created) only at the first append, O_NOFOLLOW, and it must be a regular file.
/// - A record that cannot be written whole is taken back (ftruncate to the length before it),
///   so a failed append leaves the file as it was: full disks leave no torn records.
/// - A file left ending mid-record (a crash or power cut) gets a line break before the next
///   record, so a torn tail stays a line of its own and never glues onto a new record.
public final class AppendOnlyFile {
    /// The write system call, replaceable so tests can make a disk fill up after N bytes.
    public typealias Write = (Int32, UnsafeRawBufferPointer) throws(Errno) -> Int

    public let path: String
    private let writeCall: Write
    private var file: OpenFile?
    private var length = 0
    private var needsLineBreak = false

    /// The permission bits the file takes when it is opened (created or not), where its owner may
    /// set them; nil: as created (0644 less the umask).
    private let mode: mode_t?

    public init(path: String, mode: mode_t? = nil, write: Write? = nil) {
        self.path = path
        self.mode = mode
        if let write { writeCall = write } else { writeCall = Syscall.write }
    }

    /// Appends `record` (which ends in "\n") durably, or throws and leaves the file as it was.
    public func append(_ record: [UInt8]) throws(FileError) {
        let file = try openIfNeeded()
        let bytes = (needsLineBreak ? [0x0A] : []) + record
        var written = 0
        do throws(Errno) {
            try Syscall.withBytes(bytes) { buffer throws(Errno) in try Syscall.writeAll(file.fd, buffer, using: writeCall, written: &written) }
            try Syscall.fsync(file.fd)
        } catch {
            // Not durable, so not a record: take back whatever part of it reached the file.
            try? file.truncate(to: length)
            try? file.sync()
            throw .system(operation: written < bytes.count ? "write" : "fsync", path: path, error)
        }
        length += bytes.count
        needsLineBreak = false
    }

    private func openIfNeeded() throws(FileError) -> OpenFile {
        if let file { return file }
        let fd: Int32
        do { fd = try Syscall.open(path, O_RDWR | O_APPEND | O_CREAT | O_NOFOLLOW | O_NONBLOCK, 0o644) } catch {
            throw error == .tooManySymbolicLinks ? .symbolicLink(path: path) : .system(operation: "open", path: path, error)
        }
        let opened = OpenFile(path: path, fd: fd)
        let kind = try opened.kind()
        guard kind == .regular else { throw .notRegular(path: path, kind: kind) }
        // Not ours to change (another user's file): it keeps its bits, as an editor's save would.
        if let mode { try? opened.setPermissions(mode) }
        length = try opened.size()
        if length > 0 {
            needsLineBreak = try opened.read(count: 1, at: length - 1) != [0x0A]
        }
        file = opened
        return opened
    }
}
