import CPNG

/// PNG out, through libpng's simplified API (which catches libpng's longjmp errors itself): the
/// report's thumbnails are written with the same library that reads the folder's PNGs.
public enum PNGEncoding {
    /// The image as PNG bytes; nil if libpng refuses (it says why only in a message nobody shows).
    public static func encode(_ image: RGBImage) -> [UInt8]? {
        guard image.width > 0, image.height > 0 else { return nil }
        var png = png_image()
        png.version = png_uint_32(PNG_IMAGE_VERSION)
        png.width = png_uint_32(image.width)
        png.height = png_uint_32(image.height)
        png.format = png_uint_32(PNG_FORMAT_RGB)
        let stride = png_int_32(image.width * 3)
        // First call: how many bytes; second: the bytes.
        var size = 0
        let measured = image.pixels.withUnsafeBytes { raw in
            png_image_write_to_memory(&png, nil, &size, 0, raw.baseAddress, stride, nil)
        }
        guard measured != 0, size > 0 else {
            png_image_free(&png)
            return nil
        }
        var out = [UInt8](repeating: 0, count: size)
        let written = out.withUnsafeMutableBytes { target in
            image.pixels.withUnsafeBytes { raw in
                png_image_write_to_memory(&png, target.baseAddress, &size, 0, raw.baseAddress, stride, nil)
            }
        }
        png_image_free(&png)
        guard written != 0 else { return nil }
        return Array(out.prefix(size))
    }

    /// A thumbnail at most `side` pixels on its longer side (never enlarged), as PNG.
    public static func thumbnail(_ image: RGBImage, side: Int) -> [UInt8]? {
        let scale = min(1, Double(side) / Double(max(image.width, image.height)))
        let w = max(1, Int((Double(image.width) * scale).rounded())), h = max(1, Int((Double(image.height) * scale).rounded()))
        return encode(w == image.width && h == image.height ? image : Resampling.resized(image, width: w, height: h))
    }
}
