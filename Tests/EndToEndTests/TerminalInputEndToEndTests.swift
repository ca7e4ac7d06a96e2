import Foundation
import XCTest
import HematoReview

/// Issue 22, items 10 and 15, through a real terminal: Esc then q sent as one burst (as a person
/// typing quickly sends it), pasted text, and a resize right after Esc.
final class TerminalInputEndToEndTests: SampleFolderTestCase {
    var review: String { "\(Harness.binary) '\(folder!)' --graphics blocks --reviewer e2e" }

    /// The tester's morning: Esc and q typed quickly in the gallery. Esc closes the gallery and q quits.
    func testEscThenQTypedQuicklyClosesTheGalleryAndQuits() throws {
        let t = try TmuxSession("\(review); echo EXIT=$?; sleep 30")
        try t.waitFor("Image  1 of 16", "0/16 reviewed · by name")
        try t.send("v")
        try t.waitFor("gallery ")
        try t.send("Escape", "q")  // one send-keys: the two bytes arrive together, as Alt+q's do
        try t.waitFor("EXIT=0", "0/16 labelled")
        XCTAssertFalse(FileManager.default.fileExists(atPath: folder + "/labels.journal.jsonl"))
    }

    /// A shell command typed into the review (several keys at once) and a bracketed paste (tmux
    /// paste-buffer -p marks it, as terminals do) are refused with a message: no decision, no
    /// journal line. An open prompt takes pasted text as typed text. After the review the terminal
    /// is out of bracketed-paste mode (a paste into the shell gets no markers).
    func testPastedTextIsRefusedAndAPromptTakesItAsText() throws {
        let t = try TmuxSession("\(review); echo EXIT=$?; cat -v")
        try t.waitFor("Image  1 of 16", "0/16 reviewed · by name")
        try t.send("-l", "ls -l /tmp; man hematovision")
        try t.waitFor("Pasted text ignored (28 keys at once")
        try t.tmux(["set-buffer", "-b", "hv", "enlm\r"])
        try t.tmux(["paste-buffer", "-p", "-b", "hv", "-t", "=t:"])
        try t.waitFor("Pasted text ignored (5 keys at once")
        XCTAssertTrue(try t.screen().contains("Image  1 of 16"), "nothing moved")
        XCTAssertFalse(FileManager.default.fileExists(atPath: folder + "/labels.journal.jsonl"), "no decision")
        try t.send("g")
        try t.waitFor("Go to image number:")
        try t.tmux(["set-buffer", "-b", "hv", "13\r"])
        try t.tmux(["paste-buffer", "-p", "-b", "hv", "-t", "=t:"])
        try t.waitFor("Go to image number: 13")  // typed, not submitted: a line break in a paste is not Enter
        try t.send("Enter")
        try t.waitFor("Image  13 of 16")
        try t.send("q")
        try t.waitFor("EXIT=0", "0/16 labelled")
        try t.tmux(["set-buffer", "-b", "hv", "after"])
        try t.tmux(["paste-buffer", "-p", "-b", "hv", "-t", "=t:"])
        let after = try t.waitFor("after")
        XCTAssertFalse(after.contains("[200~"), "bracketed paste left on after the review:\n\(after)")
    }

    /// In the gallery, Esc closes the help and the window changes size at once: the gallery is
    /// drawn at the new size, title and hint bar included (curses read the resize as the rest of
    /// an escape sequence and dropped it).
    func testAResizeRightAfterEscIsSeen() throws {
        let t = try TmuxSession("\(review); echo EXIT=$?; sleep 30")
        try t.waitFor("Image  1 of 16", "0/16 reviewed · by name")
        try t.send("v")
        try t.waitFor("gallery ")
        try t.send("?")
        try t.waitFor("Keys · page")
        try t.send("Escape")
        try t.tmux(["resize-window", "-t", "=t:", "-x", "84", "-y", "26"])
        let deadline = Date().addingTimeInterval(10)
        var lines: [Substring] = []
        while Date() < deadline {
            lines = try t.screen().split(separator: "\n", omittingEmptySubsequences: false)
            if lines.count >= 26, lines[0].contains("reviewed"), lines[25].contains("accept page") { break }
            usleep(100_000)
        }
        XCTAssertTrue(lines.count >= 26 && lines[25].contains("accept page") && lines[0].contains("reviewed"),
                      "the hint bar on the last row of 26, the title on the first:\n" + lines.joined(separator: "\n"))
        try t.send("q")
        try t.waitFor("EXIT=0")
    }
}
