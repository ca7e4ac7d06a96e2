import Foundation
import XCTest
@testable import HematoBatch
import HematoReview

final class ClassFoldersTests: XCTestCase {
    func testReadsImagesUnderFoldersNamedForClasses() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("classfolders-\(UUID())")
        defer { try? FileManager.default.removeItem(at: root) }
        for (folder, file) in [("EOSINOPHIL", "a.jpeg"), ("MONOCYTE", "b.jpg"), ("MONOCYTE", "notes.txt"), ("misc", "c.jpg")] {
            let dir = root.appendingPathComponent(folder)
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            try Data([1]).write(to: dir.appendingPathComponent(file))
        }
        let entries = try ClassFolders.scan(root.path)
        XCTAssertEqual(entries.map(\.relativePath), ["EOSINOPHIL/a.jpeg", "MONOCYTE/b.jpg"])
        XCTAssertEqual(entries.map(\.cellClass), [.eosinophil, .monocyte])
    }

    func testAMissingRootOrAFileIsASentenceNotAFoundationError() throws {
        let missing = FileManager.default.temporaryDirectory.appendingPathComponent("classfolders-\(UUID())\u{1B}[2J").path
        XCTAssertThrowsError(try ClassFolders.scan(missing)) { error in
            XCTAssertEqual(error as? ImageFolder.Failure, .missing(folder: missing))
            XCTAssertEqual("\(error)", "no folder at \(DisplayName.escaped(missing))")
            XCTAssertFalse("\(error)".contains("\u{1B}"))
        }
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("classfolders-\(UUID()).txt")
        try Data([1]).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        XCTAssertThrowsError(try ClassFolders.scan(file.path)) { error in
            XCTAssertEqual("\(error)", "\(file.path) is not a folder")
        }
    }
}
