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

    /// The option wins over the file, the file over the default; the default is one worker per CPU this process
    /// may run on, counted here from the kernel's own list (/proc/self/status, Cpus_allowed_list: "0-1,4").
    func testWorkerThreadsComeFromTheOptionTheFileOrTheCoresAllowed() throws {
        let status = try String(contentsOfFile: "/proc/self/status", encoding: .utf8)
        let list = try XCTUnwrap(status.split(separator: "\n").first { $0.hasPrefix("Cpus_allowed_list:") })
            .dropFirst("Cpus_allowed_list:".count).trimmingCharacters(in: .whitespaces)
        let allowed = list.split(separator: ",").map { range -> Int in
            let ends = range.split(separator: "-").compactMap { Int($0) }
            return ends.count == 2 ? ends[1] - ends[0] + 1 : 1
        }.reduce(0, +)
        let none = Config(text: "", name: "c")
        XCTAssertEqual(none.workerThreads(option: nil), min(64, allowed))
        XCTAssertEqual(Config(text: "threads = 3\n", name: "c").workerThreads(option: nil), 3)
        XCTAssertEqual(Config(text: "threads = 3\n", name: "c").workerThreads(option: 1), 1)
    }
}
