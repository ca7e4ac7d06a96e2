/// Does this folder look like what the model was trained on? The model file
/// stores centroids of the training images' pooled features (one per source
/// and class) and a per-dimension scale. An image's distance is its RMS
/// standardised distance to the nearest centroid; a folder's score is the
/// median over its images divided by the training images' own median, so
/// about 1 means "like the training data" (Training/shift_stats.py).
public struct ShiftReference: Sendable, Equatable {
    public let centroids: [Float]   // groups × dimensions
    public let scale: [Float]       // dimensions
    public let reference: Float
    public let threshold: Float
    /// Fewer images than this say too little about a folder.
    public static let minimumImages = 16

    public init(centroids: [Float], scale: [Float], reference: Float, threshold: Float) {
        precondition(!scale.isEmpty && centroids.count % scale.count == 0, "centroids and scale disagree")
        self.centroids = centroids
        self.scale = scale
        self.reference = reference
        self.threshold = threshold
    }

    public var dimensions: Int { scale.count }

    public func distance(_ feature: [Float]) -> Float {
        precondition(feature.count == dimensions, "feature size")
        var best = Float.infinity
        for g in 0..<(centroids.count / dimensions) {
            var sum: Float = 0
            for j in 0..<dimensions {
                let z = (feature[j] - centroids[g * dimensions + j]) / scale[j]
                sum += z * z
            }
            best = min(best, sum)
        }
        return (best / Float(dimensions)).squareRoot()
    }

    /// The folder's score from its images' distances, or nil while there are too few.
    public func assess(distances: [Float]) -> ShiftAssessment? {
        ShiftAssessment(distances: distances, minimum: Self.minimumImages, reference: reference, threshold: threshold)
    }
}

public struct ShiftAssessment: Sendable, Equatable {
    /// About 1 for images like the training data.
    public let score: Float
    public let threshold: Float
    public let images: Int
    public var warning: Bool { score > threshold }

    public init(score: Float, threshold: Float, images: Int) {
        self.score = score
        self.threshold = threshold
        self.images = images
    }

    /// A folder's score: the median of its pictures' distances over the training pictures' own
    /// (`reference`); nil with fewer than `minimum` pictures. Both checks judge a folder this way.
    init?(distances: [Float], minimum: Int, reference: Float, threshold: Float) {
        guard distances.count >= minimum, let middle = median(distances) else { return nil }
        self.init(score: middle / reference, threshold: threshold, images: distances.count)
    }
}
