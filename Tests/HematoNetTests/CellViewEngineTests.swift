import Foundation
import XCTest
import HematoImage
@testable import HematoNet

/// A model whose metadata names the canonical cell view classifies each white
/// cell it finds; without a view, or without a nucleus, the whole picture.
extension ModelFileTests {
    func viewModel() throws -> ModelFile {
        let url = scratch.appendingPathComponent("view-model.safetensors")
        try Data(try editedMetadata { $0["view"] = CanonicalViewRule.standard.metadata }).write(to: url)
        return try ModelFile(path: url.path)
    }

    /// The bundled weights with the `view` taken out of the metadata: a model that sees whole pictures.
    func wholePictureModel() throws -> ModelFile {
        let url = scratch.appendingPathComponent("whole-picture-model.safetensors")
        try Data(try editedMetadata { $0["view"] = nil }).write(to: url)
        return try ModelFile(path: url.path)
    }

    static func sample(_ name: String) throws -> RGBImage {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        return try ImageDecoding.load(root.appendingPathComponent("SampleImages/\(name)").path)
    }

    /// Two fields side by side: a picture with (at least) one white cell in each half.
    static func sideBySide(_ a: RGBImage, _ b: RGBImage) -> RGBImage {
        var out = RGBImage(width: a.width + b.width, height: max(a.height, b.height), filledWith: (255, 255, 255))
        for (image, left) in [(a, 0), (b, a.width)] {
            for y in 0..<image.height {
                for x in 0..<image.width {
                    for c in 0..<3 { out.pixels[(y * out.width + left + x) * 3 + c] = image.pixels[(y * image.width + x) * 3 + c] }
                }
            }
        }
        return out
    }

    func testAViewModelClassifiesEachCellAndDecodesInFull() throws {
        let model = try viewModel()
        XCTAssertEqual(model.view, .standard)
        XCTAssertNil(model.decodeCovering, "the view cuts small squares, so the picture is decoded in full")
        XCTAssertNotNil(try wholePictureModel().decodeCovering, "a whole-picture model needs only a scaled decode")
        let classifier = try Classifier(model: model)
        let picture = Self.sideBySide(try Self.sample("BloodImage_00001.jpg"), try Self.sample("BloodImage_00006.jpg"))
        let cells = try classifier.classifyCells(picture)
        let boxes = cells.compactMap(\.cell)
        XCTAssertEqual(boxes.count, cells.count, "every prediction has its cell")
        XCTAssertTrue(boxes.contains { $0.x + $0.width <= 640 }, "a cell in the left field")
        XCTAssertTrue(boxes.contains { $0.x >= 640 }, "a cell in the right field")
        // Each cell's prediction is the network's answer for that cell's square, and the picture's
        // prediction is the first (largest nucleus) cell's.
        let inputs = CanonicalView.inputs(picture, preprocessing: model.preprocessing)
        for (cell, input) in zip(cells, inputs) {
            XCTAssertEqual(cell.prediction.probabilities, try classifier.classify(tensor: input.tensor).probabilities)
        }
        XCTAssertEqual(try classifier.classify(picture).probabilities, cells[0].prediction.probabilities)
    }

    func testWithoutANucleusTheWholePictureIsClassifiedAndMarked() throws {
        let model = try viewModel()
        let blank = RGBImage(width: 320, height: 240, filledWith: (230, 200, 205))
        let cells = try Classifier(model: model).classifyCells(blank)
        XCTAssertEqual(cells.count, 1)
        XCTAssertNil(cells[0].cell)
        let whole = try Classifier(model: model).classify(tensor: model.preprocessing.tensor(from: blank))
        XCTAssertEqual(cells[0].prediction.probabilities, whole.probabilities)
    }

    func testAModelWithoutAViewClassifiesTheWholePicture() throws {
        let model = try wholePictureModel()
        XCTAssertNil(model.view)
        let picture = try Self.sample("BloodImage_00001.jpg")
        let cells = try Classifier(model: model).classifyCells(picture)
        XCTAssertEqual(cells.count, 1)
        XCTAssertNil(cells[0].cell)
    }

    func testAnUnknownViewIsRefused() throws {
        let error = refused(try editedMetadata { $0["view"] = "nucleus-square-v9 k=3" })
        XCTAssertTrue(error?.description.contains("nucleus-square-v9") ?? false, "\(String(describing: error))")
    }

    func testAModelMadeForTheV1ViewIsRefused() throws {
        let v1 = "nucleus-square-v1 small=160 min_score=60 min_piece=4 merge=1/3 min_cell=4/1000 relative=1/4 k=2.2 min_crop=16"
        let error = refused(try editedMetadata { $0["view"] = v1 })
        let text = error?.description ?? ""
        XCTAssertTrue(text.contains("nucleus-square-v1") && text.contains("nucleus-square-v2"), text)
    }

    func testSeveralClassesOnlyForConfidentCells() {
        let labels = ["EOSINOPHIL", "LYMPHOCYTE", "MONOCYTE", "NEUTROPHIL"]
        let box = NucleusFinder.Cell(x: 0, y: 0, width: 1, height: 1, nucleusArea: 1, cropX: 0, cropY: 0, cropSide: 1)
        func cell(_ p: [Float]) -> BatchClassifier.FoundCell { .init(cell: box, probabilities: p) }
        let sure = cell([0.02, 0.95, 0.02, 0.01]), unsure = cell([0.3, 0.5, 0.1, 0.1]), first = cell([0.1, 0.1, 0.2, 0.6])
        XCTAssertEqual(BatchClassifier.FoundCell.categories([first], labels: labels), ["NEUTROPHIL"])
        XCTAssertEqual(BatchClassifier.FoundCell.categories([first, sure], labels: labels), ["NEUTROPHIL", "LYMPHOCYTE"])
        XCTAssertEqual(BatchClassifier.FoundCell.categories([first, unsure], labels: labels), ["NEUTROPHIL"],
                       "an unsure second cell (or a platelet) does not make a multi-cell label")
    }
}
