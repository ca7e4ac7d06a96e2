import Foundation
import XCTest
import HematoReview

/// The review screen driven through a real terminal: keys in, screen and files out.
final class ReviewEndToEndTests: SampleFolderTestCase {
    func testAScriptedReviewWritesTheDatasetFormat() throws {
        let top = try Harness.referenceTopClasses()
        let t = try TmuxSession("\(Harness.binary) '\(folder!)' --reviewer e2e; echo EXIT=$?; sleep 30")
        try t.waitFor("Image  1 of 16", "Enter accepts \(top["1"]!)")
        try t.send("Enter")
        try t.waitFor("Image  2 of 16", "Enter accepts \(top["6"]!)")
        try t.send("Enter")
        try t.waitFor("Image  3 of 16")
        try t.send("m")                        // image 3 → MONOCYTE …
        try t.waitFor("Image  4 of 16")
        try t.send("u")                        // … undone: back on image 3, no label
        try t.waitFor("Image  3 of 16", "none yet")
        try t.send("l")                        // image 3 → LYMPHOCYTE
        try t.waitFor("Image  4 of 16")
        try t.send("E")                        // image 4 gets EOSINOPHIL, stays
        try t.waitFor("set by a reviewer", "4/16 reviewed")
        // Classification went on ahead through the whole folder (the title stops counting when all 16 are done).
        try t.waitFor("4/16 reviewed · by name")
        try t.send("q")
        try t.waitFor("EXIT=0", "4/16 labelled")
        XCTAssertEqual(try csv(), ",Image,Category\r\n,1,\(top["1"]!)\r\n,6,\(top["6"]!)\r\n,13,LYMPHOCYTE\r\n,26,EOSINOPHIL\r\n")
        let journal = try Journal.read(path: folder + "/labels.journal.jsonl")
        XCTAssertEqual(journal.map(\.action), [.accept, .accept, .set, .undo, .set, .set])
        XCTAssertEqual(journal.map(\.image), ["1", "6", "13", "13", "13", "26"])
        XCTAssertEqual(Set(journal.map(\.reviewer)), ["e2e"])
        XCTAssertTrue(journal.allSatisfy { $0.imageHash?.hasPrefix("fnv1a64:") ?? false })
        XCTAssertEqual(journal[0].probabilities?.count, try Harness.referenceLabels().count)
    }

    /// The sidebar's lines move as the shift check and the counts arrive after the picture is up; curses
    /// then clears the start of those rows (it believes them blank), so the picture must be written again:
    /// no row inside the picture may be left without its half blocks.
    func testThePictureKeepsEveryRowWhenTheSidebarChangesBesideIt() throws {
        let t = try TmuxSession("\(Harness.binary) '\(folder!)' --graphics blocks; sleep 30")
        try t.waitFor("Image  1 of 16", "0/16 reviewed · by name", "Count")
        usleep(500_000)
        let rows = try t.screen().split(separator: "\n", omittingEmptySubsequences: false).map { Array($0) }
        let pictured = rows.indices.filter { rows[$0].prefix(8).contains("▀") }
        let first = try XCTUnwrap(pictured.first), last = try XCTUnwrap(pictured.last)
        XCTAssertGreaterThan(last - first, 10, "a picture of many rows")
        XCTAssertEqual(pictured, Array(first...last), "rows without the picture: \(Set(first...last).subtracting(pictured).sorted())")
    }

