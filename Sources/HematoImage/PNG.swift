import CPNG

/// Every call into libpng goes through here. libpng reports errors by longjmp, which Swift
/// cannot catch; its "simplified" API (png_image_*) catches them itself and hands back a
/// message, so nothing above this file sees a png_image, a C pointer or a C error string.
enum PNG {
    /// Decodes a PNG of any colour type and depth to 8-bit RGB: grey is spread to three
    /// channels, a palette looked up, 16-bit samples taken as sRGB-encoded (as Pillow and
    /// every viewer show them) and scaled to 8 bits, and transparency composited onto white
    /// (a bright slide background, where a microscope picture has none). The header's size is
    /// checked against `pixelLimit` before any pixel memory is taken.
    static func decode(_ bytes: [UInt8], path: String, pixelLimit: Int) throws(ImageError) -> RGBImage {
        // begin_read keeps a pointer to the bytes until finish_read: both run inside one borrow.
        let outcome: Result<RGBImage, ImageError> = bytes.withUnsafeBytes { raw in
            var image = png_image()
            image.version = png_uint_32(PNG_IMAGE_VERSION)
            guard png_image_begin_read_from_memory(&image, raw.baseAddress, raw.count) != 0 else {
                return .failure(failure(image, path: path))
            }
            let width = Int(image.width), height = Int(image.height)
            do throws(ImageError) {
                try ImageDecoding.checkSize(width, height, limit: pixelLimit, path: path)
            } catch {
                png_image_free(&image)
                return .failure(error)
            }
            image.format = png_uint_32(PNG_FORMAT_RGB)
            image.flags |= png_uint_32(PNG_IMAGE_FLAG_16BIT_sRGB)  // only set after begin_read, which resets flags
            var white = png_color(red: 255, green: 255, blue: 255)
            var pixels = [UInt8](repeating: 0, count: width * height * 3)
            // finish_read frees the png_image's internals whether it succeeds or not.
            let finished = pixels.withUnsafeMutableBytes { png_image_finish_read(&image, &white, $0.baseAddress, png_int_32(width * 3), nil) }
            guard finished != 0 else { return .failure(failure(image, path: path)) }
            return .success(RGBImage(width: width, height: height, pixels: pixels))
        }
        return try outcome.get()
    }

    /// libpng's message, sorted into "ends early" and "damaged".
    private static func failure(_ image: png_image, path: String) -> ImageError {
        let message = withUnsafeBytes(of: image.message) { raw in
            String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
        }
        let lower = message.lowercased()
        // The memory reader says "read beyond end of data"; a stream cut inside IDAT says "Not enough image data".
        if lower.contains("end of data") || lower.contains("not enough image data") || lower.contains("read error") {
            return .truncated(path: path)
        }
        return .corrupt(path: path, reason: message.isEmpty ? "libpng could not read it" : "libpng: \(ImageError.printable(message))")
    }
}
