/// Does this folder's stain look like one the model was trained on? The feature shift check reads what
/// the network sees, and a network that reads a new lab's pink cytoplasm as "eosinophil" does not find
/// that strange. This reads the dye itself: the nucleus finder's mask colour over its background colour
/// (R/bgR, G/bgG, B/bgB), one point per picture. The model's sidecar gives one centroid per training lab
/// and a per-channel scale (Training/stain_stats.py); a picture's distance is its RMS standardised distance
/// to the nearest lab, and a folder's score is the median over its pictures divided by the training
/// pictures' own, so about 1 means "stained like a training lab", as for the shift score.
public struct StainReference: Sendable, Equatable {
    public let labs: [String]
    public let centroids: [[Float]]   // one (R, G, B) per training lab
    public let scale: [Float]         // R, G, B
    public let reference: Float
    public let threshold: Float

    public init(labs: [String], centroids: [[Float]], scale: [Float], reference: Float, threshold: Float) {
        precondition(scale.count == 3 && !centroids.isEmpty && centroids.allSatisfy { $0.count == 3 }, "stain reference shape")
        self.labs = labs
        self.centroids = centroids
        self.scale = scale
        self.reference = reference
        self.threshold = threshold
    }

    /// The picture's nucleus colour over its background colour, per channel (a background channel of 0 counts as 1).
    public static func relative(nucleus: (r: UInt8, g: UInt8, b: UInt8), background: (r: UInt8, g: UInt8, b: UInt8)) -> [Float] {
        [Float(nucleus.r) / Float(max(1, background.r)), Float(nucleus.g) / Float(max(1, background.g)),
         Float(nucleus.b) / Float(max(1, background.b))]
    }

    public func distance(_ relative: [Float]) -> Float {
        precondition(relative.count == 3, "a stain has three channels")
        var best = Float.infinity
        for centre in centroids {
            var sum: Float = 0
            for c in 0..<3 {
                let z = (relative[c] - centre[c]) / scale[c]
                sum += z * z
            }
            best = min(best, sum)
        }
        return (best / 3).squareRoot()
    }

    /// Fewer pictures than this say too little about a stain: the threshold was chosen on folders of this
    /// size (Training/stain_stats.py FOLDER), and one lab's slides vary (16 of blood-cells' own pictures,
    /// SampleImages/, read 2.04; its random 24-picture folders at most 1.81).
    public static let minimumImages = 24

    /// The folder's stain point (`FolderLook.stainPoint`) from its pictures' colours, or nil while there are too few.
    public func point(colours: [[Float]]) -> [Float]? {
        guard colours.count >= Self.minimumImages else { return nil }
        return (0..<3).map { c in median(colours.map { $0[c] })! / scale[c] }
    }

    /// The folder's score from its pictures' distances, or nil while there are too few.
    public func assess(distances: [Float]) -> ShiftAssessment? {
        ShiftAssessment(distances: distances, minimum: Self.minimumImages, reference: reference, threshold: threshold)
    }
}

/// What the two checks say of a folder together: the network's features and the stain. Either one
/// warns for the folder.
public struct FolderLook: Sendable, Equatable {
    public let features: ShiftAssessment?
    public let stain: ShiftAssessment?
    /// The folder's stain itself: the per-channel median of its pictures' colours, in units of the
    /// reference's scale. Two folders of one lab lie within about one unit of each other; the stain
    /// score alone cannot tell two new labs equally far from the training labs apart.
    public let stainPoint: [Float]?

    public init(features: ShiftAssessment?, stain: ShiftAssessment?, stainPoint: [Float]? = nil) {
        self.features = features
        self.stain = stain
        self.stainPoint = stainPoint
    }

    public var warning: Bool { (features?.warning ?? false) || (stain?.warning ?? false) }

    /// Why the folder looks unfamiliar, in a few words, or nil when it does not.
    public var reason: String? {
        switch (features?.warning ?? false, stain?.warning ?? false) {
        case (true, true): String(format: "stained unlike its training labs (stain %.1f > %.2f), and the model sees them unlike its images",
                                  stain!.score, stain!.threshold)
        case (false, true): String(format: "stained unlike its training labs (stain %.1f > %.2f)", stain!.score, stain!.threshold)
        case (true, false): String(format: "the model sees them unlike its training images (shift %.1f > %.1f)", features!.score, features!.threshold)
        case (false, false): nil
        }
    }
}
