import Foundation
import XCTest
import HematoReview

/// The model learns from the reviewer while they review, in the real binary.
final class AdaptationEndToEndTests: XCTestCase {
    var folder: String!

    override func tearDownWithError() throws { if let folder { try? FileManager.default.removeItem(atPath: folder) } }

    func copies(_ count: Int) throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("hv-adapt-\(UUID())").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        for n in 1...count {
            try FileManager.default.copyItem(atPath: Harness.root.appendingPathComponent("SampleImages/BloodImage_00001.jpg").path,
                                             toPath: dir + "/copy\(n).jpg")
        }
        return dir
    }

    /// A lab made while reviewing one folder (named in the config file) carries the decisions to
    /// `classify` of another folder, and is refused by another model.
    func testALabCarriesTheDecisionsToClassify() throws {
        let top = try Harness.referenceTopClasses()["1"]!
        let (corrected, key) = top == "LYMPHOCYTE" ? ("MONOCYTE", "m") : ("LYMPHOCYTE", "l")
        folder = try copies(17)
        let other = try copies(2)
        defer { try? FileManager.default.removeItem(atPath: other) }
        let home = folder + "-home"
        defer { try? FileManager.default.removeItem(atPath: home) }
        try FileManager.default.createDirectory(atPath: home + "/config/hematovision", withIntermediateDirectories: true)
        try "# set once\nlab = ward-7\n".write(toFile: home + "/config/hematovision/config", atomically: true, encoding: .utf8)
        let env = "XDG_DATA_HOME='\(home)/data' XDG_CONFIG_HOME='\(home)/config'"
        let t = try TmuxSession("env \(env) \(Harness.binary) '\(folder!)' --graphics none; echo EXIT=$?; sleep 30")
        try t.waitFor("Image  1 of 17", "Enter accepts \(top)")
        // Seventeen corrections of the same photograph: enough for the refit to outweigh the prior
        // (a few only nudge it: HeadFitTests.testOneSlipNudgesTheHeadButDoesNotOverturnAClass).
        for n in 1...16 {  // each image's prediction (and feature) is in before its key, so every decision teaches
            try t.send(key)
            try t.waitFor("Image  \(n + 1) of 17", n == 1 ? "adapted to 1 decision\n" : "adapted to \(n) decisions", "Enter accepts")
        }
        try t.send(key)
        try t.waitFor("17/17 reviewed", "adapted to 17 decisions")
        try t.send("q")
        try t.waitFor("EXIT=0", "lab ward-7: 17 decisions from 1 folder(s)")
        XCTAssertTrue(FileManager.default.fileExists(atPath: home + "/data/hematovision/labs/ward-7.safetensors"))

        var environment = ProcessInfo.processInfo.environment
        environment["XDG_DATA_HOME"] = home + "/data"
        environment["XDG_CONFIG_HOME"] = home + "/config"
        let adapted = try Harness.run([Harness.binary, "classify", other], environment: environment)
        XCTAssertEqual(adapted.status, 0, adapted.error)
        XCTAssertEqual(adapted.output, ",Image,Category\r\n,copy1.jpg,\(corrected)\r\n,copy2.jpg,\(corrected)\r\n")
        let shipped = try Harness.run([Harness.binary, "classify", other], environment: ["HOME": home + "/nobody", "PATH": "/usr/bin:/bin"])
        XCTAssertEqual(shipped.output, ",Image,Category\r\n,copy1.jpg,\(top)\r\n,copy2.jpg,\(top)\r\n")
        let missing = try Harness.run([Harness.binary, "classify", other, "--lab", "nowhere"], environment: environment)
        XCTAssertEqual(missing.status, 1)
        XCTAssertTrue(missing.error.contains("there is no lab \"nowhere\" yet") || missing.error.contains("there is no lab nowhere yet"), missing.error)
    }

    /// Eighteen copies of one photograph, each corrected: every correction moves the next copy's
    /// prediction towards the reviewer's class, but four only nudge it (the prior's answers weigh
    /// as 32 decisions at first, fading until cross-validation takes over at 16); after 16 the
    /// model predicts what the reviewer said.
    func testACorrectionChangesTheNextPrediction() throws {
        let top = try Harness.referenceTopClasses()["1"]!
        let (corrected, key) = top == "LYMPHOCYTE" ? ("MONOCYTE", "m") : ("LYMPHOCYTE", "l")
        folder = try copies(18)
        let t = try TmuxSession("\(Harness.binary) '\(folder!)' --graphics none; echo EXIT=$?; sleep 30")
        try t.waitFor("Image  1 of 18", "Enter accepts \(top)", "not measured: no blind calls")
        var shares: [Double] = [try share(of: corrected, on: t.screen())]
        for n in 1...16 {
            try t.send(key)
            try t.waitFor("Image  \(n + 1) of 18", n == 1 ? "adapted to 1 decision\n" : "adapted to \(n) decisions")
            shares.append(try share(of: corrected, on: t.screen()))
        }
        XCTAssertEqual(shares, shares.sorted(), "each correction raises the reviewer's class: \(shares)")
        XCTAssertGreaterThan(shares[1], shares[0], "the first correction is heard")
        XCTAssertLessThan(shares[4], 50, "four corrections nudge; they do not overturn the class: \(shares)")
        // The corrections were decisions the model did not agree with, and it now predicts the reviewer's class.
        try t.waitFor("Image  17 of 18", "Enter accepts \(corrected)")
        try t.send("Enter")
        try t.waitFor("Image  18 of 18", "17/18 reviewed")
        try t.send("q")
        try t.waitFor("EXIT=0")
        let journal = try Journal.read(path: folder + "/labels.journal.jsonl")
        XCTAssertEqual(journal.map(\.label), Array(repeating: [corrected], count: 17))
        // The journal keeps what the screen showed: the adapted probabilities for the 17th image.
        let shown = try XCTUnwrap(journal[16].probabilities)
        XCTAssertEqual(shown.max { $0.value < $1.value }?.key, corrected)
    }

    /// The percentage the sidebar shows for a class ("LYMPHOCYTE ░░░   3.1%").
    func share(of label: String, on screen: String) throws -> Double {
        let line = try XCTUnwrap(screen.split(separator: "\n").first { $0.contains(label + " ") && $0.contains("%") })
        let number = try XCTUnwrap(line.split(separator: " ").last { $0.hasSuffix("%") })
        return try XCTUnwrap(Double(number.dropLast()))
    }
}

