import Foundation

/// Reads a whole file with errors a person can act on (missing, a folder, no permission).
enum FileBytes {
    /// Files past this size are not images this app should be reading into memory.
    static let maximumBytes = 512 << 20

    static func contents(of path: String) throws(ImageError) -> [UInt8] {
        // O_NONBLOCK: opening a FIFO (or a link to one) named cell.jpg would otherwise wait
        // forever for a writer, hanging `show` or the review's classifier thread. The type is
        // checked on the open descriptor, so what is read is what was checked. On a regular
        // file O_NONBLOCK changes nothing.
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        guard fd >= 0 else { throw .unreadable(path: path, reason: String(cString: strerror(errno))) }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw .unreadable(path: path, reason: String(cString: strerror(errno))) }
        guard (info.st_mode & S_IFMT) == S_IFREG else { throw .notARegularFile(path: path, kind: kind(of: info.st_mode)) }
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

    /// What a file that is not a regular file is, in words.
    static func kind(of mode: mode_t) -> String {
        switch mode & S_IFMT {
        case S_IFDIR: return "a folder"
        case S_IFIFO: return "a named pipe (FIFO)"
        case S_IFSOCK: return "a socket"
        case S_IFCHR: return "a character device"
        case S_IFBLK: return "a block device"
        default: return "something other than a file"
        }
    }
}
