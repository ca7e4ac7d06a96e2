import Foundation

/// Reads a whole file with errors a person can act on (missing, a folder, no permission).
enum FileBytes {
    /// Files past this size are not images this app should be reading into memory.
    static let maximumBytes = 512 << 20

    static func contents(of path: String) throws(ImageError) -> [UInt8] {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw .unreadable(path: path, reason: String(cString: strerror(errno))) }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw .unreadable(path: path, reason: String(cString: strerror(errno))) }
        guard (info.st_mode & S_IFMT) == S_IFREG else { throw .unreadable(path: path, reason: "not a regular file") }
        let size = Int(info.st_size)
        guard size > 0 else { throw .empty(path: path) }
        guard size <= maximumBytes else {
            throw .unreadable(path: path, reason: "file is \(size >> 20) MiB, more than \(maximumBytes >> 20) MiB")
        }
        var bytes = [UInt8](repeating: 0, count: size)
        var done = 0
        while done < size {
            let n = bytes.withUnsafeMutableBytes { read(fd, $0.baseAddress! + done, size - done) }
            if n < 0 {
                if errno == EINTR { continue }
                throw .unreadable(path: path, reason: String(cString: strerror(errno)))
            }
            if n == 0 { break }
            done += n
        }
        if done < size { bytes.removeLast(size - done) }
        guard !bytes.isEmpty else { throw .empty(path: path) }
        return bytes
    }
}
