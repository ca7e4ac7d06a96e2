/// Recognises a file's format from its first bytes, never from its name:
/// a PNG renamed to .jpg must be called a PNG.
enum ImageFormat: Equatable {
    case jpeg
    case png
    case tiff
    case bmp
    case ppm
    case other(String)

    init(sniffing bytes: [UInt8]) {
        func starts(_ prefix: [UInt8]) -> Bool { bytes.count >= prefix.count && Array(bytes.prefix(prefix.count)) == prefix }
        if starts([0xFF, 0xD8, 0xFF]) { self = .jpeg }
        else if starts([0x42, 0x4D]) { self = .bmp }
        else if starts([0x50, 0x36]) || starts([0x50, 0x33]) { self = .ppm }
        else if starts([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) { self = .png }
        // Little- and big-endian TIFF, and BigTIFF (43 instead of 42), which libtiff reads too.
        else if starts([0x49, 0x49, 0x2A, 0x00]) || starts([0x4D, 0x4D, 0x00, 0x2A])
                    || starts([0x49, 0x49, 0x2B, 0x00]) || starts([0x4D, 0x4D, 0x00, 0x2B]) { self = .tiff }
        else if starts([0x47, 0x49, 0x46, 0x38]) { self = .other("a GIF image") }
        else if starts([0x52, 0x49, 0x46, 0x46]) { self = .other("a RIFF/WebP file") }
        else if starts([0x25, 0x50, 0x44, 0x46]) { self = .other("a PDF document") }
        else if bytes.prefix(512).allSatisfy({ $0 == 9 || $0 == 10 || $0 == 13 || (32..<127).contains($0) }) {
            self = .other("text")
        } else { self = .other("unknown binary data") }
    }
}
