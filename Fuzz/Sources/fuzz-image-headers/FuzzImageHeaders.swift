import FuzzScratch
import HematoImage

/// Image files: `ImageDecoding.decode` on JPEG, PNG, TIFF, BMP and PPM bytes must give pixels or throw
/// `ImageError`. BMP and PPM are re-read from the path by tjLoadImage, so the input is also
/// written there. A 4-megapixel limit keeps each execution fast; the size check is the same.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzImageHeaders(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let raw = UnsafeRawBufferPointer(start: data, count: size)
    let path = ScratchFile.write(raw)
    let bytes = Array(raw)
    guard let image = try? ImageDecoding.decode(bytes, path: path, pixelLimit: 1 << 22) else { return 0 }
    precondition(image.pixels.count == image.width * image.height * 3, "pixels do not match the size")
    // The scaled JPEG decode the review screen uses.
    _ = try? ImageDecoding.decode(bytes, path: path, covering: (max(1, image.width / 3), max(1, image.height / 5)),
                                  pixelLimit: 1 << 22)
    return 0
}
