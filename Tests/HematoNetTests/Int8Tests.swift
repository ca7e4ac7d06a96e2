import Foundation
import XCTest
import HematoImage
@testable import HematoNet

/// The int8 network (`--precision int8`) against the fp32 one on the same pictures, and the
/// calibration sidecar it needs: found for the shipped model, refused with a message when damaged.
final class Int8Tests: XCTestCase {
    static let root = GoldenOutputTests.root
    var scratch: URL!

    override func setUpWithError() throws {
        scratch = FileManager.default.temporaryDirectory.appendingPathComponent("hv-int8-tests-\(UUID())")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: scratch) }

    func sampleNames() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: Self.root.appendingPathComponent("SampleImages").path)
            .filter { $0.hasSuffix(".jpg") }.sorted()
    }

    /// Every sample picture, every cell the view finds: int8 names the same class as fp32 wherever
    /// fp32 is clear (its top two classes at least 0.4 apart), for all but at most two cells overall,
    /// and no probability moves by more than 0.35. (Measured with the shipped calibration: 2 of 16
    /// cells disagree, where fp32's margins are 0.39 and 0.08; largest difference 0.29; printed below.)
    func testInt8AgreesWithFP32OnTheSampleImages() throws {
        let model = try ModelFile.bundled()
        let fp32 = try Classifier(model: model)
        let int8 = try Classifier(model: model, precision: .int8(try Int8Calibration.forModel(model)))
        var cells = 0, disagreements: [String] = [], worst: Float = 0
        for name in try sampleNames() {
            let image = try ImageDecoding.load(Self.root.appendingPathComponent("SampleImages/\(name)").path, covering: model.decodeCovering)
            let a = try fp32.classifyCells(image), b = try int8.classifyCells(image)
            XCTAssertEqual(a.count, b.count, "the view is the same in both precisions: \(name)")
            for (x, y) in zip(a, b) {
                cells += 1
                if x.prediction.topIndex != y.prediction.topIndex {
                    let sorted = x.prediction.probabilities.sorted(by: >)
                    disagreements.append("\(name) (fp32 margin \(sorted[0] - sorted[1]))")
                    XCTAssertLessThan(sorted[0] - sorted[1], 0.4, "int8 changes a clear fp32 answer: \(name)")
                }
                worst = max(worst, zip(x.prediction.probabilities, y.prediction.probabilities).map { abs($0 - $1) }.max()!)
                XCTAssertTrue(y.prediction.probabilities.allSatisfy(\.isFinite))
                XCTAssertEqual(y.prediction.probabilities.reduce(0, +), 1, accuracy: 1e-4)
            }
        }
        XCTAssertGreaterThanOrEqual(cells, 16)
        XCTAssertLessThanOrEqual(disagreements.count, 2, "int8 and fp32 disagree on \(disagreements)")
        XCTAssertLessThanOrEqual(worst, 0.35)
        print("int8 vs fp32: \(cells) cells, \(disagreements.count) top-1 disagreements \(disagreements), largest probability difference \(worst)")
    }

    func testInt8IsDeterministicAcrossThreadCounts() throws {
        let model = try ModelFile.bundled()
        let calibration = try Int8Calibration.forModel(model)
        let image = try ImageDecoding.load(Self.root.appendingPathComponent("SampleImages/BloodImage_00026.jpg").path)
        let one = try Classifier(model: model, threads: 1, precision: .int8(calibration)).classify(image)
        let two = try Classifier(model: model, threads: 2, precision: .int8(calibration)).classify(image)
        XCTAssertEqual(one.probabilities, two.probabilities)
        XCTAssertEqual(one.features.count, two.features.count)
    }

    func testTheShippedCalibrationIsBuiltInAndBesideTheModel() throws {
        let builtIn = try Int8Calibration.builtIn()
        XCTAssertEqual(builtIn.modelIdentity, try ModelFile.builtIn().identity)
        XCTAssertFalse(builtIn.calibrationData.isEmpty)
        // The resource copy (found beside the model file in the bundle) holds the same bytes as the built-in one.
        let resource = Self.root.appendingPathComponent("Sources/HematoNet/Resources/\(Int8Calibration.fileName)")
        XCTAssertEqual(try Int8Calibration(bytes: [UInt8](try Data(contentsOf: resource)), source: "resource"), builtIn)
        XCTAssertEqual(try Int8Calibration.forModel(try ModelFile.bundled()), builtIn)
    }

    // MARK: the sidecar refused

    /// A copy of the shipped model in the scratch folder, with `sidecar` (if any) beside it.
    func modelWithSidecar(_ sidecar: [UInt8]?, editMetadata: Bool = false) throws -> ModelFile {
        let source = Self.root.appendingPathComponent("Sources/HematoNet/Resources/hematovision-mobilenetv2.safetensors")
        var bytes = [UInt8](try Data(contentsOf: source))
        if editMetadata {
            // Another model: the same weights, the header padded with 8 spaces (the tensors stay 8-byte aligned), another identity.
            let length = Int(bytes[0..<8].reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) })
            let header = String(decoding: bytes[8..<(8 + length)], as: UTF8.self)
            let edited = Array(header.replacingOccurrences(of: "\"format_version\":\"1\"", with: "\"format_version\":\"1\"        ").utf8)
            XCTAssertNotEqual(edited.count, length, "the header was edited")
            var out: [UInt8] = []
            for i in 0..<8 { out.append(UInt8(truncatingIfNeeded: UInt64(edited.count) >> (8 * UInt64(i)))) }
            bytes = out + edited + bytes[(8 + length)...]
        }
        let url = scratch.appendingPathComponent("model.safetensors")
        try Data(bytes).write(to: url)
        if let sidecar { try Data(sidecar).write(to: scratch.appendingPathComponent("model.int8.json")) }
        return try ModelFile(path: url.path)
    }

    func shippedSidecar() throws -> [String: Any] {
        let url = Self.root.appendingPathComponent("Sources/HematoNet/Resources/\(Int8Calibration.fileName)")
        return try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as! [String: Any]
    }

    func refusal(_ sidecar: [UInt8]?, editMetadata: Bool = false) throws -> CalibrationError? {
        let model = try modelWithSidecar(sidecar, editMetadata: editMetadata)
        do {
            _ = try Int8Calibration.forModel(model)
            XCTFail("the calibration was accepted")
            return nil
        } catch {
            return error
        }
    }

    func testATruncatedSidecarIsRefused() throws {
        let url = Self.root.appendingPathComponent("Sources/HematoNet/Resources/\(Int8Calibration.fileName)")
        let bytes = [UInt8](try Data(contentsOf: url))
        let error = try refusal(Array(bytes.prefix(bytes.count / 2)))
        XCTAssertTrue(error?.description.contains("model.int8.json is unusable: it is not valid JSON") ?? false, "\(String(describing: error))")
    }

    func testASidecarWithoutOneRangeIsRefused() throws {
        var object = try shippedSidecar()
        var ranges = object["ranges"] as! [String: Any]
        ranges["blocks.7.depthwise"] = nil
        object["ranges"] = ranges
        let error = try refusal([UInt8](try JSONSerialization.data(withJSONObject: object)))
        XCTAssertTrue(error?.description.contains("no range [low, high] for \"blocks.7.depthwise\"") ?? false, "\(String(describing: error))")
    }

    func testAnEmptyOrReversedRangeIsRefused() throws {
        for bad in [[3.0, 3.0], [2.0, -1.0]] {
            var object = try shippedSidecar()
            var ranges = object["ranges"] as! [String: Any]
            ranges["head"] = bad
            object["ranges"] = ranges
            let error = try refusal([UInt8](try JSONSerialization.data(withJSONObject: object)))
            XCTAssertTrue(error?.description.contains("range for \"head\" is not two finite numbers, low < high") ?? false, "\(String(describing: error))")
        }
    }

    func testASidecarOfAnotherModelIsRefused() throws {
        let url = Self.root.appendingPathComponent("Sources/HematoNet/Resources/\(Int8Calibration.fileName)")
        let error = try refusal([UInt8](try Data(contentsOf: url)), editMetadata: true)
        guard case .otherModel = error else { return XCTFail("\(String(describing: error))") }
        XCTAssertTrue(error!.description.contains("rerun Training/calibrate_int8.py"))
    }

    func testAnotherModelWithoutASidecarNamesWhereItLooked() throws {
        let error = try refusal(nil, editMetadata: true)
        guard case .missing(_, let looked) = error else { return XCTFail("\(String(describing: error))") }
        XCTAssertEqual(looked, [scratch.appendingPathComponent("model.int8.json").path])
    }

    func testTheShippedModelCopiedElsewhereUsesTheBuiltInCalibration() throws {
        let model = try modelWithSidecar(nil)
        XCTAssertEqual(try Int8Calibration.forModel(model), try Int8Calibration.builtIn())
    }

    func testAnUnknownFP32LayerIsRefused() throws {
        var object = try shippedSidecar()
        object["fp32_layers"] = ["stem", "blocks.99.depthwise"]
        let error = try refusal([UInt8](try JSONSerialization.data(withJSONObject: object)))
        XCTAssertTrue(error?.description.contains("fp32_layers names \"blocks.99.depthwise\", which is no layer") ?? false, "\(String(describing: error))")
    }

    /// The mixed-precision plumbing: a calibration that keeps every layer in fp32 builds the fp32
    /// network (same probabilities to the bit), one that keeps none changes them.
    func testEveryLayerKeptInFP32GivesTheFP32Answer() throws {
        var object = try shippedSidecar()
        object["fp32_layers"] = Int8Calibration.activationNames.filter { $0 != "input" }
        let allFP32 = try Int8Calibration(bytes: [UInt8](try JSONSerialization.data(withJSONObject: object)), source: "test")
        object["fp32_layers"] = [String]()
        let allInt8 = try Int8Calibration(bytes: [UInt8](try JSONSerialization.data(withJSONObject: object)), source: "test")
        let model = try ModelFile.bundled()
        let image = try ImageDecoding.load(Self.root.appendingPathComponent("SampleImages/BloodImage_00001.jpg").path)
        let fp32 = try Classifier(model: model).classify(image).probabilities
        XCTAssertEqual(try Classifier(model: model, precision: .int8(allFP32)).classify(image).probabilities, fp32)
        XCTAssertNotEqual(try Classifier(model: model, precision: .int8(allInt8)).classify(image).probabilities, fp32)
    }

    // MARK: the arithmetic

    func testQuantizationCoversItsRangeAndZero() {
        let relu6 = Quantization(covering: 0, 6)
        XCTAssertEqual(relu6.zeroPoint, -128)
        XCTAssertEqual(relu6.scale, 6 / 255, accuracy: 1e-7)
        let signed = Quantization(covering: -2, 6)
        XCTAssertEqual(signed.scale * Float(-128 - signed.zeroPoint), -2, accuracy: signed.scale / 2)
        XCTAssertEqual(signed.scale * Float(127 - signed.zeroPoint), 6, accuracy: signed.scale / 2)
        // A range away from zero is widened to hold it.
        XCTAssertEqual(Quantization(covering: 1, 5), Quantization(covering: 0, 5))
    }

    func testPerChannelWeightsRoundTripWithinHalfAStep() {
        // Two output channels of a 1×1 convolution with three inputs ([2, 1, 1, 3]), and a depthwise filter ([1, 1, 2, 2]).
        let conv: [Float] = [0.5, -1.0, 0.25, 10, 2, -3]
        conv.withUnsafeBufferPointer { w in
            let q = PerChannelWeights(w, dims: [2, 1, 1, 3], channelDimension: 0)
            XCTAssertEqual(q.scales, [1.0 / 127, 10.0 / 127])
            XCTAssertEqual(q.values[1], -127)
            XCTAssertEqual(q.values[3], 127)
            for i in w.indices { XCTAssertEqual(Float(q.values[i]) * q.scales[i / 3], w[i], accuracy: q.scales[i / 3] / 2) }
        }
        let depthwise: [Float] = [1, -4, -0.5, 2]
        depthwise.withUnsafeBufferPointer { w in
            let q = PerChannelWeights(w, dims: [1, 1, 2, 2], channelDimension: 3)
            XCTAssertEqual(q.scales, [1.0 / 127, 4.0 / 127])
            XCTAssertEqual(Array(q.values), [127, -127, -64, 64])
        }
    }
}
