import Foundation
import XCTest
import HematoReview

/// A scripted review in a real terminal, then `report` over what it left.
final class ReportEndToEndTests: SampleFolderTestCase {
    func testReportCountsWhatAScriptedReviewDid() throws {
        let top = try Harness.referenceTopClasses()
        let t = try TmuxSession("\(Harness.binary) '\(folder!)' --reviewer e2e; echo EXIT=$?; sleep 30")
        try t.waitFor("Image  1 of 16", "Enter accepts \(top["1"]!)")
        try t.send("Enter")                    // image 1: the model's class
        try t.waitFor("Image  2 of 16", "Enter accepts \(top["6"]!)")
        try t.send("Enter")                    // image 6: the model's class
        try t.waitFor("Image  3 of 16")
        try t.send("m")                        // image 13 → MONOCYTE …
        try t.waitFor("Image  4 of 16")
        try t.send("u")                        // … undone
        try t.waitFor("Image  3 of 16", "none yet")
        try t.send("l")                        // image 13 → LYMPHOCYTE
        try t.waitFor("Image  4 of 16")
        try t.send("E")                        // image 26 gets EOSINOPHIL
        try t.waitFor("4/16 reviewed")
        try t.send("q")
        // The sitting's summary is on the terminal once the screen is gone.
        let screen = try t.waitFor("EXIT=0", "4/16 labelled", "this session: 4 image(s) decided in 6 step(s), median")

        // What the model said at each decision, read straight from the journal (a refit may have moved it off the reference).
        let journal = try Journal.read(path: folder + "/labels.journal.jsonl")
        var final: [String: JournalEntry] = [:]
        for e in journal { final[e.image] = e }
        XCTAssertEqual(Set(final.keys), ["1", "6", "13", "26"])
        // A key pressed before the image's prediction arrived leaves a decision with no model side.
        let predicted = final.values.filter { $0.probabilities?.isEmpty == false }
        let accepted = predicted.filter { e in
            let p = e.probabilities ?? [:]
            return e.label == [p.keys.sorted().max { p[$0]! < p[$1]! }!]
        }.count
        let corrected = predicted.count - accepted
        XCTAssertTrue(screen.contains("accepted \(accepted), corrected \(corrected)"), screen)

        let r = try Harness.run([Harness.binary, "report", folder, "--json"])
        XCTAssertEqual(r.status, 0, r.error)
        let object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(r.output.utf8)) as? [String: Any])
        XCTAssertEqual(object["total"] as? Int, 16)
        XCTAssertEqual(object["reviewed"] as? Int, 4)
        var expected = ["EOSINOPHIL": 0, "LYMPHOCYTE": 0, "MONOCYTE": 0, "NEUTROPHIL": 0, "BASOPHIL": 0]
        for label in [top["1"]!, top["6"]!, "LYMPHOCYTE", "EOSINOPHIL"] { expected[label]! += 1 }
        XCTAssertEqual(object["differential"] as? [String: Int], expected)
        let agreement = try XCTUnwrap(object["agreement"] as? [String: Any])
        XCTAssertEqual(agreement["decisions"] as? Int, 4)
        XCTAssertEqual(agreement["accepted"] as? Int, accepted)
        XCTAssertEqual(agreement["corrected"] as? Int, corrected)
        XCTAssertEqual(agreement["without_prediction"] as? Int, 4 - predicted.count)
        XCTAssertEqual(try XCTUnwrap(agreement["accuracy"] as? Double), Double(accepted) / Double(predicted.count), accuracy: 1e-9)
        let confusion = try XCTUnwrap(agreement["confusion"] as? [[Int]])
        XCTAssertEqual(confusion.joined().reduce(0, +), predicted.count)
        XCTAssertEqual(confusion.indices.reduce(0) { $0 + confusion[$1][$1] }, accepted)
        XCTAssertNotNil(agreement["kappa"])
        XCTAssertEqual(object["actions"] as? [String: Int], ["accept": 2, "set": 3, "undo": 1])  // E on an unlabelled image is a set
        let reviewers = try XCTUnwrap(object["reviewers"] as? [[String: Any]])
        XCTAssertEqual(reviewers.map { $0["name"] as? String }, ["e2e"])
        XCTAssertEqual(reviewers.first?["entries"] as? Int, 6)

        let text = try Harness.run([Harness.binary, "report", folder])
        XCTAssertEqual(text.status, 0, text.error)
        XCTAssertTrue(text.output.contains("4 of 16 images reviewed"), text.output)
        XCTAssertTrue(text.output.contains("Wilson score"), text.output)
    }

    func testBadInputGetsASentenceNotATrap() throws {
        let missing = try Harness.run([Harness.binary, "report", folder + "/no-such-folder"])
        XCTAssertNotEqual(missing.status, 0)
        XCTAssertTrue(missing.error.contains("no folder at"), missing.error)

        try Data(",Image,Category\r\n,1\r\n".utf8).write(to: URL(fileURLWithPath: folder + "/labels.csv"))
        let malformed = try Harness.run([Harness.binary, "report", folder])
        XCTAssertEqual(malformed.status, 1)
        XCTAssertTrue(malformed.error.contains("line 2: expected 3 columns"), malformed.error)

        // A torn last journal line (a crash mid-append) is skipped with a warning; the report goes on.
        try Data(",Image,Category\r\n,1,NEUTROPHIL\r\n".utf8).write(to: URL(fileURLWithPath: folder + "/labels.csv"))
        let whole = #"{"action":"set","image":"1","label":["NEUTROPHIL"],"model":"m","probabilities":{"LYMPHOCYTE":0.8,"NEUTROPHIL":0.2},"reviewer":"x\u001b]0;pwned\u0007","time":"2025-01-01T00:00:00.000Z"}"#
        try Data((whole + "\n" + #"{"action":"acc"#).utf8).write(to: URL(fileURLWithPath: folder + "/labels.journal.jsonl"))
        let torn = try Harness.run([Harness.binary, "report", folder])
        XCTAssertEqual(torn.status, 0, torn.error)
        XCTAssertTrue(torn.error.contains("journal line 2 was cut short"), torn.error)
        XCTAssertTrue(torn.output.contains("accepted 0, corrected 1"), torn.output)
        XCTAssertTrue(torn.output.contains(#"x\e]0;pwned\x07"#), torn.output)  // the reviewer's name, escaped
        XCTAssertFalse(torn.output.contains("\u{1B}"), torn.output)
    }
}
