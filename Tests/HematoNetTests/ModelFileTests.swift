import Foundation
import XCTest
@testable import HematoNet
import HematoImage

/// Damaged and foreign model files are refused with a message that names the problem.
final class ModelFileTests: XCTestCase {
    var scratch: URL!
    var good: [UInt8] = []

    override func setUpWithError() throws {
        scratch = FileManager.default.temporaryDirectory.appendingPathComponent("hv-model-tests-\(UUID())")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        good = [UInt8](try Data(contentsOf: URL(fileURLWithPath: try ModelFile.bundled().path)))
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: scratch) }

    /// The bundled file split into its JSON header and its data section.
    func parts() throws -> (header: [String: Any], data: ArraySlice<UInt8>) {
        let length = good[0..<8].enumerated().reduce(0) { $0 | Int($1.element) << (8 * $1.offset) }
        let header = try JSONSerialization.jsonObject(with: Data(good[8..<(8 + length)])) as! [String: Any]
        return (header, good[(8 + length)...])
    }

    func assemble(_ header: [String: Any], _ data: ArraySlice<UInt8>) throws -> [UInt8] {
        var json = [UInt8](try JSONSerialization.data(withJSONObject: header))
        while (json.count + 8) % 8 != 0 { json.append(0x20) }
        let n = json.count
        return (0..<8).map { UInt8((n >> (8 * $0)) & 0xFF) } + json + data
    }

    func refused(_ bytes: [UInt8], file: StaticString = #filePath, line: UInt = #line) -> ModelFileError? {
        let url = scratch.appendingPathComponent("model-\(UUID()).safetensors")
        try! Data(bytes).write(to: url)
        do {
            _ = try ModelFile(path: url.path)
            XCTFail("the damaged file was accepted", file: file, line: line)
            return nil
        } catch {
            return error
        }
    }

    func editedMetadata(_ edit: (inout [String: String]) -> Void) throws -> [UInt8] {
        var (header, data) = try parts()
        var meta = header["__metadata__"] as! [String: String]
        edit(&meta)
        header["__metadata__"] = meta
        return try assemble(header, data)
    }

    func editedTensor(_ name: String, _ edit: (inout [String: Any]?) -> Void) throws -> [UInt8] {
        var (header, data) = try parts()
        var entry = header[name] as? [String: Any]
        edit(&entry)
        header[name] = entry
        return try assemble(header, data)
    }

    func testTheBundledFileIsAccepted() throws {
        let model = try ModelFile.bundled()
        // Five classes, in CellClass's order (Training/MODEL_CARD.md).
        XCTAssertEqual(model.labels, ["EOSINOPHIL", "LYMPHOCYTE", "MONOCYTE", "NEUTROPHIL", "BASOPHIL"])
        // The shipped model sees the canonical cell view at 160×160 (Training/MODEL_CARD.md).
        XCTAssertEqual(model.preprocessing.width, 160)
        XCTAssertEqual(model.preprocessing.height, 160)
        XCTAssertEqual(model.view, CanonicalViewRule.standard)
        XCTAssertTrue(model.identity.hasPrefix("mnv2-"))
        XCTAssertNotNil(model.scoresJSON)
    }

    func testTruncatedFile() {
        XCTAssertEqual(refused(Array(good.prefix(5))), .truncated(size: 5))
        // Cut inside the data: the last tensors point past the end.
        if case .dataOutOfRange = refused(Array(good.prefix(good.count - 1000))) {} else { XCTFail("expected dataOutOfRange") }
    }

    func testHeaderLengthPastTheEnd() {
        var bytes = good
        bytes.replaceSubrange(0..<8, with: [0, 0, 0, 0, 0, 0, 1, 0])
        XCTAssertEqual(refused(bytes), .headerPastEnd(headerLength: 1 << 48, fileSize: good.count))
    }

    func testMalformedJSON() {
        var bytes = good
        bytes[8] = UInt8(ascii: "[")
        bytes[9] = UInt8(ascii: "}")
        if case .malformedHeader = refused(bytes) {} else { XCTFail("expected malformedHeader") }
    }

    func testMissingTensor() throws {
        XCTAssertEqual(refused(try editedTensor("blocks.7.depthwise.weight") { $0 = nil }), .missingTensor("blocks.7.depthwise.weight"))
    }

    func testMisShapedTensor() throws {
        let bytes = try editedTensor("classifier.weight") { $0?["shape"] = [1280, 4] }
        XCTAssertEqual(refused(bytes), .wrongShape(tensor: "classifier.weight", expected: [5, 1280], found: [1280, 4]))
    }

    func testWrongDataType() throws {
        XCTAssertEqual(refused(try editedTensor("stem.bias") { $0?["dtype"] = "F16" }), .wrongDataType(tensor: "stem.bias", found: "F16"))
    }

    func testDataOffsetsNearIntMaxAreRefusedNotATrap() throws {
        // 128 bytes, the size of stem.bias, ending at Int.max: the data start plus either offset overflows.
        let bytes = try editedTensor("stem.bias") { $0?["data_offsets"] = [Int.max - 128, Int.max] }
        XCTAssertEqual(refused(bytes), .dataOutOfRange(tensor: "stem.bias"))
    }

    /// A header not padded to 8 bytes (a hand-written or other writer's file) leaves every tensor off a
    /// float's boundary: the message says that, not that the data lies outside the file.
    func testAnUnpaddedHeaderIsNamedAsSuch() throws {
        let (header, data) = try parts()
        var json = [UInt8](try JSONSerialization.data(withJSONObject: header))
        if json.count % 4 == 0 { json.append(0x20) }  // any length that leaves the data off a 4-byte boundary
        let n = json.count
        let bytes = (0..<8).map { UInt8((n >> (8 * $0)) & 0xFF) } + json + data
        guard case .misaligned(_, let offset, let length)? = refused(bytes) else { return XCTFail("expected misaligned") }
        XCTAssertEqual(length, n)
        let message = ModelFileError.misaligned(tensor: "stem.bias", offset: offset, headerLength: length).description
        XCTAssertTrue(message.contains("not padded with spaces to a multiple of 8"), message)
        XCTAssertFalse(message.contains("outside"), message)
    }

    func testAShapeWhoseSizeOverflowsIsRefused() throws {
        let bytes = try editedTensor("stem.bias") { $0?["shape"] = [1 << 62, 8] }
        guard case .malformedHeader(let why)? = refused(bytes) else { return XCTFail("expected malformedHeader") }
        XCTAssertTrue(why.contains("stem.bias"), why)
        XCTAssertNil(SafeTensors.elementCount([Int.max, 2]))
        XCTAssertNil(SafeTensors.elementCount([4, -1]))
        XCTAssertEqual(SafeTensors.elementCount([32, 3, 3, 3]), 864)
        XCTAssertEqual(SafeTensors.elementCount([]), 1)
    }

    /// The bundled file with `value` written over element `element` of `tensor`.
    func withWeight(_ tensor: String, element: Int, _ value: Float) throws -> [UInt8] {
        let (header, _) = try parts()
        let start = (header[tensor] as! [String: Any])["data_offsets"] as! [Int]
        let dataStart = good.count - (try parts()).data.count
        var bytes = good
        let at = dataStart + start[0] + 4 * element
        withUnsafeBytes(of: value.bitPattern.littleEndian) { bytes.replaceSubrange(at..<(at + 4), with: $0) }
        return bytes
    }

    func testNaNOrInfinityAmongTheWeightsIsRefusedNamingTheTensor() throws {
        XCTAssertEqual(refused(try withWeight("blocks.7.depthwise.weight", element: 5, .nan)),
                       .nonFiniteWeight(tensor: "blocks.7.depthwise.weight", element: 5))
        XCTAssertEqual(refused(try withWeight("classifier.bias", element: 3, -.infinity)),
                       .nonFiniteWeight(tensor: "classifier.bias", element: 3))
        XCTAssertTrue(ModelFileError.nonFiniteWeight(tensor: "head.bias", element: 0).description.contains("\"head.bias\""))
        // The largest finite weight is still a weight.
        XCTAssertNoThrow(try ModelFile(path: { () -> String in
            let url = scratch.appendingPathComponent("big.safetensors")
            try! Data(try! withWeight("stem.bias", element: 0, .greatestFiniteMagnitude)).write(to: url)
            return url.path
        }()))
    }

    func testLabelsMustBePrintable() throws {
        for bad in ["LYMPH\u{1B}]0;owned\u{07}", "LYMPH\u{9B}2J", "LYMPH\u{202E}ETYCOH", "LYMPH\u{2066}X", "LYMPH\u{7F}"] {
            let error = refused(try editedMetadata { $0["labels"] = "EOSINOPHIL,\(bad),MONOCYTE,NEUTROPHIL,BASOPHIL" })
            guard case .badMetadata("labels", let problem)? = error else { XCTFail("\(bad.debugDescription): \(String(describing: error))"); continue }
            XCTAssertTrue(problem.contains("number 2"), problem)
            XCTAssertFalse(error!.description.unicodeScalars.contains { $0.value < 0x20 || (0x7F..<0xA0).contains($0.value) })
        }
        let model = try ModelFile(path: { () -> String in
            let url = scratch.appendingPathComponent("accents.safetensors")
            try! Data(try! editedMetadata { $0["labels"] = "ÉOSINOPHILE,LYMPHOCYTE,MONOCYTE,NEUTROPHILE,BASOPHILE" }).write(to: url)
            return url.path
        }())
        XCTAssertEqual(model.labels.first, "ÉOSINOPHILE")
    }

    func testUnknownFormatVersion() throws {
        XCTAssertEqual(refused(try editedMetadata { $0["format_version"] = "99" }), .unknownFormatVersion("99"))
    }

    func testForeignFile() throws {
        XCTAssertEqual(refused(try editedMetadata { $0["format"] = "some-llm" }), .notAHematoVisionModel(format: "some-llm"))
    }

    func testUnknownPreprocessingRule() throws {
        let error = refused(try editedMetadata { $0["resize"] = "center-crop" })
        XCTAssertTrue(error?.description.contains("center-crop") ?? false, "\(String(describing: error))")
    }

    func testANamedPipeIsRefusedWithoutWaitingForAWriter() throws {
        let fifo = scratch.appendingPathComponent("model.safetensors").path
        XCTAssertEqual(mkfifo(fifo, 0o644), 0)
        final class Outcome: @unchecked Sendable { var error: ModelFileError? }  // written before the signal, read after it
        let outcome = Outcome()
        let done = DispatchSemaphore(value: 0)
        Thread {
            do throws(ModelFileError) { _ = try ModelFile(path: fifo) } catch { outcome.error = error }
            done.signal()
        }.start()
        // Before O_NONBLOCK, open() waited for a writer forever (that thread is then abandoned).
        XCTAssertEqual(done.wait(timeout: .now() + 5), .success, "opening a FIFO as the model did not return")
        XCTAssertEqual(outcome.error, .unreadable(path: fifo, reason: "not a regular file"))
    }

    func testMessagesNameTheProblem() {
        XCTAssertEqual(ModelFileError.missingTensor("head.bias").description, "the model file has no tensor \"head.bias\"")
        XCTAssertTrue(ModelFileError.truncated(size: 3).description.contains("truncated"))
    }
}
