import Foundation
import XCTest
import HematoReview

/// Issue 13, items 4–6 through a real terminal: End, Home, go to, search; blind review; undo
/// after reopening the folder.
final class NavigationAndBlindEndToEndTests: SampleFolderTestCase {
    var review: String { "\(Harness.binary) '\(folder!)' --graphics blocks --reviewer e2e" }

    func testEndHomeGoToAndSearch() throws {
        let t = try TmuxSession("\(review); echo EXIT=$?; sleep 30")
        try t.waitFor("Image  1 of 16", "BloodImage_00001.jpg")
        try t.send("End")
        try t.waitFor("Image  16 of 16", "BloodImage_00309.jpg")
        try t.send("Home")
        try t.waitFor("Image  1 of 16", "BloodImage_00001.jpg")
        try t.send("PageDown")
        try t.waitFor("Image  11 of 16", "BloodImage_00104.jpg")
        try t.send("g")
        try t.send("1", "3")
        try t.waitFor("Go to image number: 13")
        try t.send("Enter")
        try t.waitFor("Image  13 of 16", "BloodImage_00211.jpg")
        try t.send("Home")
        try t.waitFor("Image  1 of 16")
        // Any case; the names with 0002 after the underscore are 00026 and 00029; then round again.
        try t.send("/")
        try t.send("-l", "bloodimage_0002")
        try t.waitFor("Search names: bloodimage_0002")
        try t.send("Enter")
        try t.waitFor("Image  4 of 16", "BloodImage_00026.jpg")
        try t.send("/")
        try t.send("Enter")
        try t.waitFor("Image  5 of 16", "BloodImage_00029.jpg")
        try t.send("/")
        try t.send("Enter")
        try t.waitFor("Image  4 of 16", "BloodImage_00026.jpg")
        // Esc closes a prompt without moving; the keys are commands again.
        try t.send("/")
        try t.send("-l", "q")
        try t.waitFor("Search names: q")
        try t.send("Escape")
        usleep(300_000)                        // a key right after Esc would read as Alt+key
        try t.send("End")                      // ignored while the prompt is open
        let closed = try t.waitFor("Image  16 of 16")
        XCTAssertFalse(closed.contains("Search names"), closed)
        try t.send("q")
        try t.waitFor("EXIT=0", "0/16 labelled")
    }

    /// At 80×24 the help is two pages of whole lines: → turns, ← turns back, any other key closes it
    /// and does nothing else (here n, which would label the image).
    func testTheHelpTurnsItsPagesAndAnyOtherKeyClosesIt() throws {
        let t = try TmuxSession("\(review); echo EXIT=$?; sleep 30", width: 80, height: 24)
        try t.waitFor("Image  1 of 16")
        try t.send("?")
        try t.waitFor("Keys · page 1 of 3", "label EOSINOPHIL, next image", "→ next page")
        try t.send("Right")
        try t.waitFor("Keys · page 2 of 3", "go to image number: digits, Enter (Esc cancels)")
        try t.send("Left")
        try t.waitFor("Keys · page 1 of 3")
        try t.send("n")
        let closed = try t.waitFor("Image  1 of 16", "0/16 reviewed")
        XCTAssertFalse(closed.contains("Keys"), closed)
        try t.send("q")
        try t.waitFor("EXIT=0", "0/16 labelled")
        let journal = folder + "/labels.journal.jsonl"
        let decisions = FileManager.default.fileExists(atPath: journal) ? try Journal.read(path: journal) : []
        XCTAssertEqual(decisions.count, 0, "the key that closed the help decided nothing")
    }

