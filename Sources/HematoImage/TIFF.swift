import CTIFF

/// Every call into libtiff goes through here; nothing above this file sees a TIFF handle,
/// a C pointer or a C error string. The file is read from the bytes already in memory (the
/// same safe open as every other image), and libtiff's messages are caught per handle:
/// nothing is printed to standard error, and threads decoding at once do not mix them up.
enum TIFF {
    /// The first page of a TIFF, through libtiff's RGBA interface (every photometric
    /// interpretation, depth, compression and orientation libtiff knows), to 8-bit RGB with
    /// row 0 at the top. Transparency is composited onto white. The directory's size is
    /// checked against `pixelLimit` before any pixel memory is taken.
    static func decode(_ bytes: [UInt8], path: String, pixelLimit: Int) throws(ImageError) -> RGBImage {
        let outcome: Result<RGBImage, ImageError> = bytes.withUnsafeBytes { raw in
            let source = MemorySource(raw)
            let context = Unmanaged.passUnretained(source).toOpaque()
            guard let options = TIFFOpenOptionsAlloc() else { return .failure(.corrupt(path: path, reason: "cannot start the TIFF decoder")) }
            defer { TIFFOpenOptionsFree(options) }
            TIFFOpenOptionsSetErrorHandlerExtR(options, { _, context, module, format, arguments in
                MemorySource.from(context).noteError(module: module, format: format, arguments: arguments)
                return 1  // handled: libtiff's global handler would print it
            }, context)
            TIFFOpenOptionsSetWarningHandlerExtR(options, { _, _, _, _, _ in 1 }, context)  // unknown tags and the like
            // One allocation inside libtiff (a strip, a tile) may not exceed what a full picture at the limit takes.
            TIFFOpenOptionsSetMaxSingleMemAlloc(options, tmsize_t(min(pixelLimit, Int(Int32.max) / 4) * 4))
            // "m": no memory mapping, every read goes through `read` below.
            guard let tiff = TIFFClientOpenExt("TIFF", "rm", context, MemorySource.read, MemorySource.write, MemorySource.seek,
                                               MemorySource.close, MemorySource.size, nil, nil, options) else {
                return .failure(failure(source, path: path, fallback: "libtiff could not open it"))
            }
            defer { TIFFClose(tiff) }
            var message = [CChar](repeating: 0, count: 1024)
            guard TIFFRGBAImageOK(tiff, &message) != 0 else {
                return .failure(source.error != nil ? failure(source, path: path, fallback: "")
                                : .unsupportedVariant(path: path, reason: "libtiff: \(ImageError.printable(text(message)))"))
            }
            var image = TIFFRGBAImage()
            guard TIFFRGBAImageBegin(&image, tiff, 1, &message) != 0 else {
                return .failure(failure(source, path: path, fallback: text(message)))
            }
            defer { TIFFRGBAImageEnd(&image) }
            let width = Int(image.width), height = Int(image.height)
            do throws(ImageError) {
                try ImageDecoding.checkSize(width, height, limit: pixelLimit, path: path)
            } catch { return .failure(error) }
            image.req_orientation = UInt16(ORIENTATION_TOPLEFT)
            var raster = [UInt32](repeating: 0, count: width * height)
            let ok = raster.withUnsafeMutableBufferPointer { TIFFRGBAImageGet(&image, $0.baseAddress, UInt32(width), UInt32(height)) }
            guard ok != 0, source.error == nil else {
                return .failure(failure(source, path: path, fallback: "libtiff could not read the pixels"))
            }
            return .success(RGBImage(width: width, height: height, pixels: rgb(fromPremultipliedABGR: raster)))
        }
        return try outcome.get()
    }

    /// libtiff's raster holds R in the low byte, then G, B, A; colours are premultiplied by
    /// alpha (unassociated alpha is converted), so compositing onto white adds 255 − A.
    static func rgb(fromPremultipliedABGR raster: [UInt32]) -> [UInt8] {
        var pixels = [UInt8](repeating: 0, count: raster.count * 3)
        for (i, p) in raster.enumerated() {
            let cover = 255 - (p >> 24)
            pixels[3 * i] = UInt8(min(255, (p & 0xFF) + cover))
            pixels[3 * i + 1] = UInt8(min(255, (p >> 8 & 0xFF) + cover))
            pixels[3 * i + 2] = UInt8(min(255, (p >> 16 & 0xFF) + cover))
        }
        return pixels
    }

    private static func text(_ chars: [CChar]) -> String {
        String(decoding: chars.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// libtiff's first error, sorted into "ends early" and "damaged".
    private static func failure(_ source: MemorySource, path: String, fallback: String) -> ImageError {
        if source.readPastEnd { return .truncated(path: path) }
        let message = source.error ?? fallback
        let lower = message.lowercased()
        if lower.contains("read error") || lower.contains("cannot read") || lower.contains("unexpected end")
            || lower.contains("premature") || lower.contains("truncated") {
            return .truncated(path: path)
        }
        return .corrupt(path: path, reason: message.isEmpty ? "libtiff could not read it" : "libtiff: \(ImageError.printable(message))")
    }

    /// The bytes libtiff reads through its client callbacks, and the first error it reported.
    final class MemorySource {
        let bytes: UnsafeRawBufferPointer
        var offset = 0
        /// A read asked for bytes past the end: the file is cut short.
        var readPastEnd = false
        var error: String?

        init(_ bytes: UnsafeRawBufferPointer) { self.bytes = bytes }

        static func from(_ handle: UnsafeMutableRawPointer?) -> MemorySource {
            Unmanaged<MemorySource>.fromOpaque(handle!).takeUnretainedValue()
        }

        func noteError(module: UnsafePointer<CChar>?, format: UnsafePointer<CChar>?, arguments: CVaListPointer?) {
            guard error == nil, let format, let arguments else { return }
            var text = [CChar](repeating: 0, count: 512)
            _ = vsnprintf(&text, text.count, format, arguments)
            let module = module.map { String(cString: $0) } ?? ""
            let message = TIFF.text(text)
            error = module.isEmpty || module == "TIFF" ? message : "\(module): \(message)"
        }

        static let read: TIFFReadWriteProc = { handle, buffer, count in
            let source = from(handle)
            let available = max(0, source.bytes.count - source.offset)
            let n = min(Int(count), available)
            if n < Int(count) { source.readPastEnd = true }
            if n > 0, let buffer {
                buffer.copyMemory(from: source.bytes.baseAddress! + source.offset, byteCount: n)
            }
            source.offset += n
            return tmsize_t(n)
        }

        static let write: TIFFReadWriteProc = { _, _, _ in -1 }

        static let seek: TIFFSeekProc = { handle, offset, whence in
            let source = from(handle)
            let base: Int
            switch whence {
            case SEEK_SET: base = 0
            case SEEK_CUR: base = source.offset
            case SEEK_END: base = source.bytes.count
            default: return toff_t.max
            }
            // toff_t is unsigned: a "negative" offset from SEEK_CUR/SEEK_END arrives as a huge value.
            let target = base.addingReportingOverflow(Int(truncatingIfNeeded: offset))
            guard !target.overflow, target.partialValue >= 0 else { return toff_t.max }
            source.offset = target.partialValue  // past the end is allowed; reads there return nothing
            return toff_t(target.partialValue)
        }

        static let close: TIFFCloseProc = { _ in 0 }

        static let size: TIFFSizeProc = { handle in toff_t(from(handle).bytes.count) }
    }
}
