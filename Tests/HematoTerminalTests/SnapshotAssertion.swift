import Foundation
import XCTest
@testable import HematoTerminal

extension XCTestCase {
    /// Compares a grid (its characters, then every cell's colours and attributes) with
    /// Snapshots/NAME.txt. A changed screen fails until the snapshot is looked at and re-recorded
    /// with HV_RECORD_SNAPSHOTS=1.
    func assertSnapshot(_ grid: CellGrid, _ name: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let url = ReviewScreenSnapshotTests.snapshots.appendingPathComponent(name + ".txt")
        let text = grid.text + "\n" + grid.styleText + "\n"
        if ProcessInfo.processInfo.environment["HV_RECORD_SNAPSHOTS"] == "1" {
            try text.write(to: url, atomically: true, encoding: .utf8)
            XCTFail("recorded \(name); look at it, then run again without HV_RECORD_SNAPSHOTS", file: file, line: line)
            return
        }
        let expected = try String(contentsOf: url, encoding: .utf8)
        XCTAssertEqual(text, expected, "screen differs from \(name).txt", file: file, line: line)
    }
}