    func testBlindReviewHidesTheAnswerUntilDecidedAndReportsItApart() throws {
        let top = try Harness.referenceTopClasses()
        let t = try TmuxSession("\(review) --blind; echo EXIT=$?; sleep 30")
        // Every image classified (the title stops counting), and still no percentage anywhere.
        let before = try t.waitFor("Image  1 of 16", "0/16 reviewed · by name · BLIND", "hidden until you decide (blind)")
        XCTAssertFalse(before.contains("%"), before)
        XCTAssertFalse(before.contains("Enter accept"), "neither the sidebar nor the hint bar offers Enter:\n" + before)
        XCTAssertFalse(before.contains("v gallery"), "the hint bar does not offer what blind review refuses")
        try t.send("Enter")                    // does not take the hidden answer
        let refused = try t.waitFor("Blind review: choose a class")
        XCTAssertTrue(refused.contains("Image  1 of 16"), refused)
        XCTAssertFalse(refused.contains("%"), refused)
        // Image 1 as the model has it, image 6 as it has not.
        let key = ["EOSINOPHIL": "e", "LYMPHOCYTE": "l", "MONOCYTE": "m", "NEUTROPHIL": "n"]
        try t.send(key[top["1"]!]!)
        try t.waitFor("Image  2 of 16", "You: \(top["1"]!). The model agrees")
        let other = top["6"]! == "MONOCYTE" ? "LYMPHOCYTE" : "MONOCYTE"
        try t.send(key[other]!)
        try t.waitFor("Image  3 of 16", "You: \(other). The model said \(top["6"]!)")
        let third = try t.screen()
        XCTAssertTrue(third.contains("hidden until you decide (blind)"), third)
        // The head refits on both decisions before we look back. Its answer on image 6 would now
        // echo the reviewer; the one shown is what the reviewer decided against.
        try t.waitFor("adapted to 2 decisions")
        try t.send("k")                        // back on image 6: decided, so the answer shows
        let shown = try t.waitFor("Image  2 of 16", "model says \(top["6"]!)")
        XCTAssertTrue(shown.contains("%"), shown)
        try t.send("o")                        // least confident first would tell the answers
        try t.waitFor("Blind review: order and filter would tell the answers")
        try t.send("q")
        try t.waitFor("EXIT=0", "2/16 labelled", "blind review: 2 of 2 decided with the model's answer hidden")

        let journal = try Journal.read(path: folder + "/labels.journal.jsonl")
        XCTAssertEqual(journal.map(\.mode), [.blind, .blind])
        XCTAssertTrue(try String(contentsOfFile: folder + "/labels.journal.jsonl", encoding: .utf8).contains(#""mode":"blind""#))
        let r = try Harness.run([Harness.binary, "report", folder, "--json"])
        XCTAssertEqual(r.status, 0, r.error)
        let object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(r.output.utf8)) as? [String: Any])
        let byMode = try XCTUnwrap(object["agreement_by_mode"] as? [String: [String: Any]])
        XCTAssertEqual(byMode["blind"]?["n"] as? Int, 2)
        XCTAssertEqual(byMode["blind"]?["accuracy"] as? Double, 0.5)
        XCTAssertEqual(byMode["open"]?["n"] as? Int, 0)
        XCTAssertTrue(byMode["open"]?["accuracy"] is NSNull)
        XCTAssertEqual((object["agreement"] as? [String: Any])?["accuracy"] as? Double, 0.5, "the existing keys are unchanged")
        let text = try Harness.run([Harness.binary, "report", folder])
        XCTAssertTrue(text.output.contains("blind: 2 decision(s), accuracy 0.500"), text.output)
    }

    /// Decide, quit, reopen, u: the earlier sitting's decision is taken back, and labels.csv's own label returns.
    func testUndoAfterReopeningTheFolder() throws {
        try Data(",Image,Category\r\n,1,BASOPHIL\r\n".utf8).write(to: URL(fileURLWithPath: folder + "/labels.csv"))
        let first = try TmuxSession("\(review); echo EXIT=$?; sleep 30")
        try first.waitFor("Image  2 of 16")    // opens at the first image without a label
        try first.send("n")                    // image 6 → NEUTROPHIL
        try first.waitFor("Image  3 of 16")
        try first.send("Home")
        try first.waitFor("Image  1 of 16", "BASOPHIL", "from labels.csv")
        try first.send("m")                    // image 1: BASOPHIL → MONOCYTE
        try first.waitFor("Image  2 of 16")
        try first.send("q")
        try first.waitFor("EXIT=0")
        XCTAssertEqual(try csv(), ",Image,Category\r\n,1,MONOCYTE\r\n,6,NEUTROPHIL\r\n")

        let again = try TmuxSession("\(review); echo EXIT=$?; sleep 30")
        try again.waitFor("Image  2 of 16")    // resumes after image 1, the journal's last
        try again.send("u")
        try again.waitFor("Image  1 of 16", "BASOPHIL", "from labels.csv")
        XCTAssertEqual(try csv(), ",Image,Category\r\n,1,BASOPHIL\r\n,6,NEUTROPHIL\r\n")
        try again.send("u")
        try again.waitFor("Image  2 of 16", "none yet")
        try again.send("u")
        try again.waitFor("Nothing to undo.")
        try again.send("q")
        try again.waitFor("EXIT=0")
        XCTAssertEqual(try csv(), ",Image,Category\r\n,1,BASOPHIL\r\n")
        let journal = try Journal.read(path: folder + "/labels.journal.jsonl")
        XCTAssertEqual(journal.map(\.action), [.set, .set, .undo, .undo])
        XCTAssertEqual(journal.map(\.image), ["6", "1", "1", "6"])
    }
}
