/// Why an image could not be turned into pixels. Each case names the file
/// and says what a person can do about it; none of them is a crash.
public enum ImageError: Error, Equatable, CustomStringConvertible {
    /// open() or read() failed: missing file, no permission.
    case unreadable(path: String, reason: String)
    /// A folder, named pipe, socket or device where an image file was expected (refused before reading).
    case notARegularFile(path: String, kind: String)
    case empty(path: String)
    /// The first bytes are not JPEG, PNG, TIFF, BMP or PPM (a GIF or text file named .jpg, random bytes).
    case unsupportedFormat(path: String, detected: String)
    /// A format this app reads, in a variant its library cannot turn into RGB (a TIFF of
    /// floating-point samples, say); the file may well be intact.
    case unsupportedVariant(path: String, reason: String)
    /// The header says the picture is larger than the limit; nothing was allocated for it.
    case tooLarge(path: String, width: Int, height: Int, limit: Int)
    /// The data ends before the picture does.
    case truncated(path: String)
    /// The decoder rejected the data.
    case corrupt(path: String, reason: String)

    /// A C library's message as safe text: anything but printable ASCII becomes "?", so a
    /// message that quotes bytes of a damaged file cannot reach a terminal as control codes.
    static func printable(_ message: String) -> String {
        String(String.UnicodeScalarView(message.unicodeScalars.map { (0x20..<0x7F).contains($0.value) ? $0 : "?" }))
    }

    public var path: String {
        switch self {
        case .unreadable(let p, _), .notARegularFile(let p, _), .empty(let p), .unsupportedFormat(let p, _), .unsupportedVariant(let p, _), .tooLarge(let p, _, _, _),
             .truncated(let p), .corrupt(let p, _):
            return p
        }
    }

    public var description: String {
        switch self {
        case .unreadable(_, let reason): return "cannot read the file: \(reason)"
        case .notARegularFile(_, let kind): return "not an image file: it is \(kind)"
        case .empty: return "the file is empty"
        case .unsupportedFormat(_, let detected): return "not a JPEG, PNG, TIFF, BMP or PPM image (it looks like \(detected))"
        case .unsupportedVariant(_, let reason): return "this kind of image cannot be read: \(reason)"
        case .tooLarge(_, let w, let h, let limit):
            return "the image claims to be \(w)×\(h) pixels, more than the limit of \(limit / 1_000_000) megapixels"
        case .truncated: return "the image data ends early (truncated file)"
        case .corrupt(_, let reason): return "the image data is damaged: \(reason)"
        }
    }
}
