import Glibc

/// write(2) may take only part of the bytes, or be interrupted by a signal:
/// this keeps going until all are written or a real error stops it.
public enum WriteAll {
    /// Throws the descriptor's error when it refused the bytes (`noSpace` when it took none).
    public static func write(_ fd: Int32, _ bytes: [UInt8]) throws(Errno) {
        var written = 0
        try Syscall.withBytes(bytes) { raw throws(Errno) in try Syscall.writeAll(fd, raw, written: &written) }
    }
}
