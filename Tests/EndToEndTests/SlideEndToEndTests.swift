import Foundation
import XCTest
import HematoReview

/// Issue 25: a slide counted to a target, a flag with a note, signed off, reopened read-only,
/// amended; then what `report` says about it.
final class SlideEndToEndTests: SampleFolderTestCase {
    var config: String!

    override func setUpWithError() throws {
        try super.setUpWithError()
        // 20 images: the 16 samples and 4 copies in a subfolder.
        try FileManager.default.createDirectory(atPath: folder + "/more", withIntermediateDirectories: true)
        for (k, name) in ["BloodImage_00001.jpg", "BloodImage_00006.jpg", "BloodImage_00013.jpg", "BloodImage_00026.jpg"].enumerated() {
            try FileManager.default.copyItem(atPath: folder + "/" + name, toPath: folder + "/more/field \(k + 1).jpg")
        }
        config = folder + "/.config"
        try FileManager.default.createDirectory(atPath: config + "/hematovision", withIntermediateDirectories: true)
        try Data("# the lab's settings\nclasses = BAND:d, BLAST:t\n".utf8).write(to: URL(fileURLWithPath: config + "/hematovision/config"))
    }

    func review(_ extra: String = "") throws -> TmuxSession {
        try TmuxSession("env XDG_CONFIG_HOME='\(config!)' \(Harness.binary) '\(folder!)' --reviewer e2e --graphics none \(extra); echo EXIT=$?; sleep 30")
    }

    func reportJSON() throws -> [String: Any] {
        let r = try Harness.run([Harness.binary, "report", folder, "--json"])
        XCTAssertEqual(r.status, 0, r.error)
        return try XCTUnwrap(JSONSerialization.jsonObject(with: Data(r.output.utf8)) as? [String: Any])
    }

    /// A slide counted only by `A` keeps its target too: `report` shows it (the page's saves used to skip it).
    func testATargetCountedWithTheGallerysAIsInTheReport() throws {
        let t = try review("--target 10")
        try t.waitFor("Image  1 of 20", "0 of 10 cells")
        try t.waitFor("0/20 reviewed · by name")
        try t.send("v")
        try t.waitFor("gallery ")
        try t.send("A")
        try t.waitFor(" anyway? y/N")
        try t.send("y")  // each image is on disk before the next key is read
        try t.send("q")
        try t.waitFor("EXIT=0")
        XCTAssertFalse(try Journal.read(path: folder + "/labels.journal.jsonl").isEmpty, "A accepted the page")
        let target = try XCTUnwrap(try reportJSON()["target"] as? [String: Any], "the target reached the slide journal")
        XCTAssertEqual(target["cells"] as? Int, 10)
    }

