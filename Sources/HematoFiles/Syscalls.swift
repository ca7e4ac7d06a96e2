import Glibc

/// The system calls this project makes on files, one thin wrapper each (swift-system's
/// `Internals/Syscalls.swift` style): EINTR is retried, failure becomes a thrown `Errno`.
/// Nothing here decides policy; the files beside this one do.
enum Syscall {
    static func retrying<T: BinaryInteger>(_ call: () -> T) throws(Errno) -> T {
        while true {
            let r = call()
            if r >= 0 { return r }
            let e = Errno.current
            if e != .interrupted { throw e }
        }
    }

    static func open(_ path: String, _ flags: Int32, _ mode: mode_t = 0) throws(Errno) -> Int32 {
        try retrying { Glibc.open(path, flags | O_CLOEXEC, mode) }
    }

    static func close(_ fd: Int32) { _ = Glibc.close(fd) }  // never retried: on Linux the descriptor is gone either way

    static func fstat(_ fd: Int32) throws(Errno) -> Glibc.stat {
        var info = Glibc.stat()
        _ = try retrying { Glibc.fstat(fd, &info) }
        return info
    }

    static func lstat(_ path: String) throws(Errno) -> Glibc.stat {
        var info = Glibc.stat()
        _ = try retrying { Glibc.lstat(path, &info) }
        return info
    }

    static func stat(_ path: String) throws(Errno) -> Glibc.stat {
        var info = Glibc.stat()
        _ = try retrying { statFunction(path, &info) }
        return info
    }

    /// The same two for a path given as bytes (a name read from a folder need not be UTF-8).
    static func lstat(_ path: [UInt8]) throws(Errno) -> Glibc.stat {
        var info = Glibc.stat()
        _ = try retrying { withCPath(path) { Glibc.lstat($0, &info) } }
        return info
    }

    static func stat(_ path: [UInt8]) throws(Errno) -> Glibc.stat {
        var info = Glibc.stat()
        _ = try retrying { withCPath(path) { statFunction($0, &info) } }
        return info
    }

    static func opendir(_ path: [UInt8]) throws(Errno) -> OpaquePointer {
        while true {
            if let folder = withCPath(path, { Glibc.opendir($0) }) { return folder }
            let e = Errno.current
            if e != .interrupted { throw e }
        }
    }

    /// `bytes` as a NUL-terminated C string for the length of `body`.
    static func withCPath<R>(_ bytes: [UInt8], _ body: (UnsafePointer<CChar>) -> R) -> R {
        (bytes + [0]).withUnsafeBufferPointer { $0.withMemoryRebound(to: CChar.self) { body($0.baseAddress!) } }
    }

    static func read(_ fd: Int32, _ buffer: UnsafeMutableRawBufferPointer) throws(Errno) -> Int {
        try retrying { Glibc.read(fd, buffer.baseAddress, buffer.count) }
    }

    static func write(_ fd: Int32, _ buffer: UnsafeRawBufferPointer) throws(Errno) -> Int {
        try retrying { Glibc.write(fd, buffer.baseAddress, buffer.count) }
    }

    static func pread(_ fd: Int32, _ buffer: UnsafeMutableRawBufferPointer, at offset: Int) throws(Errno) -> Int {
        try retrying { Glibc.pread(fd, buffer.baseAddress, buffer.count, off_t(offset)) }
    }

    static func pwrite(_ fd: Int32, _ buffer: UnsafeRawBufferPointer, at offset: Int) throws(Errno) -> Int {
        try retrying { Glibc.pwrite(fd, buffer.baseAddress, buffer.count, off_t(offset)) }
    }

    static func fsync(_ fd: Int32) throws(Errno) { _ = try retrying { Glibc.fsync(fd) } }
    static func ftruncate(_ fd: Int32, _ length: Int) throws(Errno) { _ = try retrying { Glibc.ftruncate(fd, off_t(length)) } }
    static func fchmod(_ fd: Int32, _ mode: mode_t) throws(Errno) { _ = try retrying { Glibc.fchmod(fd, mode) } }
    static func fchown(_ fd: Int32, _ uid: uid_t, _ gid: gid_t) throws(Errno) { _ = try retrying { Glibc.fchown(fd, uid, gid) } }
    static func flock(_ fd: Int32, _ operation: Int32) throws(Errno) { _ = try retrying { flockFunction(fd, operation) } }
    static func rename(_ from: String, _ to: String) throws(Errno) { _ = try retrying { Glibc.rename(from, to) } }
    static func unlink(_ path: String) throws(Errno) { _ = try retrying { Glibc.unlink(path) } }

    static func readlink(_ path: String) throws(Errno) -> String {
        var buffer = [UInt8](repeating: 0, count: Int(PATH_MAX) + 1)
        let n = try retrying { buffer.withUnsafeMutableBufferPointer { Glibc.readlink(path, $0.baseAddress!, $0.count - 1) } }
        return String(decoding: buffer[0..<n], as: UTF8.self)
    }

    /// The standard library's withUnsafeBytes rethrows untyped errors; these keep `Errno`.
    static func withBytes<T>(_ bytes: [UInt8], _ body: (UnsafeRawBufferPointer) throws(Errno) -> T) throws(Errno) -> T {
        let result: Result<T, Errno> = bytes.withUnsafeBytes { buffer in
            do throws(Errno) { return .success(try body(buffer)) } catch { return .failure(error) }
        }
        return try result.get()
    }

    static func withMutableBytes<T>(_ bytes: inout [UInt8], _ body: (UnsafeMutableRawBufferPointer) throws(Errno) -> T) throws(Errno) -> T {
        let result: Result<T, Errno> = bytes.withUnsafeMutableBytes { buffer in
            do throws(Errno) { return .success(try body(buffer)) } catch { return .failure(error) }
        }
        return try result.get()
    }

    /// Writes every byte, going on after short writes; `written` says how far it got when it throws.
    static func writeAll(_ fd: Int32, _ bytes: UnsafeRawBufferPointer,
                         using write: (Int32, UnsafeRawBufferPointer) throws(Errno) -> Int = Syscall.write,
                         written: inout Int) throws(Errno) {
        written = 0
        while written < bytes.count {
            let n = try write(fd, UnsafeRawBufferPointer(rebasing: bytes[written...]))
            if n == 0 { throw Errno.noSpace }  // a regular file that takes nothing is full
            written += n
        }
    }
}

// `stat` and `flock` name both a struct and a function in Glibc; inside `Syscall`, whose own
// methods share the names, only a file-level call reaches the functions.
private func statFunction(_ path: String, _ info: inout Glibc.stat) -> Int32 { stat(path, &info) }
private func statFunction(_ path: UnsafePointer<CChar>, _ info: inout Glibc.stat) -> Int32 { stat(path, &info) }
private func flockFunction(_ fd: Int32, _ operation: Int32) -> Int32 { flock(fd, operation) }
