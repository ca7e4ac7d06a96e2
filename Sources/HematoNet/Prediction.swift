import HematoAdapt

/// What the network says about one picture.
public struct Prediction: Sendable {
    public let labels: [String]
    /// Softmax of the (temperature-scaled) logits, in `labels` order.
    public let probabilities: [Float]
    /// The feature map averaged over its cells (1280 values): what the dense layer
    /// sees, kept for adapting to a lab and for the shift check.
    public let pooled: [Float]
    /// Final feature map, height × width × 1280 (NHWC), kept for the CAM.
    public let features: [Float]
    public let featureHeight: Int
    public let featureWidth: Int
    /// Dense layer rows (classes × 1280), kept for the CAM.
    private let classWeights: [Float]

    init(labels: [String], features: [Float], height: Int, width: Int,
         weights: UnsafeBufferPointer<Float>, bias: UnsafeBufferPointer<Float>) {
        let channels = weights.count / labels.count
        var pooled = [Float](repeating: 0, count: channels)
        features.withUnsafeBufferPointer { f in
            pooled.withUnsafeMutableBufferPointer { sum in
                for cell in 0..<(height * width) {
                    for c in 0..<channels { sum[c] += f[cell * channels + c] }
                }
            }
        }
        let scale = 1 / Float(height * width)
        var logits = [Float](repeating: 0, count: labels.count)
        for k in labels.indices {
            var sum: Float = 0
            for c in 0..<channels { sum += weights[k * channels + c] * pooled[c] * scale }
            logits[k] = sum + bias[k]
        }
        self.labels = labels
        self.probabilities = Softmax.probabilities(logits)
        self.pooled = pooled.map { $0 * scale }
        self.features = features
        self.featureHeight = height
        self.featureWidth = width
        self.classWeights = Array(weights)
    }

    public var topIndex: Int { probabilities.indices.max { probabilities[$0] < probabilities[$1] }! }
    public var topLabel: String { labels[topIndex] }
    public var confidence: Float { probabilities[topIndex] }

    /// Class activation map for class `index`: the dense weights of that class
    /// dotted with each cell's feature vector, scaled to 0…1 (height × width).
    /// It shows where in the picture the evidence for that class lies.
    public func activationMap(forClass index: Int) -> [Float] {
        let channels = classWeights.count / labels.count
        let w = classWeights[(index * channels)..<((index + 1) * channels)]
        var map = (0..<(featureHeight * featureWidth)).map { cell -> Float in
            var sum: Float = 0
            for (c, weight) in w.enumerated() { sum += weight * features[cell * channels + c] }
            return sum
        }
        let lo = map.min() ?? 0, hi = map.max() ?? 1
        let range = hi - lo
        for i in map.indices { map[i] = range > 0 ? (map[i] - lo) / range : 0 }
        return map
    }
}

import Foundation
