import Foundation

/// write(2) may take only part of the bytes, or be interrupted by a signal:
/// this keeps going until all are written or a real error stops it.
public enum WriteAll {
    /// Returns false (errno set) when the descriptor refused the bytes.
    public static func write<Bytes: ContiguousBytes>(_ fd: Int32, _ bytes: Bytes) -> Bool {
        bytes.withUnsafeBytes { raw in
            var done = 0
            while done < raw.count {
                let n = Glibc.write(fd, raw.baseAddress! + done, raw.count - done)
                if n < 0 && errno == EINTR { continue }
                if n <= 0 { return false }
                done += n
            }
            return true
        }
    }
}