    func testTargetFlagSignOffReadOnlyAndAmendment() throws {
        var t = try review("--target 20")
        let opened = try t.waitFor("Image  1 of 20", "0 of 20 cells")
        XCTAssertTrue(opened.contains("e l m n b d t set"), "the lab's classes' keys on the hint bar:\n\(opened)")
        try t.send("n"); try t.send("n"); try t.send("!")           // image 3 flagged, with a note (one send each: a burst is a paste)
        try t.waitFor("Flag note")
        try t.send("-l", "smudge cell")
        try t.send("Enter")
        try t.waitFor("Flagged BloodImage_00013.jpg: smudge cell", "flagged: smudge cell")
        try t.send("d")                                             // the flagged image 3: BAND, the lab's own class
        try t.waitFor("BAN 1", "3 of 20 cells")
        for _ in 0..<16 { try t.send("l") }
        try t.waitFor("19 of 20 cells")
        try t.send("e")
        try t.waitFor("Target reached: 20 of 20 cells.", "20 of 20 cells · reached")
        try t.send("S")
        try t.waitFor("Sign off the slide?")
        try t.send("y"); try t.send("Enter")
        try t.waitFor("signed off by e2e on", "SIGNED OFF")
        try t.send("q")
        try t.waitFor("EXIT=0")

        t = try review()
        let reopened = try t.waitFor("This slide is signed off by e2e on", "SIGNED OFF", "20 of 20 cells")
        XCTAssertFalse(reopened.contains("classes the model does not know"), "BAND is a known class when the config names it")
        try t.send("m")
        try t.waitFor("read-only. review --amend reopens it for changes.")
        try t.send("q")
        try t.waitFor("EXIT=0")
        XCTAssertTrue(try csv().contains(",1,NEUTROPHIL\r\n"), "nothing changed while read-only")

        t = try review("--amend")
        try t.waitFor("Amending the slide signed off by e2e", "AMENDING")
        try t.send("Home")
        try t.waitFor("Image  1 of 20")
        try t.send("m")
        try t.waitFor("Image  2 of 20")
        try t.send("q")
        try t.waitFor("EXIT=0")
        XCTAssertTrue(try csv().contains(",1,MONOCYTE\r\n"))

        let object = try reportJSON()
        let signoff = try XCTUnwrap(object["signoff"] as? [String: Any])
        XCTAssertEqual(signoff["reviewer"] as? String, "e2e")
        XCTAssertEqual(signoff["cells"] as? Int, 20)
        XCTAssertEqual(signoff["target"] as? Int, 20)
        XCTAssertEqual(signoff["counts"] as? [String: Int], ["NEUTROPHIL": 2, "BAND": 1, "LYMPHOCYTE": 16, "EOSINOPHIL": 1])
        XCTAssertEqual(signoff["labels_unchanged"] as? Bool, false, "amended since")
        XCTAssertEqual((signoff["labels_sha256"] as? String)?.count, 64)
        XCTAssertEqual((signoff["agreement"] as? [String: Any])?["decisions"] as? Int, 20)
        let amendments = try XCTUnwrap(object["amendments"] as? [[String: Any]])
        XCTAssertEqual(amendments.map { $0["kind"] as? String }, ["amend", "amendment"])
        XCTAssertEqual(amendments.last?["image"] as? String, "1")
        XCTAssertEqual(amendments.last?["before"] as? [String], ["NEUTROPHIL"])
        XCTAssertEqual(amendments.last?["after"] as? [String], ["MONOCYTE"])
        let flags = try XCTUnwrap(object["flags"] as? [[String: Any]])
        XCTAssertEqual(flags.count, 1)
        XCTAssertEqual(flags.first?["image"] as? String, "13")
        XCTAssertEqual(flags.first?["note"] as? String, "smudge cell")
        XCTAssertEqual((object["target"] as? [String: Any])?["reached"] as? Bool, true)
        let differential = try XCTUnwrap(object["differential"] as? [String: Int])
        XCTAssertEqual([differential["NEUTROPHIL"], differential["MONOCYTE"], differential["LYMPHOCYTE"], differential["EOSINOPHIL"],
                        differential["BAND"]], [1, 1, 16, 1, 1])

        let text = try Harness.run([Harness.binary, "report", folder])
        XCTAssertTrue(text.output.contains("target: 20 cells, 20 counted (reached)"), text.output)
        XCTAssertTrue(text.output.contains("signed off by e2e on "), text.output)
        XCTAssertTrue(text.output.contains("(labels.csv has changed since)"), text.output)
        XCTAssertTrue(text.output.contains("amendments: 1 change(s)"), text.output)
        XCTAssertTrue(text.output.contains("e2e: 1 NEUTROPHIL -> MONOCYTE"), text.output)
        XCTAssertTrue(text.output.contains("13: smudge cell (e2e, "), text.output)

        // The report to file says the same, rendered as a person would see it.
        guard (try? ReportRendering.skipUnlessInstalled()) != nil else { return }
        let html = folder + "/slide.html"
        let written = try Harness.run([Harness.binary, "report", folder, "--html", html])
        XCTAssertEqual(written.status, 0, written.error)
        let rendered = try ReportRendering.render(html)
        ReportRendering.assertDifferential(rendered.pdfText, [("LYMPHOCYTE", 16, "80.0 %"), ("BAND", 1, "5.0 %"), ("NEUTROPHIL", 1, "5.0 %"),
                                                              ("MONOCYTE", 1, "5.0 %"), ("EOSINOPHIL", 1, "5.0 %")])
        for words in ["Signed off by e2e on", "20 cells; 20 counted (reached)", "Note: smudge cell", "reopened for changes", "NEUTROPHIL → MONOCYTE"] {
            XCTAssertTrue(rendered.pdfText.contains(words), "\(words) not in:\n\(rendered.pdfText)")
        }
        XCTAssertGreaterThan(ReportRendering.colourfulPixels(rendered.screenshot), 20_000)
    }

    /// --amend on a slide nobody signed is refused: there is nothing to amend.
    func testAmendWithoutASignOffIsRefused() throws {
        let t = try review("--amend")
        try t.waitFor("is not signed off; review it without --amend", "EXIT=1")
    }
}
