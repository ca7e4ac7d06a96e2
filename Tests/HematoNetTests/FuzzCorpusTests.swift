import Foundation
import XCTest
@testable import HematoNet

/// Replays the saved fuzz corpus of Fuzz/Corpus/model-header through `ModelFile(path:)`, the
/// fuzz target's entry point: each input opens or is refused with a `ModelFileError`, never a trap.
final class FuzzCorpusTests: XCTestCase {
    static let corpus = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fuzz/Corpus/model-header")

    func testEveryModelHeaderInputOpensOrIsRefused() throws {
        let names = try FileManager.default.contentsOfDirectory(atPath: Self.corpus.path).sorted()
        XCTAssertGreaterThan(names.count, 1)
        for name in names {
            do {
                _ = try ModelFile(path: Self.corpus.appendingPathComponent(name).path).head
            } catch {
                XCTAssertFalse(error.description.isEmpty, name)
            }
        }
    }

    func testTheBundledModelCutShortIsRefusedAtItsFirstTensor() {
        // The seed is the bundled file's first 64 KiB: a good header whose tensors run past the end.
        XCTAssertThrowsError(try ModelFile(path: Self.corpus.appendingPathComponent("bundled-model-first-64k.safetensors").path)) {
            guard case .dataOutOfRange = $0 as? ModelFileError else { return XCTFail("unexpected error: \($0)") }
        }
    }
}
