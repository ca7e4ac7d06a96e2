/// Turns a file into an `RGBImage`, whatever the file turns out to hold: JPEG (libturbojpeg),
/// PNG (libpng), TIFF (libtiff), BMP and PPM (libturbojpeg's loader), told apart by their bytes.
public enum ImageDecoding {
    /// Header sizes beyond this are refused before anything is allocated.
    /// 120 megapixels is far beyond any microscope field this app shows.
    public static let defaultPixelLimit = 120_000_000

    /// Decodes `path`. With `covering`, a large JPEG is decoded at the smallest
    /// libjpeg scale that still covers that size (much faster, far less memory).
    public static func load(
        _ path: String,
        covering minimum: (width: Int, height: Int)? = nil,
        pixelLimit: Int = defaultPixelLimit
    ) throws(ImageError) -> RGBImage {
        try decode(FileBytes.contents(of: path), path: path, covering: minimum, pixelLimit: pixelLimit)
    }

    /// Reads a whole file, with the same errors `load` gives.
    public static func readFile(_ path: String) throws(ImageError) -> [UInt8] {
        try FileBytes.contents(of: path)
    }

    /// Decodes bytes already read (`path` names them in errors; BMP and PPM are re-read from it).
    /// PNG and TIFF are decoded whole (`covering` only scales JPEG).
    public static func decode(
        _ bytes: [UInt8], path: String,
        covering minimum: (width: Int, height: Int)? = nil,
        pixelLimit: Int = defaultPixelLimit
    ) throws(ImageError) -> RGBImage {
        switch ImageFormat(sniffing: bytes) {
        case .jpeg:
            let header = try TurboJPEG.header(of: bytes, path: path)
            try checkSize(header.width, header.height, limit: pixelLimit, path: path)
            let size = minimum.map { TurboJPEG.scaledSize(of: header, covering: $0) } ?? (header.width, header.height)
            return try TurboJPEG.decode(bytes, width: size.0, height: size.1, path: path)
        case .png:
            return try PNG.decode(bytes, path: path, pixelLimit: pixelLimit)
        case .tiff:
            return try TIFF.decode(bytes, path: path, pixelLimit: pixelLimit)
        case .bmp:
            let (w, h) = try BitmapHeaders.bmpSize(bytes, path: path)
            try checkSize(w, h, limit: pixelLimit, path: path)
            return try TurboJPEG.load(path: path)
        case .ppm:
            let (w, h) = try BitmapHeaders.ppmSize(bytes, path: path)
            try checkSize(w, h, limit: pixelLimit, path: path)
            return try TurboJPEG.load(path: path)
        case .other(let what):
            throw .unsupportedFormat(path: path, detected: what)
        }
    }

    /// The one size rule for every format, applied to the header before pixels are allocated.
    static func checkSize(_ w: Int, _ h: Int, limit: Int, path: String) throws(ImageError) {
        guard w > 0, h > 0 else { throw .corrupt(path: path, reason: "the header gives a size of \(w)×\(h)") }
        guard w.multipliedReportingOverflow(by: h).partialValue <= limit, w <= 65_535, h <= 65_535 else {
            throw .tooLarge(path: path, width: w, height: h, limit: limit)
        }
    }
}
