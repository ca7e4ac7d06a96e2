import HematoImage
import HematoNet
import HematoReview

/// The review's `Classifying`, backed by the XNNPACK engine. Used by one
/// thread only (the background classifier's), hence unchecked.
final class EngineClassifying: Classifying, @unchecked Sendable {
    let labels: [String]
    let modelIdentity: String
    private let classifier: Classifier
    private let covering: (width: Int, height: Int)

    init(model: ModelFile) throws {
        classifier = try Classifier(model: model, threads: 1)
        labels = model.labels
        modelIdentity = model.identity
        covering = model.preprocessing.decodeCovering
    }

    func classify(path: String) -> ModelOpinion {
        do {
            let bytes = try ImageDecoding.readFile(path)
            let image = try ImageDecoding.decode(bytes, path: path, covering: covering)
            let prediction = try classifier.classify(image)
            return .predicted(probabilities: prediction.probabilities, imageHash: Self.hash(bytes))
        } catch let error as ImageError {
            return .unreadable(reason: error.description)
        } catch {
            return .unreadable(reason: "\(error)")
        }
    }

    /// FNV-1a, 64 bits: enough to notice that a file changed under a decision.
    static func hash(_ bytes: [UInt8]) -> String {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in bytes { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }
        return "fnv1a64:" + String(h, radix: 16)
    }
}
