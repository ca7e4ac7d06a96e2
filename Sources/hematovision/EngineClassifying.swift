import HematoFiles
import HematoImage
import HematoNet
import HematoReview

/// The review's `Classifying`, backed by the XNNPACK engine. Used by one
/// thread only (the background classifier's), hence unchecked.
final class EngineClassifying: Classifying, @unchecked Sendable {
    let labels: [String]
    let modelIdentity: String
    private let classifier: Classifier
    private let covering: (width: Int, height: Int)?

    init(model: ModelFile) throws {
        classifier = try Classifier(model: model, threads: 1)
        labels = model.labels
        modelIdentity = model.identity
        covering = model.decodeCovering
    }

    func classify(path: String) -> ModelOpinion { observe(path: path).opinion }

    func observe(path: String) -> Observation {
        do {
            let bytes = try ImageDecoding.readFile(path)
            let image = try ImageDecoding.decode(bytes, path: path, covering: covering)
            let (found, stain) = try classifier.classifyPicture(image)
            let prediction = found[0].prediction
            let opinion = ModelOpinion.predicted(probabilities: prediction.probabilities,
                                                 imageHash: ContentHash.journalTag(bytes))
            let w = Float(image.width), h = Float(image.height)
            let cells = found.compactMap { c in
                c.cell.map { CellOpinion(x: Float($0.x) / w, y: Float($0.y) / h, width: Float($0.width) / w, height: Float($0.height) / h,
                                         probabilities: c.prediction.probabilities) }
            }
            // The map covers what the network saw: the first cell's square, or the whole picture.
            let top = prediction.topIndex
            let square = found[0].cell.map { (Float($0.cropX) / w, Float($0.cropY) / h, Float($0.cropSide) / w, Float($0.cropSide) / h) }
                ?? (0, 0, 1, 1)
            let map = ActivationMap(width: prediction.featureWidth, height: prediction.featureHeight,
                                    values: prediction.activationMap(forClass: top), classIndex: top,
                                    x: square.0, y: square.1, boxWidth: square.2, boxHeight: square.3)
            return Observation(opinion: opinion, feature: prediction.pooled, cells: cells, activationMap: map, stain: stain)
        } catch {  // ImageError and EngineError both describe themselves
            return Observation(opinion: .unreadable(reason: "\(error)"), feature: nil)
        }
    }
}
