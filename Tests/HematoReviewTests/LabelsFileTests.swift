import Foundation
import XCTest
@testable import HematoReview

final class LabelsFileTests: XCTestCase {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")

    func datasetBytes() throws -> [UInt8] {
        [UInt8](try Data(contentsOf: Self.fixtures.appendingPathComponent("dataset-labels.csv")))
    }

    func parse(_ text: String) throws -> LabelsFile { try LabelsFile(bytes: Array(text.utf8)) }

    func testTheDatasetsOwnFileRoundTripsByteForByte() throws {
        let bytes = try datasetBytes()
        let file = try LabelsFile(bytes: bytes)
        XCTAssertEqual(file.rows.count, 411)  // images 0…410
        XCTAssertEqual(file.serialized(), bytes)
    }

    func testReadsSingleSeveralAndBlankCategories() throws {
        let file = try LabelsFile(bytes: try datasetBytes())
        XCTAssertEqual(file.categories(forImage: "0"), ["NEUTROPHIL"])
        XCTAssertEqual(file.categories(forImage: "10"), ["NEUTROPHIL", "EOSINOPHIL"])
        XCTAssertEqual(file.categories(forImage: "31"), ["NEUTROPHIL", "NEUTROPHIL"])
        let blank = try parse(",Image,Category\r\n,7,\r\n")
        XCTAssertEqual(blank.categories(forImage: "7"), [])
        XCTAssertNil(file.categories(forImage: "99999"))
    }

    /// The dataset's own file uses only the five classes; a lab's file may not, and the review says so.
    func testClassesOutsideTheKnownOnesAreFoundOnceEachInOrder() throws {
        let known = Set(CellClass.allCases.map(\.rawValue))
        XCTAssertEqual(try LabelsFile(bytes: try datasetBytes()).categories(outside: known), [])
        let lab = try parse(",Image,Category\r\n,1,PLATELET\r\n,2,\"NEUTROPHIL, eosinophil\"\r\n,3,PLATELET\r\n,4,\r\n")
        XCTAssertEqual(lab.categories(outside: known), ["PLATELET", "eosinophil"])
    }

    func testChangingOneRowChangesOnlyThatRowsBytes() throws {
        let bytes = try datasetBytes()
        var file = try LabelsFile(bytes: bytes)
        file.setCategories(["MONOCYTE"], forImage: "3")
        let text = String(decoding: file.serialized(), as: UTF8.self)
        let original = String(decoding: bytes, as: UTF8.self)
        XCTAssertEqual(original.replacingOccurrences(of: "\r\n,3,NEUTROPHIL\r\n", with: "\r\n,3,MONOCYTE\r\n"), text)
        XCTAssertNotEqual(original, text)
    }

    func testSeveralCategoriesAreQuotedAndReadBack() throws {
        var file = LabelsFile()
        file.setCategories(["NEUTROPHIL", "EOSINOPHIL"], forImage: "12")
        let text = String(decoding: file.serialized(), as: UTF8.self)
        XCTAssertEqual(text, ",Image,Category\r\n,12,\"NEUTROPHIL, EOSINOPHIL\"\r\n")
        XCTAssertEqual(try parse(text).categories(forImage: "12"), ["NEUTROPHIL", "EOSINOPHIL"])
    }

    func testAddingARowToAFileWithoutAFinalLineBreak() throws {
        var file = try parse(",Image,Category\r\n,1,NEUTROPHIL")
        file.setCategories(["LYMPHOCYTE"], forImage: "sub/cell, 2.jpg")
        XCTAssertEqual(String(decoding: file.serialized(), as: UTF8.self),
                       ",Image,Category\r\n,1,NEUTROPHIL\r\n,\"sub/cell, 2.jpg\",LYMPHOCYTE\r\n")
        XCTAssertEqual(try LabelsFile(bytes: file.serialized()).categories(forImage: "sub/cell, 2.jpg"), ["LYMPHOCYTE"])
    }

    func testFileNamesWithQuotesAndLineBreaksSurvive() throws {
        var file = LabelsFile()
        let odd = "we\"ird\nname\u{1B}[31m.jpg"
        file.setCategories(["MONOCYTE"], forImage: odd)
        XCTAssertEqual(try LabelsFile(bytes: file.serialized()).categories(forImage: odd), ["MONOCYTE"])
    }

    func testUnbalancedQuoteIsReportedWithItsLine() {
        XCTAssertThrowsError(try parse(",Image,Category\r\n,1,NEUTROPHIL\r\n,2,\"NEUTROPHIL, EOSINOPHIL\r\n,3,MONOCYTE\r\n")) {
            let e = $0 as! LabelsFileError
            XCTAssertEqual(e.line, 3)
            XCTAssertTrue(e.problem.contains("quote"), e.problem)
        }
    }