    /// Issue 13: x takes the last class off a multi-label, then blanks the label; the sidebar's
    /// counts follow each key; labels.csv keeps a blank Category row; undo and report see it all.
    func testXRemovesLabelsAndTheCountsFollow() throws {
        let t = try TmuxSession("\(Harness.binary) '\(folder!)' --reviewer e2e; echo EXIT=$?; sleep 30")
        try t.waitFor("Image  1 of 16", "no labels yet")
        try t.send("n")                        // image 1 → NEUTROPHIL, on to image 2
        try t.waitFor("Image  2 of 16", "NEU 1 100%")
        try t.send("k")
        try t.send("L")                        // image 1 → NEUTROPHIL, LYMPHOCYTE
        try t.waitFor("Image  1 of 16", "NEUTROPHIL, LYMPHOCYTE", "LYM 1 50%", "NEU 1 50%", "1 multi-label image")
        try t.send("x")                        // → NEUTROPHIL
        try t.waitFor("LYM 0 0%", "NEU 1 100%")
        try t.send("x")                        // → blank
        try t.waitFor("(blank)", "no labels yet", "1/16 reviewed")
        try t.send("u")                        // the blank undone: NEUTROPHIL again
        try t.waitFor("NEU 1 100%")
        try t.send("x")
        try t.waitFor("(blank)", "no labels yet")
        try t.send("q")
        try t.waitFor("EXIT=0", "1/16 labelled")
        XCTAssertEqual(try csv(), ",Image,Category\r\n,1,\r\n", "the dataset's blank Category")
        let journal = try Journal.read(path: folder + "/labels.journal.jsonl")
        XCTAssertEqual(journal.map(\.action), [.set, .add, .remove, .remove, .undo, .remove])
        XCTAssertEqual(journal.map(\.label), [["NEUTROPHIL"], ["NEUTROPHIL", "LYMPHOCYTE"], ["NEUTROPHIL"], [], ["NEUTROPHIL"], []])
        XCTAssertEqual(journal.map { $0.blank == true }, [false, false, false, true, false, true])
        let r = try Harness.run([Harness.binary, "report", folder, "--json"])
        XCTAssertEqual(r.status, 0, r.error)
        let object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(r.output.utf8)) as? [String: Any])
        XCTAssertEqual(object["reviewed"] as? Int, 1)
        XCTAssertEqual((object["differential"] as? [String: Int])?.values.reduce(0, +), 0)
        XCTAssertEqual(object["actions"] as? [String: Int], ["set": 1, "add": 1, "remove": 3, "undo": 1])
    }

    func testTheWholeFolderIsClassifiedWhileTheReviewerLooks() throws {
        let t = try TmuxSession("\(Harness.binary) '\(folder!)'; echo EXIT=$?; sleep 30")
        try t.waitFor("Image  1 of 16")
        // No key pressed: the title stops counting "classified" once all 16 have a prediction.
        try t.waitFor("0/16 reviewed · by name")
        try t.send("q")
        try t.waitFor("EXIT=0")
    }

    func testKillNineLosesNothingAndReopeningResumes() throws {
        let top = try Harness.referenceTopClasses()
        let t = try TmuxSession("exec \(Harness.binary) '\(folder!)'")
        try t.waitFor("Enter accepts \(top["1"]!)")
        try t.send("Enter")
        try t.waitFor("Image  2 of 16")
        try t.send("n")
        try t.waitFor("Image  3 of 16")
        try t.send("b")
        try t.waitFor("Image  4 of 16", "3/16 reviewed")
        // Every decision shown as made is on disk: kill without warning.
        kill(try t.panePID(), SIGKILL)
        XCTAssertEqual(try csv(), ",Image,Category\r\n,1,\(top["1"]!)\r\n,6,NEUTROPHIL\r\n,13,BASOPHIL\r\n")

        let again = try TmuxSession("\(Harness.binary) '\(folder!)'; echo EXIT=$?; sleep 30")
        let screen = try again.waitFor("Image  4 of 16", "3/16 reviewed")
        XCTAssertTrue(screen.contains("BloodImage_00026.jpg"), screen)
        try again.send("Left")
        try again.waitFor("BloodImage_00013.jpg", "BASOPHIL", "set by a reviewer")
        try again.send("q")
        try again.waitFor("EXIT=0")
    }

    func testASecondReviewerIsRefusedAndTheFirstLosesNothing() throws {
        let t = try TmuxSession("\(Harness.binary) '\(folder!)' --reviewer alice; echo EXIT=$?; sleep 30")
        try t.waitFor("Image  1 of 16")
        try t.open("\(Harness.binary) '\(folder!)' --reviewer bob; echo EXIT=$?; sleep 30", name: "bob")
        let refused = try t.waitFor("EXIT=1", session: "bob")
        XCTAssertTrue(refused.contains("another review is open"), refused)
        XCTAssertTrue(refused.contains("alice"), refused)
        try t.send("l")
        try t.waitFor("Image  2 of 16")
        try t.send("q")
        try t.waitFor("EXIT=0")
        XCTAssertEqual(try csv(), ",Image,Category\r\n,1,LYMPHOCYTE\r\n")
    }

    func testHangupSavesAndRestoresTheTerminal() throws {
        let t = try TmuxSession("\(Harness.binary) '\(folder!)'; echo EXIT=$?; sleep 30")
        try t.waitFor("Image  1 of 16")
        try t.send("m")
        try t.waitFor("Image  2 of 16")
        let shell = try t.panePID()
        let child = Harness.shell(["pgrep", "-P", String(shell)]).output.split(separator: "\n").compactMap { Int32($0) }
        XCTAssertEqual(child.count, 1)
        kill(child[0], SIGHUP)  // what an SSH connection dropping sends
        let screen = try t.waitFor("EXIT=129")
        XCTAssertTrue(screen.contains("1/16 labelled"), screen)
        XCTAssertFalse(screen.contains("HematoVision"), "the review screen is gone (terminal restored)")
        XCTAssertEqual(try csv(), ",Image,Category\r\n,1,MONOCYTE\r\n")
    }

    func testControlCharactersInFileNamesAreShownEscaped() throws {
        let odd = folder + "/BloodImage_00001.jpg"
        try FileManager.default.moveItem(atPath: odd, toPath: folder + "/0-\u{1B}[31mRED.jpg")  // sorts first
        let t = try TmuxSession("\(Harness.binary) '\(folder!)'; echo EXIT=$?; sleep 30")
        let screen = try t.waitFor("Image  1 of 16")
        XCTAssertTrue(screen.contains("0-\\e[31mRED.jpg"), "escaped name not on screen")
        try t.send("q")
        try t.waitFor("EXIT=0")
    }

    /// A labels.csv with a class nobody knows (here a lab's own and a lower-case one) opens with a
    /// message naming them; they are kept as written.
    func testClassesTheModelDoesNotKnowAreNamedOnOpening() throws {
        let original = ",Image,Category\r\n,1,PLATELET\r\n,6,eosinophil\r\n"
        try Data(original.utf8).write(to: URL(fileURLWithPath: folder + "/labels.csv"))
        let t = try TmuxSession("\(Harness.binary) '\(folder!)' --graphics none; echo EXIT=$?; sleep 30")
        try t.waitFor("labels.csv has classes the model does not know: PLATELET, eosinophil")
        try t.send("q")
        try t.waitFor("EXIT=0")
        XCTAssertEqual(try csv(), original, "nothing rewritten")
    }

    func testAnUnreadableImageIsSaidSoAndCanStillBeLabelled() throws {
        try Data("not a picture".utf8).write(to: URL(fileURLWithPath: folder + "/0-broken.jpg"))
        let t = try TmuxSession("\(Harness.binary) '\(folder!)'; echo EXIT=$?; sleep 30")
        try t.waitFor("0-broken.jpg", "cannot read this image")
        try t.send("Enter")
        try t.waitFor("Unreadable image, choose a class or skip it")
        try t.send("s")
        try t.waitFor("Image  2 of 17")
        try t.send("q")
        try t.waitFor("EXIT=0")
    }
}