/// Keys a terminal user expects: Esc never quits, an Alt combination is Esc then the key, Ctrl-C
/// quits with status 130, Ctrl-Z suspends and `fg` brings the screen back.
final class TerminalKeysEndToEndTests: SampleFolderTestCase {

    func testEscDoesNotQuitAltIsEscThenTheKeyAndCtrlCExitsWith130() throws {
        let t = try TmuxSession("\(Harness.binary) '\(folder!)' --graphics none; echo EXIT=$?; sleep 30")
        try t.waitFor("Image  1 of 16")
        try t.send("Escape")
        try t.waitFor("Esc closes the help or clears the filter; q quits.")
        try t.send("M-j")                        // bound to nothing: Esc, then j (the next image)
        try t.waitFor("Image  2 of 16")
        try t.send("C-c")
        try t.waitFor("EXIT=130", "0/16 labelled")
    }

    func testCtrlZSuspendsAndFgRedraws() throws {
        let t = try TmuxSession("bash --norc --noprofile -i")
        try t.send("\(Harness.binary) '\(folder!)' --graphics none", "Enter")
        try t.waitFor("Image  1 of 16")
        try t.send("C-z")
        try t.waitFor("Stopped")
        try t.send("clear", "Enter")
        try t.send("fg", "Enter")
        try t.waitFor("Image  1 of 16", "0/16 reviewed")
        try t.send("q")
        try t.waitFor("0/16 labelled")
    }
}

/// A model with the canonical cell view: the review lists each cell found, and
/// classify writes the cells and their boxes.
final class CellViewEndToEndTests: XCTestCase {
    func testTheReviewListsTheCellsAViewModelFinds() throws {
        let model = try Harness.modelFile { $0["view"] = "nucleus-square-v2 small=160 min_score=75 min_piece=4 merge=1/3 min_cell=4/1000 relative=1/4 k=2.2 min_crop=16" }
        let folder = try Harness.sampleFolder()
        defer {
            try? FileManager.default.removeItem(atPath: folder)
            try? FileManager.default.removeItem(atPath: model)
        }
        let t = try TmuxSession("\(Harness.binary) '\(folder)' --model '\(model)' --graphics blocks; echo EXIT=$?; sleep 30")
        try t.waitFor("Image  1 of 16", "cell 1 yellow")
        try t.send("q")
        try t.waitFor("EXIT=0")
        let jsonl = folder + "/p.jsonl"
        let run = try Harness.run([Harness.binary, "classify", folder, "--model", model, "--probabilities", jsonl, "-o", folder + "/out.csv"])
        XCTAssertEqual(run.status, 0, run.error)
        let lines = try String(contentsOfFile: jsonl, encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(lines.count, 16)
        for line in lines {
            let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as! [String: Any]
            let cells = object["cells"] as? [[String: Any]] ?? []
            XCTAssertEqual(object["whole_picture"] as? Bool, cells.isEmpty)
            for cell in cells { XCTAssertEqual((cell["box"] as? [Int])?.count, 4) }
        }
        XCTAssertTrue(lines.contains { $0.contains("\"cells\"") }, "the sample fields have white cells")
    }
}
