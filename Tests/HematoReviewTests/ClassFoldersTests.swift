import Foundation
import XCTest
@testable import HematoReview

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
}
