import CTurboJPEG

/// Every call into libturbojpeg goes through here; nothing above this file
/// sees a tjhandle, a C pointer or a C error string.
enum TurboJPEG {
    struct Header {
        let width: Int
        let height: Int
    }

    /// Reads only the header, so a picture's size can be checked before any pixel memory is taken.
    static func header(of jpeg: [UInt8], path: String) throws(ImageError) -> Header {
        guard let handle = tjInitDecompress() else { throw .corrupt(path: path, reason: "cannot start the JPEG decoder") }
        defer { tjDestroy(handle) }
        var width: Int32 = 0, height: Int32 = 0, subsampling: Int32 = 0, colorspace: Int32 = 0
        let status = jpeg.withUnsafeBufferPointer {
            tjDecompressHeader3(handle, $0.baseAddress, UInt(jpeg.count), &width, &height, &subsampling, &colorspace)
        }
        guard status == 0 else { throw failure(handle, path: path, dataSize: jpeg.count) }
        return Header(width: Int(width), height: Int(height))
    }

    /// The smallest of libjpeg's DCT scale factors (1/8 … 1) whose result still
    /// covers `minimum` on both sides. Decoding at 1/4 scale is about 4–8× faster.
    static func scaledSize(of header: Header, covering minimum: (width: Int, height: Int)) -> (width: Int, height: Int) {
        var count: Int32 = 0
        guard let factors = tjGetScalingFactors(&count) else { return (header.width, header.height) }
        var best = (header.width, header.height)
        for i in 0..<Int(count) {
            let f = factors[i]
            guard f.num <= f.denom else { continue }  // never enlarge
            let w = (header.width * Int(f.num) + Int(f.denom) - 1) / Int(f.denom)
            let h = (header.height * Int(f.num) + Int(f.denom) - 1) / Int(f.denom)
            if w >= minimum.width, h >= minimum.height, w * h < best.0 * best.1 { best = (w, h) }
        }
        return best
    }

    static func decode(_ jpeg: [UInt8], width: Int, height: Int, path: String) throws(ImageError) -> RGBImage {
        guard let handle = tjInitDecompress() else { throw .corrupt(path: path, reason: "cannot start the JPEG decoder") }
        defer { tjDestroy(handle) }
        var pixels = [UInt8](repeating: 0, count: width * height * 3)
        // STOPONWARNING: a truncated or damaged file is an error, not a half-grey picture.
        let flags = TJFLAG_STOPONWARNING
        let status = jpeg.withUnsafeBufferPointer { src in
            pixels.withUnsafeMutableBufferPointer { dst in
                tjDecompress2(handle, src.baseAddress, UInt(jpeg.count), dst.baseAddress,
                              Int32(width), Int32(width * 3), Int32(height), Int32(TJPF_RGB.rawValue), flags)
            }
        }
        guard status == 0 else { throw failure(handle, path: path, dataSize: jpeg.count) }
        return RGBImage(width: width, height: height, pixels: pixels)
    }

    /// BMP and PPM through libturbojpeg's own loader (it reads the file itself).
    static func load(path: String) throws(ImageError) -> RGBImage {
        var width: Int32 = 0, height: Int32 = 0
        var format = Int32(TJPF_RGB.rawValue)
        guard let buffer = tjLoadImage(path, &width, 1, &height, &format, 0) else {
            let reason = String(cString: tjGetErrorStr2(nil))
            if reason.lowercased().contains("premature") || reason.lowercased().contains("end of file") {
                throw .truncated(path: path)
            }
            throw .corrupt(path: path, reason: reason)
        }
        defer { tjFree(buffer) }
        let count = Int(width) * Int(height) * 3
        let pixels = Array(UnsafeBufferPointer(start: buffer, count: count))
        return RGBImage(width: Int(width), height: Int(height), pixels: pixels)
    }

    private static func failure(_ handle: tjhandle, path: String, dataSize: Int) -> ImageError {
        let reason = String(cString: tjGetErrorStr2(handle))
        let lower = reason.lowercased()
        if lower.contains("premature end") || lower.contains("truncated") {
            return .truncated(path: path)
        }
        return .corrupt(path: path, reason: reason)
    }
}
