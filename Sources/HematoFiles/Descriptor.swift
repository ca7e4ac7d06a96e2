import Glibc

/// Descriptors that are not files of ours: the terminal, a pipe. A reader that must never
/// block past its own deadline waits with `waitForInput` and takes what came with
/// `readAvailable`; a signal arriving meanwhile is "nothing yet", not an error.
public enum Descriptor {
    /// poll(2) for input on each of `fds`, waiting at most `milliseconds` (-1: until one has some).
    /// Per descriptor: whether it has input, has hung up or failed (a read then says which).
    /// All false when the time ran out or a signal cut the wait short: the caller works out
    /// what is left of its wait, which a retried poll could not.
    public static func waitForInput(_ fds: [Int32], milliseconds: Int32) throws(Errno) -> [Bool] {
        var polled = fds.map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
        let ready = poll(&polled, nfds_t(polled.count), milliseconds)
        if ready < 0 {
            let e = Errno.current
            if e == .interrupted { return fds.map { _ in false } }
            throw e
        }
        return polled.map { ready > 0 && $0.revents != 0 }
    }

    /// read(2) of at most `limit` bytes: what was there (empty at the end of input), or nil
    /// when nothing was after all (a signal interrupted the read, or non-blocking input had none).
    public static func readAvailable(_ fd: Int32, limit: Int) throws(Errno) -> [UInt8]? {
        var buffer = [UInt8](repeating: 0, count: limit)
        let n = buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
        if n < 0 {
            let e = Errno.current
            if e == .interrupted || e == .wouldBlock { return nil }
            throw e
        }
        buffer.removeLast(limit - n)
        return buffer
    }
}
