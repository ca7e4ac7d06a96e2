import Foundation
import XCTest
@testable import hematovision

/// The config file's keys and values, read without running a command.
final class ConfigFileTests: XCTestCase {
    func testEveryKeyIsReadAndBadValuesAreLeftOut() {
        let config = Config(text: "lab = ward 3\ntheme = light\ngraphics = sixel\nthreads = 2 # both cores\n", name: "c")
        XCTAssertEqual(config.warnings, [])
        XCTAssertEqual(config.values["lab"], "ward 3")
        XCTAssertEqual(config.theme, "light")
        XCTAssertEqual(config.graphics, .sixel)
        XCTAssertEqual(config.threads, 2)

        let bad = Config(text: "threads = 65\nthreads = two\ngraphics = Blocks\n", name: "c")
        XCTAssertNil(bad.threads)
        XCTAssertNil(bad.graphics)
        XCTAssertEqual(bad.warnings, [
            "c line 1: threads must be a whole number from 1 to 64, not 65",
            "c line 2: threads must be a whole number from 1 to 64, not two",
            "c line 3: graphics must be one of auto, kitty, sixel, blocks, none, not Blocks",
        ])
    }
}
