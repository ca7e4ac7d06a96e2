import Foundation
import XCTest
@testable import HematoFiles

/// Issue 23: the model's record beside labels.csv and a labels export are files of our own: never
/// written through a link or into a FIFO, and no more readable than the labels they hold.
final class SideFileTests: XCTestCase {
    var folder: String!

    override func setUpWithError() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("hv-side-\(UUID())").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(atPath: folder) }

    func text(_ path: String) throws -> String { String(decoding: try Data(contentsOf: URL(fileURLWithPath: path)), as: UTF8.self) }

    func testALinkAtTheNameIsRefusedAndItsTargetUntouched() throws {
        try Data("victim".utf8).write(to: URL(fileURLWithPath: folder + "/victim"))
        try FileManager.default.createSymbolicLink(atPath: folder + "/record.json", withDestinationPath: "victim")
        XCTAssertThrowsError(try SideFile.replace(Array("new".utf8), at: folder + "/record.json", modeOf: nil)) { error in
            XCTAssertEqual(error as? FileError, .symbolicLink(path: folder + "/record.json"))
        }
        XCTAssertEqual(try text(folder + "/victim"), "victim")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder).sorted(), ["record.json", "victim"], "no temporary left")
    }

    func testAFIFOOrAFolderIsRefusedNeverWrittenInto() throws {
        XCTAssertEqual(mkfifo(folder + "/pipe", 0o600), 0)
        XCTAssertThrowsError(try SideFile.replace(Array("x".utf8), at: folder + "/pipe", modeOf: nil)) { error in
            XCTAssertEqual(error as? FileError, .notRegular(path: folder + "/pipe", kind: .fifo))
        }
        XCTAssertTrue(SideFile.isStream(folder + "/pipe"))
        try FileManager.default.createDirectory(atPath: folder + "/dir", withIntermediateDirectories: false)
        XCTAssertThrowsError(try SideFile.replace(Array("x".utf8), at: folder + "/dir", modeOf: nil))
    }

    func testTheFileTakesTheModeOfTheLabelsItDescribes() throws {
        let labels = folder + "/labels.csv"
        try Data("l".utf8).write(to: URL(fileURLWithPath: labels))
        XCTAssertEqual(chmod(labels, 0o640), 0)
        try Data("old".utf8).write(to: URL(fileURLWithPath: folder + "/labels.prelabels.json"))
        try SideFile.replace(Array("new".utf8), at: folder + "/labels.prelabels.json", modeOf: labels)
        XCTAssertEqual(try text(folder + "/labels.prelabels.json"), "new")
        XCTAssertEqual(try Syscall.lstat(folder + "/labels.prelabels.json").st_mode & 0o7777, 0o640)
        XCTAssertFalse(SideFile.isStream(labels))
        XCTAssertTrue(SideFile.sameFile(labels, folder + "/./labels.csv"))
        XCTAssertFalse(SideFile.sameFile(labels, folder + "/labels.prelabels.json"))
    }
}
