import Foundation
import XCTest
@testable import HematoTerminal

final class BackgroundWorkerTests: XCTestCase {
    /// Collects results until `count` have arrived or the time runs out.
    func collect(_ worker: BackgroundWorker<Int, Int>, count: Int, seconds: Double = 5) -> [Int: Int] {
        var got: [Int: Int] = [:]
        let deadline = Date().addingTimeInterval(seconds)
        while got.count < count && Date() < deadline {
            for (job, out) in worker.takeResults() { got[job] = out }
            usleep(5_000)
        }
        return got
    }

    func testKeepsWorkingAfterItsListRunsDryAndWhenWishesComeLate() {
        let worker = BackgroundWorker<Int, Int>(name: "test", setup: { 10 }) { base, job in base + job }
        defer { worker.stop() }
        usleep(50_000)  // the thread has started with nothing to do
        worker.want([1, 2])
        XCTAssertEqual(collect(worker, count: 2), [1: 11, 2: 12])
        usleep(50_000)  // and has run out of work again
        worker.want([3, 1])
        XCTAssertEqual(collect(worker, count: 1), [3: 13], "done jobs are not redone")
        worker.forget(1)
        worker.want([1])
        XCTAssertEqual(collect(worker, count: 1), [1: 11], "a forgotten job is done again")
    }

    func testASetupFailureIsReported() {
        struct Broken: Error {}
        let worker = BackgroundWorker<Int, Int>(name: "test", setup: { () throws -> Int in throw Broken() }) { _, job in job }
        let deadline = Date().addingTimeInterval(5)
        while worker.failure == nil && Date() < deadline { usleep(5_000) }
        XCTAssertNotNil(worker.failure)
    }
}
