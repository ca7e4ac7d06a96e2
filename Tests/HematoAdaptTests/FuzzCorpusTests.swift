import Foundation
import XCTest
import HematoAdapt

/// Replays Fuzz/Corpus/lab through what fuzz-lab calls: every input is decoded or refused with
/// `Lab.Failure`; a decoded lab encodes back to itself and is checked against the bundled model's
/// classes and feature size. Inputs that once crashed are kept there, so this is the regression test.
final class FuzzCorpusTests: XCTestCase {
    static let corpus = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fuzz/Corpus/lab")
    static let modelLabels = ["EOSINOPHIL", "LYMPHOCYTE", "MONOCYTE", "NEUTROPHIL"]

    func testEveryLabInputIsDecodedOrRefusedAndFitsTheModelOrIsRefused() throws {
        let names = try FileManager.default.contentsOfDirectory(atPath: Self.corpus.path).sorted()
        XCTAssertGreaterThan(names.count, 4)
        var fits: [String] = [], misfits: [String] = []
        for name in names {
            let bytes = try Data(contentsOf: Self.corpus.appendingPathComponent(name))
            guard let lab = try? Lab(decoding: bytes, path: name) else { continue }
            XCTAssertEqual(try Lab(decoding: lab.encoded(), path: name), lab, name)
            do {
                try lab.check(fitting: Self.modelLabels, dimensions: 1280)
                fits.append(name)
                XCTAssertEqual(lab.head.probabilities([Float](repeating: 0.5, count: 1280)).count, 4)
            } catch {
                misfits.append(name)
            }
        }
        XCTAssertTrue(fits.contains("fits-bundled-model-2-examples.safetensors"), "\(fits)")
        for name in ["head-of-2-inputs.safetensors", "eight-classes.safetensors", "small-2-classes-3-inputs.safetensors"] {
            XCTAssertTrue(misfits.contains(name), name)
        }
    }
}
