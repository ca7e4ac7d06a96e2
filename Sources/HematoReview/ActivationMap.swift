/// Where in a picture the evidence for one class lies: the class activation map (CAM) the engine
/// computes from its last feature map (7×7 for MobileNetV2 at 224), kept small and as bytes so a
/// folder's worth fits in the session, and the box of the picture the network was shown.
public struct ActivationMap: Sendable, Hashable {
    public let width: Int, height: Int
    /// Row-major, 0 (the least evidence in this picture) … 255 (the most).
    public let values: [UInt8]
    /// The class it is for (index into the model's labels): the engine's top class.
    public let classIndex: Int
    /// The part of the picture the map covers, as fractions of its width and height: the canonical
    /// view's square around the first cell (which may reach past the edge: the view pads there), or
    /// 0, 0, 1, 1 for a model that sees the whole picture.
    public let x: Float, y: Float, boxWidth: Float, boxHeight: Float

    /// `values` 0…1 (as `Prediction.activationMap` gives them), quantised to bytes.
    public init(width: Int, height: Int, values: [Float], classIndex: Int,
                x: Float = 0, y: Float = 0, boxWidth: Float = 1, boxHeight: Float = 1) {
        precondition(width > 0 && height > 0 && values.count == width * height, "a map of \(values.count) values is not \(width)×\(height)")
        self.width = width
        self.height = height
        self.values = values.map { UInt8(min(max($0, 0), 1) * 255 + 0.5) }
        self.classIndex = classIndex
        (self.x, self.y, self.boxWidth, self.boxHeight) = (x, y, boxWidth, boxHeight)
    }

    /// The map at (u, v), fractions of its box (0…1), bilinear between the cell centres, 0…1.
    public func value(u: Float, v: Float) -> Float {
        let fx = min(max(u * Float(width) - 0.5, 0), Float(width - 1))
        let fy = min(max(v * Float(height) - 0.5, 0), Float(height - 1))
        let x0 = Int(fx), y0 = Int(fy)
        let x1 = min(x0 + 1, width - 1), y1 = min(y0 + 1, height - 1)
        let ax = fx - Float(x0), ay = fy - Float(y0)
        func at(_ x: Int, _ y: Int) -> Float { Float(values[y * width + x]) / 255 }
        let top = at(x0, y0) * (1 - ax) + at(x1, y0) * ax
        let bottom = at(x0, y1) * (1 - ax) + at(x1, y1) * ax
        return top * (1 - ay) + bottom * ay
    }
}
