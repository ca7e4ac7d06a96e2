import Foundation
import HematoFiles
import Synchronization

/// Reads the terminal on a thread of its own, so that each read is stamped with the moment its
/// bytes arrived, not the moment the review loop got round to them (a redraw can take a while,
/// and keys typed meanwhile must not look like a paste). `InputDecoder` turns the stamped bytes
/// into keys and pastes; the loop takes them with `next`.
final class TerminalInput: Sendable {
    private let queue = Mutex<[InputDecoder.Event]>([])
    private let ready = DispatchSemaphore(value: 0)
    private let stopped = DispatchSemaphore(value: 0)
    /// Writing a byte here wakes the thread to end it.
    private let stopWriter: Int32

    init(fd: Int32 = STDIN_FILENO) {
        var ends: [Int32] = [-1, -1]
        if pipe(&ends) != 0 { ends = [-1, -1] }
        stopWriter = ends[1]
        let stopReader = ends[0]
        let thread = Thread { [self] in
            defer {
                if stopReader >= 0 { close(stopReader) }
                self.stopped.signal()
            }
            var decoder = InputDecoder()
            let watched = stopReader >= 0 ? [fd, stopReader] : [fd]
            while true {
                var wait: Int32 = -1
                if decoder.waiting {
                    let left = decoder.lastByteTime + decoder.quietNeeded - Self.now()
                    wait = Int32(max(0, min(1000, (left * 1000).rounded(.up))))
                }
                guard let ready = try? Descriptor.waitForInput(watched, milliseconds: wait) else { return }
                if ready.count > 1 && ready[1] { return }
                var events: [InputDecoder.Event] = []
                if ready[0] {
                    switch Result(catching: { () throws(Errno) in try Descriptor.readAvailable(fd, limit: Self.readLimit) }) {
                    case .success(let bytes?) where !bytes.isEmpty:
                        events += decoder.feed(bytes, at: Self.now())
                    case .success(nil):
                        break  // a signal came first: nothing yet
                    case .success, .failure:
                        self.publish(decoder.finish())  // the terminal has gone (SIGHUP ends the loop)
                        return
                    }
                }
                if decoder.waiting && Self.now() - decoder.lastByteTime >= decoder.quietNeeded { events += decoder.finish() }
                self.publish(events)
            }
        }
        thread.name = "terminal input"
        thread.start()
    }

    /// The most one read takes; a longer paste arrives over several reads.
    private static let readLimit = 4096

    private func publish(_ events: [InputDecoder.Event]) {
        guard !events.isEmpty else { return }
        queue.withLock { $0 += events }
        ready.signal()
    }

    /// The next key or paste, waiting at most `milliseconds` for one.
    func next(waiting milliseconds: Int) -> InputDecoder.Event? {
        if let event = take() { return event }
        _ = ready.wait(timeout: .now() + .milliseconds(milliseconds))
        return take()
    }

    private func take() -> InputDecoder.Event? {
        queue.withLock { $0.isEmpty ? nil : $0.removeFirst() }
    }

    /// Ends the thread (and waits for it, briefly), so nothing reads the terminal after the review.
    func stop() {
        guard stopWriter >= 0 else { return }
        var byte: UInt8 = 1
        _ = write(stopWriter, &byte, 1)
        _ = stopped.wait(timeout: .now() + .milliseconds(500))
        close(stopWriter)
    }

    static func now() -> Double {
        var t = timespec()
        clock_gettime(CLOCK_MONOTONIC, &t)
        return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
    }
}