    func testWrongHeaderIsRefused() {
        XCTAssertThrowsError(try parse("id,file,label\r\n1,a.jpg,NEUTROPHIL\r\n")) {
            let e = $0 as! LabelsFileError
            XCTAssertEqual(e.line, 1)
            XCTAssertTrue(e.description.contains("header"), e.description)
        }
    }

    func testBinaryJunkIsRefusedWithItsLine() {
        XCTAssertThrowsError(try LabelsFile(bytes: Array(",Image,Category\r\n,1,NEU".utf8) + [0x00, 0xFF, 0x13])) {
            let e = $0 as! LabelsFileError
            XCTAssertEqual(e.line, 2)
            XCTAssertTrue(e.problem.contains("binary"), e.problem)
        }
        XCTAssertThrowsError(try LabelsFile(bytes: Array(",Image,Category\n,1,x\n,2,".utf8) + [0xC3, 0x28])) {
            XCTAssertEqual(($0 as! LabelsFileError).line, 3)
        }
    }

    func testALargeFileWithOneBadByteAtTheEndIsRefusedAtThatLine() {
        // About 1 MB of rows whose names hold two-byte characters, then one byte that is never UTF-8.
        var bytes = Array(",Image,Category\r\n".utf8)
        var line = 1
        while bytes.count < 1 << 20 {
            bytes += Array(",Zelle Ä \(line).jpg,NEUTROPHIL\r\n".utf8)
            line += 1
        }
        bytes += Array(",last.jpg,NEUTROPHIL".utf8) + [0xFF]
        XCTAssertThrowsError(try LabelsFile(bytes: bytes)) {
            let e = $0 as! LabelsFileError
            XCTAssertEqual(e.line, line + 1, "the line holding 0xFF, not the first line with a two-byte character")
            XCTAssertTrue(e.problem.contains("not UTF-8"), e.problem)
        }
    }

    func testTheFirstInvalidUTF8ByteIsFound() {
        XCTAssertNil(CSVRecords.firstInvalidUTF8(Array("Zelle Ä ü 細胞 🩸".utf8)))
        XCTAssertNil(CSVRecords.firstInvalidUTF8([]))
        XCTAssertEqual(CSVRecords.firstInvalidUTF8(Array("Ä".utf8) + [0xFF]), 2)
        XCTAssertEqual(CSVRecords.firstInvalidUTF8([0x61, 0xE2, 0x82]), 1, "a sequence cut off at the end")
        XCTAssertEqual(CSVRecords.firstInvalidUTF8([0x61, 0xC0, 0xAF]), 1, "an overlong encoding")
        XCTAssertEqual(CSVRecords.firstInvalidUTF8([0xED, 0xA0, 0x80]), 0, "a UTF-16 surrogate")
    }

    func testOnATerminalNamesAreEscapedButTheFileKeepsItsBytes() throws {
        var file = LabelsFile()
        let hostile = ["\u{1B}]0;owned\u{07}.jpg", "\u{1B}]52;c;aGk=\u{07}.jpg", "\u{1B}[2J.jpg", "x\u{9B}31m.jpg", "abc\u{202E}gpj.jpg"]
        for name in hostile { file.setCategories(["NEUTROPHIL"], forImage: name) }
        XCTAssertEqual(file.displayed(), ",Image,Category\n,\\e]0;owned\\x07.jpg,NEUTROPHIL\n,\\e]52;c;aGk=\\x07.jpg,NEUTROPHIL\n"
                       + ",\\e[2J.jpg,NEUTROPHIL\n,x\\u{9B}31m.jpg,NEUTROPHIL\n,abc\\u{202E}gpj.jpg,NEUTROPHIL\n")
        let bytes = file.serialized()
        XCTAssertEqual(String(decoding: bytes, as: UTF8.self), ",Image,Category\r\n" + hostile.map { ",\($0),NEUTROPHIL\r\n" }.joined())
        XCTAssertEqual(try LabelsFile(bytes: bytes).rows.map(\.image), hostile)
    }

    func testErrorMessagesEscapeWhatTheyQuoteFromTheFile() {
        XCTAssertThrowsError(try parse("\u{1B}]0;owned\u{07},Image\r\n"), "") {
            let text = ($0 as! LabelsFileError).description
            XCTAssertTrue(text.contains("found \"\\e]0;owned\\x07,Image\""), text)
            XCTAssertFalse(text.unicodeScalars.contains { $0.value < 0x20 }, text)
        }
        XCTAssertEqual(LabelsFileError(file: "la\u{9B}bels.csv", line: 2, problem: "x").description, "la\\u{9B}bels.csv, line 2: x")
    }

    func testWrongColumnCountIsReportedWithItsLine() {
        XCTAssertThrowsError(try parse(",Image,Category\r\n,1,NEUTROPHIL\r\n,2\r\n")) {
            let e = $0 as! LabelsFileError
            XCTAssertEqual(e.line, 3)
            XCTAssertTrue(e.problem.contains("3 columns"), e.problem)
        }
    }

