import Glibc

/// A regular file mapped read-only into memory for as long as this object lives: the model
/// file's weights are used where they lie, never copied (safetensors' point).
public final class MappedFile: @unchecked Sendable {  // the mapping is read-only and never changes
    public let path: String
    public let bytes: UnsafeRawBufferPointer

    /// Opens with the same checks as `OpenFile.openRegular` (non-blocking, regular files only).
    public init(path: String, followLinks: Bool = true) throws(FileError) {
        self.path = path
        let file = try OpenFile.openRegular(path, followLinks: followLinks)
        let size = try file.size()
        guard size > 0 else {
            bytes = UnsafeRawBufferPointer(start: nil, count: 0)
            return
        }
        guard let base = mmap(nil, size, PROT_READ, MAP_PRIVATE, file.fd, 0), base != MAP_FAILED else {
            throw .system(operation: "mmap", path: path, Errno.current)
        }
        bytes = UnsafeRawBufferPointer(start: base, count: size)
    }

    deinit {
        if let base = bytes.baseAddress { munmap(UnsafeMutableRawPointer(mutating: base), bytes.count) }
    }
}
