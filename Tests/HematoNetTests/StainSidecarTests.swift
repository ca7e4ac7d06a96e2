import Foundation
import XCTest
import HematoAdapt
import HematoImage
@testable import HematoNet

/// The stain check's reference travels with its model, as the int8 calibration does: built in for the
/// shipped model, `NAME.stain.json` beside any other, refused when damaged or made for another model.
final class StainSidecarTests: XCTestCase {
    static let root = GoldenOutputTests.root
    var scratch: URL!

    override func setUpWithError() throws {
        scratch = FileManager.default.temporaryDirectory.appendingPathComponent("hv-stain-tests-\(UUID())")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: scratch) }

    var shippedBytes: [UInt8] {
        get throws {
            [UInt8](try Data(contentsOf: Self.root.appendingPathComponent("Sources/HematoNet/Resources/hematovision-mobilenetv2.stain.json")))
        }
    }

    func testTheShippedModelHasItsStainReferenceBuiltInAndBesideIt() throws {
        let builtIn = try XCTUnwrap(try StainSidecar.reference(for: try ModelFile.builtIn()))
        XCTAssertEqual(builtIn.labs, ["blood-cells", "pbc", "deepbionet", "lisc"])
        XCTAssertEqual(builtIn.centroids.count, 4)
        XCTAssertGreaterThan(builtIn.threshold, 1)
        XCTAssertEqual(try StainSidecar.parse(try shippedBytes, source: "resource").1, builtIn)
        XCTAssertEqual(try StainSidecar.reference(for: try ModelFile.bundled()), builtIn)
    }

    /// A copy of the shipped model's bytes in the scratch folder under another name, with `sidecar` beside it.
    func copiedModel(sidecar: [UInt8]?) throws -> ModelFile {
        let source = Self.root.appendingPathComponent("Sources/HematoNet/Resources/hematovision-mobilenetv2.safetensors")
        let url = scratch.appendingPathComponent("copy.safetensors")
        try FileManager.default.copyItem(at: source, to: url)
        if let sidecar { try Data(sidecar).write(to: scratch.appendingPathComponent("copy.stain.json")) }
        return try ModelFile(path: url.path)
    }

    func testACopyOfTheModelFallsBackToTheBuiltInReferenceAndReadsItsOwnSidecar() throws {
        XCTAssertNotNil(try StainSidecar.reference(for: try copiedModel(sidecar: nil)), "the same model: the built-in copy serves")
        try FileManager.default.removeItem(at: scratch.appendingPathComponent("copy.safetensors"))
        var object = try JSONSerialization.jsonObject(with: Data(try shippedBytes)) as! [String: Any]
        object["threshold"] = 2.5
        let own = try StainSidecar.reference(for: try copiedModel(sidecar: [UInt8](try JSONSerialization.data(withJSONObject: object))))
        XCTAssertEqual(own?.threshold, 2.5, "the sidecar beside the model wins")
    }

    func testDamagedOrForeignSidecarsAreRefusedWithAReason() throws {
        let shipped = try JSONSerialization.jsonObject(with: Data(try shippedBytes)) as! [String: Any]
        func edited(_ change: (inout [String: Any]) -> Void) throws -> [UInt8] {
            var o = shipped
            change(&o)
            return [UInt8](try JSONSerialization.data(withJSONObject: o))
        }
        let cases: [(String, [UInt8], String)] = [
            ("not JSON", Array("{\"format\": ".utf8), "it is not JSON"),
            ("a list", Array("[]".utf8), "it is not a JSON object"),
            ("another format", try edited { $0["format"] = "hematovision-int8" }, "its format is not \"hematovision-stain\""),
            ("no identity", try edited { $0["model_identity"] = nil }, "it names no model_identity"),
            ("a two-channel centroid", try edited { $0["centroids"] = [[0.5, 0.5]] }, "a centroid is not three numbers"),
            ("a zero scale", try edited { $0["scale"] = [0.07, 0, 0.05] }, "its scale must be three positive numbers"),
            ("a string threshold", try edited { $0["threshold"] = "1.65" }, "its reference and threshold must be positive numbers"),
        ]
        for (what, bytes, problem) in cases {
            XCTAssertThrowsError(try StainSidecar.parse(bytes, source: "s.json"), what) { error in
                XCTAssertEqual(error as? StainSidecarError, .malformed(source: "s.json", problem: problem), what)
            }
        }
        let foreign = try edited { $0["model_identity"] = "mnv2-0" }
        XCTAssertThrowsError(try StainSidecar.reference(for: try copiedModel(sidecar: foreign))) { error in
            guard case .otherModel(_, _, let found)? = error as? StainSidecarError else { return XCTFail("\(error)") }
            XCTAssertEqual(found, "mnv2-0")
            XCTAssertTrue("\(error)".contains("rerun Training/stain_stats.py --sidecar"), "\(error)")
        }
    }

    /// The engine's stain for a picture is the finder's nucleus colour over its background colour (the
    /// numbers Training/canonical_view.py writes to the golden file, checked in CanonicalViewTests).
    func testTheEngineGivesEachPictureItsStain() throws {
        let model = try ModelFile.bundled()
        let classifier = try Classifier(model: model, threads: 1)
        let path = Self.root.appendingPathComponent("SampleImages/BloodImage_00001.jpg").path
        let image = try ImageDecoding.load(path, covering: model.decodeCovering)
        let (cells, stain) = try classifier.classifyPicture(image)
        XCTAssertFalse(cells.isEmpty)
        let found = NucleusFinder.find(image, rule: try XCTUnwrap(model.view))
        let nucleus = try XCTUnwrap(found.nucleus)
        XCTAssertEqual(stain, StainReference.relative(nucleus: nucleus, background: found.background))
        XCTAssertEqual(try XCTUnwrap(stain)[0], Float(155) / 203, accuracy: 1e-6)  // stain_stats.py reads (155, 136, 220) over (203, 204, 203)
    }
}
