import Foundation
import XCTest
import HematoReview

/// Replays the saved fuzz corpora of Fuzz/Corpus/labels and Fuzz/Corpus/journal through the
/// entry points the fuzz targets call: each input is parsed or refused with the parser's own
/// error, never a trap. Inputs that once crashed are kept there, so this is the regression test.
final class FuzzCorpusTests: XCTestCase {
    static let corpus = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fuzz/Corpus")

    static func inputs(_ target: String) throws -> [URL] {
        let folder = corpus.appendingPathComponent(target)
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
        return names.map { folder.appendingPathComponent($0) }
    }

    func testEveryLabelsInputIsReadOrRefusedWithItsLine() throws {
        let inputs = try Self.inputs("labels")
        XCTAssertGreaterThan(inputs.count, 2)
        for url in inputs {
            let bytes = [UInt8](try Data(contentsOf: url))
            do {
                let file = try LabelsFile(bytes: bytes, name: url.lastPathComponent)
                // What the fuzz target checks: an accepted file is written back byte for byte.
                if !bytes.isEmpty { XCTAssertEqual(file.serialized(), bytes, url.lastPathComponent) }
                _ = file.displayed()
            } catch {
                let lines = bytes.count(where: { $0 == 10 }) + 1
                XCTAssertTrue((1...lines).contains(error.line), "\(url.lastPathComponent): line \(error.line) of \(lines)")
                XCTAssertFalse(error.description.isEmpty)
            }
        }
    }

    func testTheRealLabelFilesInTheCorpusAreRead() throws {
        let folder = Self.corpus.appendingPathComponent("labels")
        for name in ["dataset-labels.csv", "lf-endings.csv", "bom-quoted-no-final-newline.csv"] {
            let bytes = [UInt8](try Data(contentsOf: folder.appendingPathComponent(name)))
            XCTAssertFalse(try LabelsFile(bytes: bytes).rows.isEmpty, name)
        }
    }

    func testEveryJournalInputIsReadOrRefused() throws {
        let inputs = try Self.inputs("journal")
        XCTAssertGreaterThan(inputs.count, 1)
        for url in inputs {
            do {
                _ = try Journal.read(path: url.path)
            } catch {
                // Refused with the journal's own error, naming this file.
                switch error {
                case .damaged(let path, _), .unencodable(let path): XCTAssertEqual(path, url.path)
                case .file(let failure): XCTAssertEqual(failure.path, url.path)
                }
            }
        }
    }

    func testTheAppsJournalsInTheCorpusAreRead() throws {
        let folder = Self.corpus.appendingPathComponent("journal")
        XCTAssertEqual(try Journal.read(path: folder.appendingPathComponent("review-session.jsonl").path).map(\.action),
                       [.accept, .set, .add, .undo])
        XCTAssertEqual(try Journal.read(path: folder.appendingPathComponent("last-line-cut-short.jsonl").path).count, 1)
    }
}