    func testImageKeysFollowTheDatasetsNumbering() {
        XCTAssertEqual(LabelsFile.imageKeys(forRelativePaths: ["BloodImage_00042.jpg", "BloodImage_00000.jpeg", "BloodImage_x1.jpg",
                                                               "cell.jpg", "BloodImage_00007.png", "BloodImage_.jpg", "BloodImage_00009"]),
                       ["42", "0", "BloodImage_x1.jpg", "cell.jpg", "7", "BloodImage_.jpg", "BloodImage_00009"])
    }

    /// The dataset's layout: labels.csv beside JPEGImages/. A subfolder's image keeps its number.
    func testAnImageInASubfolderKeepsItsNumberWhileNoOtherImageHasIt() {
        XCTAssertEqual(LabelsFile.imageKeys(forRelativePaths: ["JPEGImages/BloodImage_00001.jpg", "JPEGImages/BloodImage_00002.jpg",
                                                               "JPEGImages/cell.jpg"]),
                       ["1", "2", "JPEGImages/cell.jpg"])
        // Two images with one number: the one directly in the folder keeps it, the other is named by its path;
        // two in subfolders are both named by their paths.
        XCTAssertEqual(LabelsFile.imageKeys(forRelativePaths: ["BloodImage_00042.jpg", "slide2/BloodImage_00042.jpg",
                                                               "a/BloodImage_00005.jpg", "b/BloodImage_00005.png"]),
                       ["42", "slide2/BloodImage_00042.jpg", "a/BloodImage_00005.jpg", "b/BloodImage_00005.png"])
    }

    /// Three files with the number 1 directly in the folder: each gets its own row. The dataset's own
    /// spelling keeps the number (its labels.csv means that file); the others are named by their paths.
    func testImagesDirectlyInTheFolderThatShareANumberGetKeysOfTheirOwn() {
        XCTAssertEqual(LabelsFile.imageKeys(forRelativePaths: ["BloodImage_00001.jpeg", "BloodImage_00001.jpg", "BloodImage_0001.jpg",
                                                               "BloodImage_00002.png"]),
                       ["BloodImage_00001.jpeg", "1", "BloodImage_0001.jpg", "2"])
        // Without the dataset's spelling among them, none keeps the number.
        XCTAssertEqual(LabelsFile.imageKeys(forRelativePaths: ["BloodImage_00003.jpeg", "BloodImage_003.png"]),
                       ["BloodImage_00003.jpeg", "BloodImage_003.png"])
        // A row already under the path keeps the path, even once the number is free again.
        let existing = try! parse(",Image,Category\r\n,BloodImage_00003.jpeg,MONOCYTE\r\n")
        XCTAssertEqual(LabelsFile.imageKeys(forRelativePaths: ["BloodImage_00003.jpeg"], existing: existing), ["BloodImage_00003.jpeg"])
    }

    /// A labels.csv that already names a subfolder's image by its path (classify wrote paths there before) keeps doing so.
    func testAnExistingRowUnderThePathKeepsThePath() throws {
        let existing = try parse(",Image,Category\r\n,slide2/BloodImage_00042.jpg,MONOCYTE\r\n")
        XCTAssertEqual(LabelsFile.imageKeys(forRelativePaths: ["slide2/BloodImage_00042.jpg", "slide2/BloodImage_00043.jpg"], existing: existing),
                       ["slide2/BloodImage_00042.jpg", "43"])
    }

    /// Two rows for image 1: a reader that takes the last row must read the decision too, and an
    /// undo that removes the image's row leaves none of its rows behind.
    func testEveryRowOfAnImageWithSeveralIsUpdatedAndRemoved() throws {
        var file = try parse(",Image,Category\r\n,1,NEUTROPHIL\r\n,2,MONOCYTE\r\n,1,EOSINOPHIL\r\n")
        XCTAssertEqual(file.duplicatedImages, ["1"])
        XCTAssertEqual(file.duplicatesNote(name: "labels.csv"),
                       "labels.csv has more than one row for image 1; the first row is read, and a decision is written to every row of the image.")
        XCTAssertEqual(file.categories(forImage: "1"), ["NEUTROPHIL"])
        file.setCategories(["LYMPHOCYTE"], forImage: "1")
        XCTAssertEqual(String(decoding: file.serialized(), as: UTF8.self),
                       ",Image,Category\r\n,1,LYMPHOCYTE\r\n,2,MONOCYTE\r\n,1,LYMPHOCYTE\r\n")
        file.removeRow(forImage: "1")
        XCTAssertEqual(String(decoding: file.serialized(), as: UTF8.self), ",Image,Category\r\n,2,MONOCYTE\r\n")
        XCTAssertFalse(file.hasRow(forImage: "1"))
        XCTAssertNil(try parse(",Image,Category\r\n,1,NEUTROPHIL\r\n").duplicatesNote(name: "labels.csv"))
    }
}
