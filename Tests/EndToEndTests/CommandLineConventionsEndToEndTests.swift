import Foundation
import XCTest

/// What a terminal user expects of a command line: typos answered with the command meant,
/// defaults set once in a config file.
final class CommandLineConventionsEndToEndTests: XCTestCase {
    var scratch = ""

    override func setUpWithError() throws {
        scratch = FileManager.default.temporaryDirectory.appendingPathComponent("hv-conventions-\(UUID())").path
        try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(atPath: scratch) }

    func testAMisspeltCommandIsNamedWithTheOneMeant() throws {
        for (typed, meant) in [("clasify", "classify"), ("evalute", "evaluate"), ("shwo", "show"), ("Bench", "bench")] {
            let r = try Harness.run(["-C", scratch, Harness.binary, typed, "x"])
            XCTAssertEqual(r.status, 64, "\(typed): \(r.error)")
            XCTAssertEqual(r.error, "Error: unknown command '\(typed)'; did you mean \(meant)?\n")
        }
    }

    func testAFolderWithACommandLikeNameIsStillReviewed() throws {
        // review is the default command: a folder that exists is never taken for a typo,
        // and a word unlike any command is left to review's own message.
        try FileManager.default.createDirectory(atPath: scratch + "/clasify", withIntermediateDirectories: false)
        let folder = try Harness.run(["-C", scratch, Harness.binary, "clasify"])
        XCTAssertTrue(folder.error.contains("review needs a terminal"), folder.error)
        let unlike = try Harness.run(["-C", scratch, Harness.binary, "slides"])
        XCTAssertTrue(unlike.error.contains("review needs a terminal"), unlike.error)
    }
}
