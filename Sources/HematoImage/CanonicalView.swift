/// The canonical cell view: a square around each white cell, padded with the background where the picture
/// ends, then the model's resize rule (step 9; Training/canonical_view.py `views`). No nucleus: the whole
/// picture, marked as a fallback.
public enum CanonicalView {
    /// What the network is given for one cell, or for the whole picture when `cell` is nil (the fallback).
    public struct Input: Sendable {
        public let cell: NucleusFinder.Cell?
        /// Normalised float32, height × width × 3, as `Preprocessing.tensor(from:)` makes it.
        public let tensor: [Float]

        public var isFallback: Bool { cell == nil }
    }

    /// The square (x, y, side) of `image`; pixels outside the picture are `fill`.
    public static func cut(_ image: RGBImage, x: Int, y: Int, side: Int, fill: (r: UInt8, g: UInt8, b: UInt8)) -> RGBImage {
        var out = RGBImage(width: side, height: side, filledWith: fill)
        let x0 = max(0, x), y0 = max(0, y), x1 = min(image.width, x + side), y1 = min(image.height, y + side)
        guard x1 > x0, y1 > y0 else { return out }
        let rowBytes = (x1 - x0) * 3
        image.pixels.withUnsafeBufferPointer { src in
            out.pixels.withUnsafeMutableBufferPointer { dst in
                for row in y0..<y1 {
                    let from = (row * image.width + x0) * 3, to = ((row - y) * side + (x0 - x)) * 3
                    (dst.baseAddress! + to).update(from: src.baseAddress! + from, count: rowBytes)
                }
            }
        }
        return out
    }

    /// The squares to classify, largest nucleus first, with the search that found them.
    public static func crops(_ image: RGBImage, rule: CanonicalViewRule = .standard)
        -> (search: NucleusFinder.Result, crops: [RGBImage]) {
        let search = NucleusFinder.find(image, rule: rule)
        let crops = search.cells.map { cut(image, x: $0.cropX, y: $0.cropY, side: $0.cropSide, fill: search.background) }
        return (search, crops)
    }

    /// The network inputs for a picture: one per cell, or the whole picture once, marked, when none was found.
    public static func inputs(_ image: RGBImage, preprocessing: Preprocessing,
                              rule: CanonicalViewRule = .standard) -> [Input] {
        inputsAndSearch(image, preprocessing: preprocessing, rule: rule).inputs
    }

    /// The inputs and the search that found them (its nucleus and background colours feed the stain check).
    public static func inputsAndSearch(_ image: RGBImage, preprocessing: Preprocessing,
                                       rule: CanonicalViewRule = .standard) -> (inputs: [Input], search: NucleusFinder.Result) {
        let (search, crops) = crops(image, rule: rule)
        guard !search.fellBack else { return ([Input(cell: nil, tensor: preprocessing.tensor(from: image))], search) }
        return (zip(search.cells, crops).map { Input(cell: $0, tensor: preprocessing.tensor(from: $1)) }, search)
    }
}
