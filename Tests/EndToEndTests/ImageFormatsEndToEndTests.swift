import Foundation
import XCTest

/// PNG and TIFF wherever JPEG goes: classify, show and evaluate, with a damaged file named, not fatal.
final class ImageFormatsEndToEndTests: XCTestCase {
    var folder = ""
    static let fixtures = Harness.root.appendingPathComponent("Tests/HematoImageTests/Fixtures")

    override func setUpWithError() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("hv-formats-\(UUID())").path
        for sub in ["NEUTROPHIL", "LYMPHOCYTE"] {
            try FileManager.default.createDirectory(atPath: folder + "/" + sub, withIntermediateDirectories: true)
        }
        for (fixture, name) in [("rgb8.png", "NEUTROPHIL/cell.png"), ("rgb8-lzw.tif", "NEUTROPHIL/cell.tif"),
                                ("rgb16-bigendian.tif", "LYMPHOCYTE/cell.TIFF"), ("grey16.png", "LYMPHOCYTE/grey.png")] {
            try FileManager.default.copyItem(atPath: Self.fixtures.appendingPathComponent(fixture).path, toPath: folder + "/" + name)
        }
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(atPath: folder) }

    func testClassifyReadsPNGAndTIFFAndNamesADamagedOne() throws {
        try FileManager.default.copyItem(atPath: Self.fixtures.appendingPathComponent("truncated.tif").path, toPath: folder + "/cut.tif")
        let probabilities = folder + "/p.jsonl"
        let r = try Harness.run([Harness.binary, "classify", folder, "--probabilities", probabilities])
        XCTAssertEqual(r.status, 1, r.error)
        XCTAssertTrue(r.error.contains("skipped \(folder)/cut.tif: the image data ends early (truncated file)"), r.error)
        XCTAssertTrue(r.error.contains("4 classified, 1 failed"), r.error)
        let rows = r.output.split(separator: "\r\n").dropFirst().map { $0.split(separator: ",", omittingEmptySubsequences: false)[1] }
        XCTAssertEqual(rows, ["LYMPHOCYTE/cell.TIFF", "LYMPHOCYTE/grey.png", "NEUTROPHIL/cell.png", "NEUTROPHIL/cell.tif"])
        // The PNG and both TIFFs hold the same pixels, so the model must say exactly the same of them.
        var byImage: [String: [String: Double]] = [:]
        for line in try String(contentsOfFile: probabilities, encoding: .utf8).split(separator: "\n") {
            let o = try JSONSerialization.jsonObject(with: Data(line.utf8)) as! [String: Any]
            byImage[o["image"] as! String] = o["probabilities"] as? [String: Double]
        }
        XCTAssertEqual(byImage.count, 4)
        XCTAssertEqual(byImage["NEUTROPHIL/cell.png"], byImage["NEUTROPHIL/cell.tif"])
        XCTAssertEqual(byImage["NEUTROPHIL/cell.png"], byImage["LYMPHOCYTE/cell.TIFF"])
    }

    func testShowPrintsAPNGAndATIFFAndRefusesADamagedPNGInASentence() throws {
        try FileManager.default.copyItem(atPath: Self.fixtures.appendingPathComponent("bad-crc.png").path, toPath: folder + "/bad.png")
        let r = try Harness.run([Harness.binary, "show", folder + "/NEUTROPHIL/cell.png", folder + "/NEUTROPHIL/cell.tif",
                                 folder + "/bad.png", "--graphics", "blocks", "--columns", "20"])
        XCTAssertEqual(r.status, 1, r.error)
        XCTAssertTrue(r.output.contains("\u{2580}"), "half blocks drawn")
        let lines = r.output.split(separator: "\n").filter { $0.hasPrefix(folder) }
        XCTAssertEqual(lines.count, 3, r.output)
        XCTAssertTrue(lines[0].hasPrefix(folder + "/NEUTROPHIL/cell.png  ") && lines[0].contains("%"), String(lines[0]))
        XCTAssertTrue(lines[1].hasPrefix(folder + "/NEUTROPHIL/cell.tif  ") && lines[1].contains("%"), String(lines[1]))
        XCTAssertEqual(String(lines[2]), folder + "/bad.png: cannot show it: the image data is damaged: libpng: IHDR: CRC error")
    }

    func testEvaluateScoresPNGAndTIFFInClassFolders() throws {
        let r = try Harness.run([Harness.binary, "evaluate", folder, "--json"])
        XCTAssertEqual(r.status, 0, r.error)
        let o = try JSONSerialization.jsonObject(with: Data(r.output.utf8)) as! [String: Any]
        XCTAssertEqual(o["n"] as? Int, 4)
    }
}
