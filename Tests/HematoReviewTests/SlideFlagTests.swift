import XCTest
@testable import HematoReview
import HematoFiles

/// Flags with notes: the reducer's prompt and changes, and the slide journal that keeps them.
final class SlideFlagTests: XCTestCase {
    let labels = ["EOSINOPHIL", "LYMPHOCYTE", "MONOCYTE", "NEUTROPHIL"]
    let names = ["BloodImage_00001.jpg", "BloodImage_00002.jpg", "odd cell.png"]

    func typed(_ text: String) -> [ReviewAction] { text.map { .promptType($0) } }

    func testFlagAsksForANoteAndEnterFlagsTheCurrentImage() {
        let s = ReviewSession(names: names, modelLabels: labels)
        let (asking, c0, _) = s.slideRun([.next, .flag])
        XCTAssertEqual(asking.prompt?.kind, .flagNote)
        XCTAssertEqual(c0, [], "nothing is written before Enter")
        let (flagged, changes, decisions) = asking.slideRun(typed("  smudge? ") + [.promptSubmit])
        XCTAssertEqual(changes, [.flag(index: 1, note: "smudge?")])
        XCTAssertEqual(decisions, [], "a flag is no label decision")
        XCTAssertEqual(flagged.flags, [1: "smudge?"])
        XCTAssertNil(flagged.prompt)
        XCTAssertEqual(flagged.current, 1, "flagging stays on the image")
        XCTAssertEqual(flagged.message, "Flagged BloodImage_00002.jpg: smudge? (! again takes the flag off).")
        XCTAssertNil(flagged.labels[1], "the label is untouched")
        // ! on a flagged image takes the flag off at once.
        let (unflagged, c2, _) = flagged.slideRun([.flag])
        XCTAssertEqual(c2, [.unflag(index: 1)])
        XCTAssertEqual(unflagged.flags, [:])
    }

    func testEscCancelsAndAnEmptyNoteStillFlags() {
        let s = ReviewSession(names: names, modelLabels: labels)
        let (cancelled, c, _) = s.slideRun([.flag] + typed("x") + [.promptClose])
        XCTAssertEqual(c, [])
        XCTAssertEqual(cancelled.flags, [:])
        let (flagged, c2, _) = s.slideRun([.flag, .promptSubmit])
        XCTAssertEqual(c2, [.flag(index: 0, note: "")])
        XCTAssertEqual(flagged.flags, [0: ""])
    }

    func testTheLabelFilterListsFlaggedImagesOnlyWhenThereAreSome() {
        let s = ReviewSession(names: names, modelLabels: labels)
        XCTAssertFalse(s.labelFilterChoices.contains(.flagged))
        var (flagged, _, _) = s.slideRun([.last, .flag, .promptSubmit, .first])
        XCTAssertTrue(flagged.labelFilterChoices.contains(.flagged))
        (flagged, _, _) = flagged.slideRun([.cycleLabelFilter, .cycleLabelFilter, .cycleLabelFilter])
        XCTAssertEqual(flagged.labelFilter, .flagged)
        XCTAssertEqual(flagged.queue, [2])
    }

    func testFlagsLoadByImageKeyAndTheJournalKeepsTheLastWord() throws {
        let dir = NSTemporaryDirectory() + "slide-flags-\(getpid())"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = SlideJournal.path(forLabels: dir + "/labels.csv")
        XCTAssertEqual(path, dir + "/labels.slide.jsonl")
        let journal = SlideJournal(path: path)
        try journal.append(SlideEntry(kind: .flag, time: "t1", reviewer: "ann", image: "2", note: "blast?"))
        try journal.append(SlideEntry(kind: .flag, time: "t2", reviewer: "ann", image: "odd cell.png", note: ""))
        try journal.append(SlideEntry(kind: .unflag, time: "t3", reviewer: "ann", image: "odd cell.png"))
        try journal.append(SlideEntry(kind: .target, time: "t4", reviewer: "ann", target: 100))
        let (entries, notes) = try SlideJournal.read(path: path)
        XCTAssertEqual(notes, [])
        let record = SlideRecord(entries)
        XCTAssertEqual(record.flagOrder, ["2"])
        XCTAssertEqual(record.flags["2"]?.note, "blast?")
        XCTAssertEqual(record.target, 100)
        var s = ReviewSession(names: names, modelLabels: labels)
        s.loadFlags(record.flags.mapValues(\.note))
        XCTAssertEqual(s.flags, [1: "blast?"])
    }

    /// A kind this version does not know is refused with a sentence that names a newer version;
    /// a line cut short by a crash is skipped.
    func testANewerKindIsNamedAndATornLineSkipped() throws {
        let dir = NSTemporaryDirectory() + "slide-newer-\(getpid())"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/labels.slide.jsonl"
        try Data(#"{"kind":"flag","time":"t","reviewer":"a","image":"1","note":""}"#.utf8 + [0x0A]
                 + #"{"kind":"flag","time":"t","revi"#.utf8).write(to: URL(fileURLWithPath: path))
        let (entries, notes) = try SlideJournal.read(path: path)
        XCTAssertEqual(entries.count, 1)
        XCTAssertEqual(notes.count, 1)
        try Data(#"{"kind":"countersign","time":"t","reviewer":"a"}"#.utf8 + [0x0A]).write(to: URL(fileURLWithPath: path))
        XCTAssertThrowsError(try SlideJournal.read(path: path)) { error in
            XCTAssertTrue("\(error)".contains("newer HematoVision"), "\(error)")
        }
    }
}
