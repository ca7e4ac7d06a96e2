import XCTest
@testable import HematoTerminal

/// Bytes as the terminal sent them, with the times they arrived, and the keys and pastes they make.
final class InputDecoderTests: XCTestCase {
    /// Feeds (seconds, bytes) pieces and ends the last burst.
    func events(_ pieces: [(Double, String)]) -> [InputDecoder.Event] {
        var d = InputDecoder()
        var out: [InputDecoder.Event] = []
        for (time, text) in pieces { out += d.feed(Array(text.utf8), at: time) }
        return out + d.finish()
    }

    func keys(_ pieces: [(Double, String)]) -> [Key] {
        events(pieces).compactMap { if case .key(let k) = $0 { return k } else { return nil } }
    }

    /// Esc then q inside one burst is the bytes of Alt+q; the keymap then reads it as Esc, q.
    /// Apart, they are two keys.
    func testEscThenQTypedQuicklyIsAltQAndApartTwoKeys() {
        XCTAssertEqual(events([(0, "\u{1B}q")]), [.key(.alt(.character("q")))])
        XCTAssertEqual(events([(0, "\u{1B}"), (0.005, "q")]), [.key(.alt(.character("q")))])
        XCTAssertEqual(events([(0, "\u{1B}"), (0.05, "q")]), [.key(.escape), .key(.character("q"))])
        XCTAssertEqual(events([(0, "\u{1B}")]), [.key(.escape)])
        XCTAssertEqual(events([(0, "\u{1B}["), (0.05, "q")]), [.key(.alt(.character("["))), .key(.character("q"))])
    }

    /// Home, End, the page keys and the arrows in the forms terminals and tmux send; other
    /// sequences stay unknown, shown escaped, and never split into keys.
    func testSequencesForArrowsHomeEndAndThePageKeys() {
        let cases: [(String, Key)] = [("[1~", .home), ("[H", .home), ("OH", .home), ("[7~", .home), ("[4~", .end), ("[F", .end),
                                      ("OF", .end), ("[5~", .pageUp), ("[6~", .pageDown), ("[A", .up), ("OB", .down),
                                      ("[C", .right), ("OD", .left)]
        for (bytes, key) in cases { XCTAssertEqual(events([(0, "\u{1B}" + bytes)]), [.key(key)], bytes) }
        XCTAssertEqual(events([(0, "\u{1B}[2~")]), [.key(.unknown("\\e[2~"))])
        XCTAssertEqual(events([(0, "\u{1B}[1;5A")]), [.key(.unknown("\\e[1;5A"))])
        XCTAssertEqual(keys([(0, "\r")]), [.enter])
        XCTAssertEqual(keys([(0, "\u{7F}")]), [.unknown("^?")])
        XCTAssertEqual(keys([(0, "\u{03}")]), [.control("c")])
        XCTAssertEqual(keys([(0, "é")]), [.character("é")])
        var d = InputDecoder()
        XCTAssertEqual(d.feed([0xC3], at: 0) + d.feed([0xA9], at: 0.002) + d.finish(), [.key(.character("é"))], "cut between two reads")
        XCTAssertEqual(d.feed([0xFF], at: 1) + d.finish(), [.key(.unknown("\\xFF"))])
    }

    /// Keys seconds apart (a person) are keys; the same keys in one burst (a paste, tmux send-keys
    /// of several keys) are one paste, whatever keys they are.
    func testABurstOfKeysIsAPasteAndKeysAPersonTypesAreKeys() {
        XCTAssertEqual(keys([(0, "l"), (0.3, "s"), (0.6, "\r")]), [.character("l"), .character("s"), .enter])
        XCTAssertEqual(events([(0, "ls -l\r")]), [.paste(text: "ls -l\n", count: 6)])
        XCTAssertEqual(events([(0, "l"), (0.002, "s"), (0.004, "\r")]), [.paste(text: "ls\n", count: 3)])
        // Key repeat at its fastest common rate (15 ms) stays keys.
        XCTAssertEqual(keys([(0, "j"), (0.015, "j"), (0.030, "j")]), Array(repeating: .character("j"), count: 3))
        // A paste a slow link splits into pieces: the piece that comes just after is refused with it.
        XCTAssertEqual(events([(0, "ls -"), (0.05, "l")]), [.paste(text: "ls -", count: 4), .paste(text: "l", count: 1)])
        XCTAssertEqual(events([(0, "ls -"), (0.5, "l")]), [.paste(text: "ls -", count: 4), .key(.character("l"))])
    }

    /// A bracketed paste is one paste however it is split and however slowly it comes; its keys
    /// are never keys (Enter in it included), and the end marker split across reads is found.
    func testABracketedPasteIsOnePaste() {
        XCTAssertEqual(events([(0, "\u{1B}[200~q\r\u{1B}[201~")]), [.paste(text: "q\n", count: 2)])
        XCTAssertEqual(events([(0, "\u{1B}[200~e"), (0.5, "l\u{1B}[20"), (0.9, "1~"), (2, "j")]),
                       [.paste(text: "el", count: 2), .key(.character("j"))])
        // Its end is marked: Enter pressed just after it (in a prompt) is a key, not the paste's tail.
        XCTAssertEqual(events([(0, "\u{1B}[200~13\u{1B}[201~"), (0.05, "\r")]), [.paste(text: "13", count: 2), .key(.enter)])
        // Control bytes inside a paste are counted, not kept as text: a prompt types only text.
        XCTAssertEqual(events([(0, "\u{1B}[200~a\u{1B}[31mb\u{1B}[201~")]), [.paste(text: "a[31mb", count: 7)])
        // An end that never comes: the paste ends after a second of silence, and keys are keys again.
        var d = InputDecoder()
        XCTAssertEqual(d.feed(Array("\u{1B}[200~rm -rf".utf8), at: 0), [])
        XCTAssertEqual(d.quietNeeded, InputDecoder.unterminatedPaste)
        XCTAssertEqual(d.feed(Array("q".utf8), at: 2), [.paste(text: "rm -rf", count: 6)])
        XCTAssertEqual(d.finish(), [.key(.character("q"))])
    }

    /// A huge paste keeps only its first `pasteKeep` bytes of text, and counts them all.
    func testAHugePasteIsCountedNotKept() {
        let big = String(repeating: "n", count: 100_000)
        guard case .paste(let text, let count)? = events([(0, "\u{1B}[200~" + big + "\u{1B}[201~")]).first else {
            return XCTFail("no paste")
        }
        XCTAssertEqual(count, 100_000)
        XCTAssertEqual(text.utf8.count, InputDecoder.pasteKeep)
    }
}
