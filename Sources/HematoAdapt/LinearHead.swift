import Foundation

/// The network's last layer: pooled feature (1280 values) → one logit per
/// class, then a temperature. The bundled model's head is the starting point;
/// a lab adapter is the same shape, refitted on a reviewer's decisions.
public struct LinearHead: Equatable, Sendable {
    public let classes: Int
    public let dimensions: Int
    /// classes × dimensions, row-major.
    public var weights: [Float]
    public var bias: [Float]
    /// Logits are divided by this before the softmax.
    public var temperature: Float

    public init(classes: Int, dimensions: Int, weights: [Float], bias: [Float], temperature: Float = 1) {
        precondition(weights.count == classes * dimensions && bias.count == classes, "head shape mismatch")
        self.classes = classes
        self.dimensions = dimensions
        self.weights = weights
        self.bias = bias
        self.temperature = temperature
    }

    /// Logits before the temperature.
    public func rawLogits(_ feature: [Float]) -> [Float] {
        precondition(feature.count == dimensions, "feature has \(feature.count) values, the head takes \(dimensions)")
        return feature.withUnsafeBufferPointer { f in
            weights.withUnsafeBufferPointer { w in
                (0..<classes).map { k in
                    VectorMath.dot(UnsafeBufferPointer(rebasing: w[(k * dimensions)..<((k + 1) * dimensions)]), f) + bias[k]
                }
            }
        }
    }

    public func probabilities(_ feature: [Float]) -> [Float] {
        Softmax.probabilities(rawLogits(feature), temperature: temperature)
    }

    /// Squared distance of the weights and bias from another head's.
    public func squaredDistance(to other: LinearHead) -> Float {
        var sum: Float = 0
        for i in weights.indices { let d = weights[i] - other.weights[i]; sum += d * d }
        for i in bias.indices { let d = bias[i] - other.bias[i]; sum += d * d }
        return sum
    }
}

public enum Softmax {
    public static func probabilities(_ logits: [Float], temperature: Float = 1) -> [Float] {
        let scaled = logits.map { $0 / temperature }
        let top = scaled.max() ?? 0
        let exps = scaled.map { expf($0 - top) }
        let total = exps.reduce(0, +)
        return exps.map { $0 / total }
    }
}
