import Glibc

/// A failed system call's error number, as a value: compared by case, printed as the C
/// library says it (`strerror`). The one place above which nobody reads `errno`.
public struct Errno: Error, Hashable, Sendable, CustomStringConvertible {
    public let rawValue: Int32

    public init(rawValue: Int32) { self.rawValue = rawValue }

    /// The calling thread's errno, read right after the call that set it.
    static var current: Errno { Errno(rawValue: errno) }

    public var description: String { String(cString: strerror(rawValue)) }

    public static let noSuchFile = Errno(rawValue: ENOENT)
    public static let notADirectory = Errno(rawValue: ENOTDIR)
    public static let fileExists = Errno(rawValue: EEXIST)
    public static let interrupted = Errno(rawValue: EINTR)
    public static let permissionDenied = Errno(rawValue: EACCES)
    public static let notPermitted = Errno(rawValue: EPERM)
    public static let tooManySymbolicLinks = Errno(rawValue: ELOOP)
    public static let noSpace = Errno(rawValue: ENOSPC)
    public static let wouldBlock = Errno(rawValue: EWOULDBLOCK)
    public static let readOnlyFileSystem = Errno(rawValue: EROFS)
}
