import Foundation

/// One file per fuzzing process, rewritten with each input, for entry points that
/// read a path (`Journal.read`, `ModelFile(path:)`, and tjLoadImage behind BMP and PPM).
/// On tmpfs where there is one, so an execution costs no disk I/O.
public enum ScratchFile {
    public static let path: String = {
        let folder = FileManager.default.fileExists(atPath: "/dev/shm") ? "/dev/shm" : NSTemporaryDirectory()
        return "\(folder)/hematovision-fuzz-\(getpid())"
    }()

    /// Replaces the file's contents with `bytes` and returns its path.
    public static func write(_ bytes: UnsafeRawBufferPointer) -> String {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        precondition(fd >= 0, "cannot create the scratch file \(path): \(String(cString: strerror(errno)))")
        defer { close(fd) }
        var done = 0
        while done < bytes.count {
            let n = Glibc.write(fd, bytes.baseAddress! + done, bytes.count - done)
            precondition(n > 0 || errno == EINTR, "cannot write the scratch file \(path)")
            if n > 0 { done += n }
        }
        return path
    }
}
