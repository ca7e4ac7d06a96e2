/// How a picture becomes the network's input: the rule the model file names.
public struct Preprocessing: Sendable, Equatable {
    public let width: Int
    public let height: Int
    /// RGB, for pixel values scaled to 0–1.
    public let mean: (Float, Float, Float)
    public let std: (Float, Float, Float)

    public init(width: Int, height: Int, mean: (Float, Float, Float), std: (Float, Float, Float)) {
        self.width = width
        self.height = height
        self.mean = mean
        self.std = std
    }

    public static func == (a: Preprocessing, b: Preprocessing) -> Bool {
        a.width == b.width && a.height == b.height && a.mean == b.mean && a.std == b.std
    }

    /// The only rule this build knows; the model file must name it.
    public static let ruleName = "box-then-bilinear"

    /// The smallest decode that leaves the rule's result unchanged for
    /// ordinary fields: JPEG DCT scaling only kicks in beyond 2× the input.
    public var decodeCovering: (width: Int, height: Int) { (width * 2, height * 2) }

    /// Normalised float32, height × width × 3 (NHWC without the batch).
    public func tensor(from image: RGBImage) -> [Float] {
        let box = Resampling.boxDownscale(image, toCover: width, height)
        var values = Resampling.bilinear(box.values, width: box.w, height: box.h, to: width, height)
        let m = [mean.0, mean.1, mean.2], s = [std.0, std.1, std.2]
        for i in values.indices {
            let c = i % 3
            values[i] = (values[i] * (1 / Float(255)) - m[c]) / s[c]
        }
        return values
    }
}
