import Foundation
import XCTest
import HematoImage
@testable import HematoTerminal

/// The probe's graphics questions against a pretend terminal on a pseudo-terminal pair.
final class TerminalGraphicsProbeTests: XCTestCase {
    /// Runs the probe on the slave side while the master side reads the questions and, once
    /// DA1 has been asked, sends `reply`. Returns the probe's answer and the questions asked.
    func probe(reply: String, inTmux: Bool = false) throws -> (kitty: Bool, sixel: Bool, asked: String) {
        var master: Int32 = -1, slave: Int32 = -1
        guard openpty(&master, &slave, nil, nil, nil) == 0 else { throw XCTSkip("no pseudo-terminal here") }
        defer { close(master); close(slave) }
        var raw = termios()
        tcgetattr(slave, &raw)
        cfmakeraw(&raw)
        tcsetattr(slave, TCSANOW, &raw)
        let asked = Asked()
        let terminal = Thread { [master] in
            var text: [UInt8] = []
            var b: UInt8 = 0
            while read(master, &b, 1) == 1 {
                text.append(b)
                if String(decoding: text, as: UTF8.self).hasSuffix("\u{1B}[c") { break }
            }
            asked.text = String(decoding: text, as: UTF8.self)
            let bytes = Array(reply.utf8)
            _ = write(master, bytes, bytes.count)
        }
        terminal.start()
        let answer = TerminalProbe.graphics(slave, inTmux: inTmux, timeout: 1)
        while !terminal.isFinished { usleep(1000) }
        return (answer.kitty, answer.sixel, asked.text)
    }

    final class Asked: @unchecked Sendable { var text = "" }

    func testKittyAnswersTheQueryBeforeDA1() throws {
        let r = try probe(reply: "\u{1B}_Gi=31;OK\u{1B}\\\u{1B}[?62;c")
        XCTAssertEqual(r.asked, "\u{1B}_Gi=31,s=1,v=1,a=q,t=d,f=24;AAAA\u{1B}\\\u{1B}[c")
        XCTAssertTrue(r.kitty)
        XCTAssertFalse(r.sixel)
    }

    func testASixelTerminalAnswersOnlyDA1() throws {
        let r = try probe(reply: "\u{1B}[?63;1;2;4;6;9;15;16;22;28c")
        XCTAssertFalse(r.kitty)
        XCTAssertTrue(r.sixel)
    }

    func testAKittyErrorIsNoKitty() throws {
        let r = try probe(reply: "\u{1B}_Gi=31;ENOTSUPPORTED:c\u{1B}\\\u{1B}[?62;c")
        XCTAssertFalse(r.kitty)
        XCTAssertFalse(r.sixel)
    }

    func testInsideTmuxOnlyDA1IsAsked() throws {
        let r = try probe(reply: "\u{1B}[?1;2c", inTmux: true)
        XCTAssertEqual(r.asked, "\u{1B}[c")
        XCTAssertFalse(r.kitty)
    }

    func probeResult(kitty: Bool = false, sixel: Bool = false, tmux: Bool = false, passthrough: Bool = false) -> TerminalProbe {
        var p = TerminalProbe()
        p.kitty = kitty
        p.sixel = sixel
        p.inTmux = tmux
        p.tmuxPassthrough = passthrough
        p.cellWidth = 10
        p.cellHeight = 20
        return p
    }

    func testAutoPrefersKittyThenSixelThenBlocks() {
        func auto(_ p: TerminalProbe) -> GraphicsMode { TerminalCapabilities.detect(requested: .auto, environment: [:], probe: { p }).graphics }
        XCTAssertEqual(auto(probeResult(kitty: true, sixel: true)), .kitty)
        XCTAssertEqual(auto(probeResult(sixel: true)), .sixel)
        XCTAssertEqual(auto(probeResult()), .blocks)
        let kitty = TerminalCapabilities.detect(requested: .auto, environment: [:], probe: { self.probeResult(kitty: true) })
        XCTAssertEqual(kitty.cellWidth, 10)
        XCTAssertEqual(kitty.cellHeight, 20)
        XCTAssertFalse(kitty.viaTmux)
    }

    func testKittyIsForcedOnlyByAsking() {
        let forced = TerminalCapabilities.detect(requested: .kitty, environment: [:], probe: { self.probeResult(sixel: true) })
        XCTAssertEqual(forced.graphics, .kitty)
        XCTAssertNil(forced.note)
    }

    func testTmuxNeverPicksKittyUnlessForcedWithPassthrough() {
        let auto = TerminalCapabilities.detect(requested: .auto, environment: [:],
                                               probe: { self.probeResult(kitty: true, sixel: true, tmux: true, passthrough: true) })
        XCTAssertEqual(auto.graphics, .blocks)
        XCTAssertNil(auto.note)
        let forced = TerminalCapabilities.detect(requested: .kitty, environment: [:], probe: { self.probeResult(tmux: true, passthrough: true) })
        XCTAssertEqual(forced.graphics, .kitty)
        XCTAssertTrue(forced.viaTmux)
        let refused = TerminalCapabilities.detect(requested: .kitty, environment: [:], probe: { self.probeResult(tmux: true) })
        XCTAssertEqual(refused.graphics, .blocks)
        XCTAssertEqual(refused.note, "kitty in tmux needs `set -g allow-passthrough on`; showing blocks")
        let sixel = TerminalCapabilities.detect(requested: .sixel, environment: [:], probe: { self.probeResult(tmux: true) })
        XCTAssertEqual(sixel.note, "sixel in tmux needs `set -g allow-passthrough on`; showing blocks")
    }
}
