import Foundation
import XCTest
@testable import HematoFiles

/// The terminal reader's calls, on a pipe: waiting times out with nothing ready, input is
/// taken as it came, and the writer's end reads as an empty result (the terminal has gone).
final class DescriptorTests: XCTestCase {
    func testWaitingReadingAndTheEndOfInput() throws {
        var ends: [Int32] = [-1, -1]
        XCTAssertEqual(pipe(&ends), 0)
        let (reader, writer) = (ends[0], ends[1])
        defer { close(reader) }

        XCTAssertEqual(try Descriptor.waitForInput([reader], milliseconds: 0), [false])
        try WriteAll.write(writer, Array("abc".utf8))
        XCTAssertEqual(try Descriptor.waitForInput([reader], milliseconds: 1000), [true])
        XCTAssertEqual(try Descriptor.readAvailable(reader, limit: 2), Array("ab".utf8))
        XCTAssertEqual(try Descriptor.readAvailable(reader, limit: 4096), Array("c".utf8))

        close(writer)
        XCTAssertEqual(try Descriptor.waitForInput([reader], milliseconds: 1000), [true], "a hang-up is ready too")
        XCTAssertEqual(try Descriptor.readAvailable(reader, limit: 4096), [])
    }

    func testNonBlockingInputWithNothingThereIsNilAndAClosedDescriptorThrows() throws {
        var ends: [Int32] = [-1, -1]
        XCTAssertEqual(pipe(&ends), 0)
        defer { close(ends[0]); close(ends[1]) }
        XCTAssertEqual(fcntl(ends[0], F_SETFL, O_NONBLOCK), 0)
        XCTAssertNil(try Descriptor.readAvailable(ends[0], limit: 16))
        XCTAssertThrowsError(try Descriptor.readAvailable(-1, limit: 16))
        XCTAssertThrowsError(try WriteAll.write(-1, [1]))
    }
}
