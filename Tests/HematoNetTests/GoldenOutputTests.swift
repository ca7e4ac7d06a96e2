import Foundation
import XCTest
import HematoImage
@testable import HematoNet

/// The Swift engine against the probabilities PyTorch computed for the same
/// pictures (Training/export.py writes them; they are not produced by this code).
final class GoldenOutputTests: XCTestCase {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    struct Reference: Decodable {
        let labels: [String]
        let probabilities: [String: [Float]]
    }

    func testEverySampleImageMatchesTheTrainingSidesProbabilities() throws {
        let data = try Data(contentsOf: Self.root.appendingPathComponent("Training/reference/sample_probabilities.json"))
        let reference = try JSONDecoder().decode(Reference.self, from: data)
        let model = try ModelFile.bundled()
        XCTAssertEqual(model.labels, reference.labels)
        let classifier = try Classifier(model: model)
        XCTAssertGreaterThanOrEqual(reference.probabilities.count, 12)
        var worst: Float = 0
        for (name, expected) in reference.probabilities.sorted(by: { $0.key < $1.key }) {
            let image = try ImageDecoding.load(Self.root.appendingPathComponent("SampleImages/\(name)").path,
                                               covering: model.decodeCovering)
            let prediction = try classifier.classify(image)
            let difference = zip(prediction.probabilities, expected).map { abs($0 - $1) }.max()!
            worst = max(worst, difference)
            XCTAssertLessThanOrEqual(difference, 1e-3, name)
            XCTAssertEqual(prediction.topIndex, expected.indices.max { expected[$0] < expected[$1] }, name)
        }
        print("golden: worst absolute difference \(worst)")
    }

    func testTwoThreadsGiveTheSameAnswerAsOne() throws {
        let model = try ModelFile.bundled()
        let image = try ImageDecoding.load(Self.root.appendingPathComponent("SampleImages/BloodImage_00026.jpg").path)
        let one = try Classifier(model: model, threads: 1).classify(image)
        let two = try Classifier(model: model, threads: 2).classify(image)
        for (a, b) in zip(one.probabilities, two.probabilities) { XCTAssertEqual(a, b, accuracy: 1e-5) }
    }

    func testActivationMapIsNormalisedOverTheFeatureGrid() throws {
        let model = try ModelFile.bundled()
        let image = try ImageDecoding.load(Self.root.appendingPathComponent("SampleImages/BloodImage_00001.jpg").path)
        let prediction = try Classifier(model: model).classify(image)
        let map = prediction.activationMap(forClass: prediction.topIndex)
        // The network halves its input five times: a 160×160 input gives a 5×5 grid (224: 7×7).
        let grid = (model.preprocessing.width + 31) / 32
        XCTAssertEqual(prediction.featureWidth, grid)
        XCTAssertEqual(prediction.featureHeight, grid)
        XCTAssertEqual(map.count, grid * grid)
        XCTAssertEqual(map.max(), 1)
        XCTAssertEqual(map.min(), 0)
    }
}
