import Foundation
import XCTest
import HematoReview

/// review walks subfolders as classify does: names relative to the folder, the dataset's number
/// kept for BloodImage_NNNNN files, the relative path for the rest.
final class ReviewSubfoldersEndToEndTests: XCTestCase {
    var folder = ""
    let samples = Harness.root.appendingPathComponent("SampleImages")

    override func setUpWithError() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("hv-tree-\(UUID())").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(atPath: folder) }

    func copySample(_ name: String, to relative: String) throws {
        try FileManager.default.createDirectory(atPath: (folder + "/" + relative as NSString).deletingLastPathComponent,
                                                withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: samples.appendingPathComponent(name).path, toPath: folder + "/" + relative)
    }

    func csv() throws -> String {
        String(decoding: try Data(contentsOf: URL(fileURLWithPath: folder + "/labels.csv")), as: UTF8.self)
    }

    /// The dataset's own layout: labels.csv beside JPEGImages/. Its labels show, a change rewrites only its row.
    func testTheDatasetsLayoutWithEveryImageOneLevelDownJustWorks() throws {
        let names = try FileManager.default.contentsOfDirectory(atPath: samples.path).filter { $0.hasSuffix(".jpg") }
        for name in names { try copySample(name, to: "JPEGImages/" + name) }
        try FileManager.default.copyItem(atPath: samples.appendingPathComponent("labels.csv").path, toPath: folder + "/labels.csv")
        let original = try csv()
        XCTAssertTrue(original.hasPrefix(",Image,Category\r\n,1,NEUTROPHIL\r\n,6,NEUTROPHIL\r\n"), original)

        let t = try TmuxSession("\(Harness.binary) '\(folder)' --reviewer e2e; echo EXIT=$?; sleep 30", width: 160)
        // The side panel wraps a long name: "JPEGImages/BloodImage_00001.jp" then "g".
        let screen = try t.waitFor("Image  1 of 16", "JPEGImages/BloodImage_00001.jp", "from labels.csv")
        XCTAssertTrue(screen.contains("NEUTROPHIL"), screen)
        XCTAssertTrue(screen.contains("0/16 reviewed · 16 from labels.csv"), "every row of the dataset's file matched an image, none decided by a person:\n\(screen)")
        try t.send("m")
        try t.waitFor("Image  2 of 16", "JPEGImages/BloodImage_00006.jp")
        try t.send("q")
        try t.waitFor("EXIT=0")
        XCTAssertEqual(try csv(), original.replacingOccurrences(of: "\r\n,1,NEUTROPHIL\r\n", with: "\r\n,1,MONOCYTE\r\n"))
        XCTAssertEqual(try Journal.read(path: folder + "/labels.journal.jsonl").map(\.image), ["1"])
    }

    /// Images directly in the folder and in subfolders together, names shown relative and escaped.
    func testImagesAtEveryLevelAreReviewedAndKeyedAsTheDatasetDoes() throws {
        try copySample("BloodImage_00001.jpg", to: "BloodImage_00001.jpg")
        try copySample("BloodImage_00006.jpg", to: "slideA/BloodImage_00006.jpg")
        try copySample("BloodImage_00013.jpg", to: "slideA/deeper/field 3.jpg")
        try FileManager.default.createDirectory(atPath: folder + "/slideB", withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: ImageFormatsEndToEndTests.fixtures.appendingPathComponent("rgb8.png").path,
                                         toPath: folder + "/slideB/\u{1B}[31mred.png")
        XCTAssertEqual(symlink("gone.jpg", folder + "/slideB/dangling.jpg"), 0)

        let t = try TmuxSession("\(Harness.binary) '\(folder)' --reviewer e2e; echo EXIT=$?; sleep 30", width: 160)
        let first = try t.waitFor("Image  1 of 4", "BloodImage_00001.jpg")
        XCTAssertTrue(first.contains("skipped slideB/dangling.jpg (a link to a file that does not exist)"), first)
        try t.send("e")
        try t.waitFor("Image  2 of 4", "slideA/BloodImage_00006.jpg")
        try t.send("l")
        try t.waitFor("Image  3 of 4", "slideA/deeper/field 3.jpg")
        try t.send("m")
        let last = try t.waitFor("Image  4 of 4", "slideB/\\e[31mred.png")
        XCTAssertFalse(last.contains("\u{1B}"), "no raw escape reaches the screen")
        try t.send("n")
        try t.waitFor("4/4 reviewed")
        try t.send("q")
        try t.waitFor("EXIT=0", "4/4 labelled")
        XCTAssertEqual(try csv(), ",Image,Category\r\n,1,EOSINOPHIL\r\n,6,LYMPHOCYTE\r\n,slideA/deeper/field 3.jpg,MONOCYTE\r\n"
                       + ",slideB/\u{1B}[31mred.png,NEUTROPHIL\r\n")

        // classify names the same images the same way.
        let r = try Harness.run([Harness.binary, "classify", folder])
        XCTAssertEqual(r.output.split(separator: "\r\n").dropFirst().map { String($0.split(separator: ",", omittingEmptySubsequences: false)[1]) },
                       ["1", "6", "slideA/deeper/field 3.jpg", "slideB/\u{1B}[31mred.png"])
    }

    func testAFolderWithNoImagesAnywhereSaysSoAndNamesWhatItSkipped() throws {
        try FileManager.default.createDirectory(atPath: folder + "/empty/deeper", withIntermediateDirectories: true)
        XCTAssertEqual(symlink("gone.png", folder + "/empty/x.png"), 0)
        let t = try TmuxSession("\(Harness.binary) '\(folder)'; echo EXIT=$?; sleep 30", width: 300)
        try t.waitFor("EXIT=1")
        let screen = try t.screen()
        XCTAssertTrue(screen.contains("no images (.jpg, .jpeg, .png, .tif, .tiff, .bmp, .ppm) in or under \(folder); "
                                      + "skipped empty/x.png (a link to a file that does not exist)"), screen)
    }
}
