import Foundation
import XCTest
@testable import HematoReview

final class ReviewStoreTests: XCTestCase {
    var folder: String!

    override func setUpWithError() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("hv-store-\(UUID())").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(atPath: folder) }

    func entry(_ image: String, _ action: JournalEntry.Action, _ label: [String]) -> JournalEntry {
        JournalEntry(time: "2026-11-26T00:00:00Z", reviewer: "test", image: image, imageHash: "fnv1a64:1", model: "m",
                     probabilities: ["NEUTROPHIL": 0.9], action: action, label: label)
    }

    func testEachDecisionIsInTheJournalAndTheCSVAtOnce() throws {
        let path = folder + "/labels.csv"
        let original = Array(",Image,Category\r\n,0,NEUTROPHIL\r\n,1,\"NEUTROPHIL, EOSINOPHIL\"".utf8)
        try Data(original).write(to: URL(fileURLWithPath: path))
        let store = try ReviewStore(labelsPath: path, reviewer: "test")
        try store.record(entry("5", .set, ["MONOCYTE"]))
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        XCTAssertEqual(String(decoding: bytes, as: UTF8.self),
                       ",Image,Category\r\n,0,NEUTROPHIL\r\n,1,\"NEUTROPHIL, EOSINOPHIL\"\r\n,5,MONOCYTE\r\n")
        let journal = try Journal.read(path: folder + "/labels.journal.jsonl")
        XCTAssertEqual(journal, [entry("5", .set, ["MONOCYTE"])])
        try store.record(entry("5", .undo, []))
        XCTAssertEqual([UInt8](try Data(contentsOf: URL(fileURLWithPath: path))), original + Array("\r\n".utf8))
    }

    func testReopeningRestoresWhoDecidedAndWhere() throws {
        let path = folder + "/labels.csv"
        do {
            let store = try ReviewStore(labelsPath: path, reviewer: "a")
            try store.record(entry("3", .set, ["LYMPHOCYTE"]))
            try store.record(entry("4", .accept, ["NEUTROPHIL"]))
        }
        let reopened = try ReviewStore(labelsPath: path, reviewer: "b")
        XCTAssertEqual(reopened.decidedByPerson, ["3", "4"])
        XCTAssertEqual(reopened.lastImage, "4")
        XCTAssertEqual(reopened.labels.categories(forImage: "3"), ["LYMPHOCYTE"])
    }

    func testASecondReviewerIsRefused() throws {
        let path = folder + "/labels.csv"
        do {
            let first = try ReviewStore(labelsPath: path, reviewer: "alice")
            XCTAssertThrowsError(try ReviewStore(labelsPath: path, reviewer: "bob")) { error in
                guard case .locked(let holder) = error as? ReviewStoreError else { return XCTFail("\(error)") }
                XCTAssertTrue(holder.contains("alice"), holder)
                XCTAssertTrue("\(error)".contains("another review is open"))
            }
            withExtendedLifetime(first) {}
        }
        // Once the first is gone, the folder is free again.
        _ = try ReviewStore(labelsPath: path, reviewer: "bob")
    }

    func testOpeningAFileWithTwoRowsForOneImageSaysSo() throws {
        let path = folder + "/labels.csv"
        try Data(",Image,Category\r\n,7,NEUTROPHIL\r\n,7,MONOCYTE\r\n".utf8).write(to: URL(fileURLWithPath: path))
        let store = try ReviewStore(labelsPath: path, reviewer: "t")
        XCTAssertTrue(store.notes.contains { $0.contains("more than one row for image 7") }, "\(store.notes)")
        try store.record(entry("7", .set, ["LYMPHOCYTE"]))
        XCTAssertEqual(try String(contentsOfFile: path, encoding: .utf8), ",Image,Category\r\n,7,LYMPHOCYTE\r\n,7,LYMPHOCYTE\r\n")
    }

    func testAMalformedLabelFileIsRefusedWithItsLine() throws {
        let path = folder + "/labels.csv"
        try Data(",Image,Category\r\n,1,\"NEUTROPHIL\r\n".utf8).write(to: URL(fileURLWithPath: path))
        XCTAssertThrowsError(try ReviewStore(labelsPath: path, reviewer: "t")) { error in
            guard case .labels(let e) = error as? ReviewStoreError else { return XCTFail("\(error)") }
            XCTAssertEqual(e.line, 2)
        }
    }

    func testAJournalLineCutShortByACrashIsIgnored() throws {
        let journal = folder + "/labels.journal.jsonl"
        let good = try JSONEncoder().encode(entry("1", .set, ["MONOCYTE"]))
        try (good + Data("\n{\"time\":\"2026".utf8)).write(to: URL(fileURLWithPath: journal))
        XCTAssertEqual(try Journal.read(path: journal).map(\.image), ["1"])
        try (Data("garbage\n".utf8) + good + Data("\n".utf8)).write(to: URL(fileURLWithPath: journal))
        XCTAssertThrowsError(try Journal.read(path: journal))
    }

    func testAFolderThatCannotBeWrittenGetsAClearMessage() {
        XCTAssertThrowsError(try ReviewStore(labelsPath: "/proc/hv-cannot-write/labels.csv", reviewer: "t")) { error in
            XCTAssertTrue("\(error)".contains("--output"), "\(error)")
        }
    }

    func bytes(_ path: String) throws -> String { String(decoding: try Data(contentsOf: URL(fileURLWithPath: path)), as: UTF8.self) }
    func write(_ text: String, _ path: String) throws { try Data(text.utf8).write(to: URL(fileURLWithPath: path)) }
    func journalLine(_ e: JournalEntry) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(e), as: UTF8.self) + "\n"
    }

    /// Issue 11, defect 6: a link planted at the lock's name had its target truncated and overwritten.
    func testALockFileThatIsALinkIsRefusedAndItsTargetUntouched() throws {
        try write("precious", folder + "/victim")
        try FileManager.default.createDirectory(atPath: folder + "/slide", withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: folder + "/slide/.labels.csv.lock", withDestinationPath: "../victim")
        XCTAssertThrowsError(try ReviewStore(labelsPath: folder + "/slide/labels.csv", reviewer: "t")) { error in
            guard case .lockFile(_, .symbolicLink)? = error as? ReviewStoreError else { return XCTFail("\(error)") }
            XCTAssertTrue("\(error)".contains("symbolic link"), "\(error)")
        }
        XCTAssertEqual(try bytes(folder + "/victim"), "precious")
    }

    /// Defect 9: a symlinked labels.csv became a plain file and its target never got the decision.
    func testALinkedLabelFileGetsTheDecisionThroughTheLink() throws {
        try FileManager.default.createDirectory(atPath: folder + "/slide", withIntermediateDirectories: true)
        try write(",Image,Category\r\n,0,NEUTROPHIL\r\n", folder + "/shared.csv")
        try FileManager.default.createSymbolicLink(atPath: folder + "/slide/labels.csv", withDestinationPath: "../shared.csv")
        let store = try ReviewStore(labelsPath: folder + "/slide/labels.csv", reviewer: "t")
        try store.record(entry("5", .set, ["MONOCYTE"]))
        XCTAssertEqual(try FileManager.default.destinationOfSymbolicLink(atPath: folder + "/slide/labels.csv"), "../shared.csv")
        XCTAssertEqual(try bytes(folder + "/shared.csv"), ",Image,Category\r\n,0,NEUTROPHIL\r\n,5,MONOCYTE\r\n")
    }

    /// Defect 10: saving turned a mode-600 labels.csv into 644.
    func testSavingKeepsTheLabelFilesMode() throws {
        let path = folder + "/labels.csv"
        try write(",Image,Category\r\n", path)
        chmod(path, 0o600)
        let store = try ReviewStore(labelsPath: path, reviewer: "t")
        try store.record(entry("5", .set, ["MONOCYTE"]))
        XCTAssertEqual(try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int, 0o600)
        XCTAssertTrue(try bytes(path).contains(",5,MONOCYTE"))
    }

    /// Defect 11: killed between the journal write and the CSV rename, the two disagreed for good.
    func testOpeningReplaysJournalDecisionsTheLabelFileLacks() throws {
        let path = folder + "/labels.csv"
        let original = ",Image,Category\r\n,0,\"NEUTROPHIL,EOSINOPHIL\"\r\n,1,BASOPHIL\r\n,2,LYMPHOCYTE\r\n"
        try write(original, path)
        // 1 changed twice (the last wins), 2 undone to nothing, 7 new; 0 never mentioned.
        try write(try [entry("1", .set, ["MONOCYTE"]), entry("1", .set, ["EOSINOPHIL"]), entry("7", .set, ["MONOCYTE"]),
                       entry("2", .undo, [])].map(journalLine).joined(), folder + "/labels.journal.jsonl")
        let store = try ReviewStore(labelsPath: path, reviewer: "t")
        XCTAssertEqual(try bytes(path), ",Image,Category\r\n,0,\"NEUTROPHIL,EOSINOPHIL\"\r\n,1,EOSINOPHIL\r\n,7,MONOCYTE\r\n")
        XCTAssertEqual(store.labels.categories(forImage: "1"), ["EOSINOPHIL"])
        XCTAssertTrue(store.notes.contains { $0.contains("3 decision(s)") }, "\(store.notes)")
        // In agreement now: opening again writes nothing.
        withExtendedLifetime(store) {}
    }

    func testALabelFileThatAgreesWithTheJournalIsNotRewritten() throws {
        let path = folder + "/labels.csv"
        try write(",Image,Category\r\n,1,\"MONOCYTE\"\r\n", path)  // quoted: a rewrite would drop the quotes
        try write(try journalLine(entry("1", .set, ["MONOCYTE"])), folder + "/labels.journal.jsonl")
        let store = try ReviewStore(labelsPath: path, reviewer: "t")
        XCTAssertFalse(store.wroteLabels)
        XCTAssertEqual(try bytes(path), ",Image,Category\r\n,1,\"MONOCYTE\"\r\n")
    }

    /// Defect 12: on a full disk, "NOT SAVED" decisions were still journaled, a torn line was left,
    /// and the next entry glued onto it so the folder no longer opened.
    func testADecisionTheDiskRefusesLeavesNoJournalLine() throws {
        let path = folder + "/labels.csv"
        let journal = folder + "/labels.journal.jsonl"
        let room = Mutex(Int.max)  // bytes the "disk" still takes
        let store = try ReviewStore(labelsPath: path, reviewer: "t", journalWrite: { fd, buffer throws(Errno) in
            let n = room.withLock { r in min(r, buffer.count) }
            if n == 0 { throw Errno.noSpace }
            let written = Glibc.write(fd, buffer.baseAddress, n)
            room.withLock { $0 -= written }
            return written
        })
        try store.record(entry("1", .set, ["MONOCYTE"]))
        let before = try bytes(journal)
        room.withLock { $0 = 40 }  // the disk fills partway through the next line
        XCTAssertThrowsError(try store.record(entry("2", .set, ["BASOPHIL"]))) { error in
            guard case .notSaved? = error as? ReviewStoreError else { return XCTFail("\(error)") }
        }
        XCTAssertEqual(try bytes(journal), before, "the torn part was taken back")
        XCTAssertNil(store.labels.categories(forImage: "2"))
        XCTAssertThrowsError(try store.record(entry("3", .set, ["BASOPHIL"])))
        room.withLock { $0 = Int.max }  // space is back
        try store.record(entry("4", .set, ["LYMPHOCYTE"]))
        XCTAssertEqual(try Journal.read(path: journal).map(\.image), ["1", "4"])
        XCTAssertFalse(try bytes(path).contains(",2,"))
    }

    func testATornLastLineIsSkippedWithANoteAndTheNextEntryStartsOnItsOwnLine() throws {
        let journal = folder + "/labels.journal.jsonl"
        try write(try journalLine(entry("1", .set, ["MONOCYTE"])) + "{\"action\":\"set\",\"ima", journal)
        do {
            let store = try ReviewStore(labelsPath: folder + "/labels.csv", reviewer: "t")
            XCTAssertTrue(store.notes.contains { $0.contains("line 2 was cut short") }, "\(store.notes)")
            try store.record(entry("2", .set, ["BASOPHIL"]))
        }
        // The torn line is now in the middle, on a line of its own: still skipped, never glued.
        let reopened = try ReviewStore(labelsPath: folder + "/labels.csv", reviewer: "t")
        XCTAssertEqual(reopened.decidedByPerson, ["1", "2"])
        XCTAssertEqual(try Journal.read(path: journal).map(\.image), ["1", "2"])
        XCTAssertTrue(try bytes(journal).contains("\"ima\n{"))
    }

    func testAnEntryGluedOntoATornLineByAnOlderVersionIsRecovered() throws {
        let journal = folder + "/labels.journal.jsonl"
        try write("{\"action\":\"set\",\"ima" + (try journalLine(entry("2", .set, ["BASOPHIL"]))), journal)
        let contents = try Journal.contents(path: journal)
        XCTAssertEqual(contents.entries.map(\.image), ["2"])
        XCTAssertEqual(contents.notes.count, 1)
    }

    /// A newer version's event (a kind this one does not know) neither blocks the folder nor hides the
    /// decisions around it; a line that is no entry and no event is still damaged.
    func testAnEventOfAnUnknownKindIsSkippedWithANoteAndTheDecisionsCount() throws {
        let journal = folder + "/labels.journal.jsonl"
        let future = #"{"event":"slide-\u001b[31mstamped","reviewer":"x","text":"","time":"2027-01-01T00:00:00Z"}"# + "\n"
        try write(try journalLine(entry("1", .set, ["EOSINOPHIL"])) + future + (try journalLine(entry("2", .set, ["NEUTROPHIL"]))), journal)
        let contents = try Journal.contents(path: journal)
        XCTAssertEqual(contents.entries.map(\.image), ["1", "2"])
        XCTAssertEqual(contents.events, [])
        XCTAssertEqual(contents.notes.count, 1)
        XCTAssertTrue(contents.notes[0].hasPrefix("journal line 2 is an event this version does not know"), contents.notes[0])
        XCTAssertFalse(contents.notes[0].contains("\u{1b}"), "the kind is shown escaped")
        try write(try journalLine(entry("1", .set, ["EOSINOPHIL"])) + #"{"image":"3","event":"x"}"# + "\n", journal)
        XCTAssertThrowsError(try Journal.contents(path: journal), "a line with an image is an entry or damaged, never skipped")
    }

    /// Defect 13: each key rewrote and fsynced the whole labels.csv (176–222 ms at 1,000,000 rows).
    func testALargeLabelFileIsWrittenInBatchesAndOnFlush() throws {
        let path = folder + "/labels.csv"
        var text = ",Image,Category\r\n"
        for n in 0..<80_000 { text += ",\(n),NEUTROPHIL\r\n" }  // over 1 MB
        try write(text, path)
        let store = try ReviewStore(labelsPath: path, reviewer: "t")
        try store.record(entry("5", .set, ["MONOCYTE"]))
        XCTAssertEqual(try bytes(path), text, "not rewritten for one decision")
        XCTAssertEqual(try Journal.read(path: folder + "/labels.journal.jsonl").map(\.image), ["5"], "but journaled at once")
        try store.flush()
        XCTAssertTrue(try bytes(path).contains("\r\n,5,MONOCYTE\r\n"))
        for n in 0..<ReviewStore.batchDecisions { try store.record(entry(String(100 + n), .set, ["BASOPHIL"])) }
        XCTAssertTrue(try bytes(path).contains(",149,BASOPHIL"), "a full batch is written without a flush")
    }

    func testASmallLabelFileIsWrittenAtEachDecision() throws {
        let path = folder + "/labels.csv"
        let store = try ReviewStore(labelsPath: path, reviewer: "t")
        try store.record(entry("5", .set, ["MONOCYTE"]))
        XCTAssertEqual(try bytes(path), ",Image,Category\r\n,5,MONOCYTE\r\n")
    }

    /// Defect 19: opening and quitting without a decision left a lock file and an empty journal.
    func testLookingWithoutDecidingLeavesTheFolderAsItWas() throws {
        let path = folder + "/labels.csv"
        try write(",Image,Category\r\n", path)
        let store = try ReviewStore(labelsPath: path, reviewer: "alice")
        XCTAssertFalse(FileManager.default.fileExists(atPath: folder + "/labels.journal.jsonl"), "the journal waits for a decision")
        XCTAssertThrowsError(try ReviewStore(labelsPath: path, reviewer: "bob"), "still one reviewer at a time")
        try store.close()
        XCTAssertFalse(store.wroteLabels)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder), ["labels.csv"])
        XCTAssertEqual(try bytes(path), ",Image,Category\r\n")
    }

    func testAfterACleanCloseTheLockIsGoneAndTheFolderOpensAgain() throws {
        let path = folder + "/labels.csv"
        let first = try ReviewStore(labelsPath: path, reviewer: "alice")
        try first.record(entry("1", .set, ["MONOCYTE"]))
        try first.close()
        XCTAssertFalse(FileManager.default.fileExists(atPath: folder + "/.labels.csv.lock"))
        XCTAssertTrue(first.wroteLabels)
        // The closed store still holds its flock until released; a new opener gets a fresh lock file.
        let second = try ReviewStore(labelsPath: path, reviewer: "bob")
        XCTAssertEqual(second.decidedByPerson, ["1"])
        withExtendedLifetime(first) {}
    }

    /// Issue 13: `x` on a single label leaves the dataset's blank Category, and the journal says
    /// so, so that reopening (and an undo back to it) keeps the row rather than dropping it.
    func testABlankedLabelStaysARowWithABlankCategory() throws {
        let path = folder + "/labels.csv"
        try write(",Image,Category\r\n,0,\"NEUTROPHIL, EOSINOPHIL\"\r\n", path)
        do {
            let store = try ReviewStore(labelsPath: path, reviewer: "t")
            try store.record(entry("0", .remove, ["NEUTROPHIL"]))
            try store.record(JournalEntry(time: "2026-11-26T00:00:00Z", reviewer: "t", image: "0", imageHash: nil, model: "m",
                                          probabilities: nil, action: .remove, label: [], blank: true))
            XCTAssertEqual(try bytes(path), ",Image,Category\r\n,0,\r\n")
            try store.record(entry("0", .set, ["MONOCYTE"]))
            try store.record(JournalEntry(time: "2026-11-26T00:00:00Z", reviewer: "t", image: "0", imageHash: nil, model: "m",
                                          probabilities: nil, action: .undo, label: [], blank: true))
            XCTAssertEqual(try bytes(path), ",Image,Category\r\n,0,\r\n")
            XCTAssertEqual(store.decidedByPerson, ["0"])
        }
        let journal = try String(contentsOfFile: folder + "/labels.journal.jsonl", encoding: .utf8)
        XCTAssertEqual(journal.components(separatedBy: "\"blank\":true").count - 1, 2, "written only where true")
        // The CSV lost (a kill between the two writes): replay puts the blank row back, not nothing.
        try write(",Image,Category\r\n", path)
        let reopened = try ReviewStore(labelsPath: path, reviewer: "t")
        XCTAssertEqual(reopened.labels.categories(forImage: "0"), [])
        XCTAssertEqual(try bytes(path), ",Image,Category\r\n,0,\r\n")
        XCTAssertEqual(try LabelsFile(bytes: Array(try bytes(path).utf8)).categories(forImage: "0"), [])
    }

    /// Issue 22, item 3: two folders whose labels.csv link to one file; the second review was let in and
    /// its next save dropped the first's decision. The lock is the file's, beside what the links resolve to.
    func testTwoFoldersLinkedToOneLabelFileShareOneLock() throws {
        for slide in ["a", "b"] {
            try FileManager.default.createDirectory(atPath: folder + "/" + slide, withIntermediateDirectories: true)
            try FileManager.default.createSymbolicLink(atPath: folder + "/\(slide)/labels.csv", withDestinationPath: "../shared.csv")
        }
        try write(",Image,Category\r\n", folder + "/shared.csv")
        let first = try ReviewStore(labelsPath: folder + "/a/labels.csv", reviewer: "alice")
        XCTAssertThrowsError(try ReviewStore(labelsPath: folder + "/b/labels.csv", reviewer: "bob")) { error in
            guard case .locked(let holder) = error as? ReviewStoreError else { return XCTFail("\(error)") }
            XCTAssertTrue(holder.hasPrefix("alice, pid"), holder)
        }
        XCTAssertTrue(FileManager.default.fileExists(atPath: folder + "/.shared.csv.lock"))
        try first.close()
        XCTAssertNoThrow(try ReviewStore(labelsPath: folder + "/b/labels.csv", reviewer: "bob"))
    }

    /// Issue 22, item 8: with labels.csv at 0600 the journal (labels, names, probabilities) was made 0644.
    func testTheJournalAndTheLockTakeTheLabelFilesMode() throws {
        let path = folder + "/labels.csv"
        try write(",Image,Category\r\n", path)
        chmod(path, 0o600)
        try write("", folder + "/labels.journal.jsonl")  // one an older version made
        chmod(folder + "/labels.journal.jsonl", 0o644)
        let store = try ReviewStore(labelsPath: path, reviewer: "t")
        func mode(_ p: String) throws -> Int? { try FileManager.default.attributesOfItem(atPath: p)[.posixPermissions] as? Int }
        XCTAssertEqual(try mode(folder + "/.labels.csv.lock"), 0o600)
        try store.record(entry("5", .set, ["MONOCYTE"]))
        XCTAssertEqual(try mode(folder + "/labels.journal.jsonl"), 0o600)
        XCTAssertEqual(try mode(path), 0o600)
        try store.close()
    }

    // MARK: labels.csv changed by another program (issue 22, item 4)

    /// A decision as the review writes it: the first on an image records the row it replaces.
    func decided(_ image: String, _ label: [String], before: [String]?? = .none) -> JournalEntry {
        var e = entry(image, .set, label)
        if case .some(let row) = before { e.before = JournalEntry.Before(row: row) }
        return e
    }

    /// Edited while the folder was closed: the edit is another program's label, kept (and said);
    /// a row that merely lacks a decision (it holds the label from before it) still gets it back.
    func testAnEditMadeWhileTheFolderWasClosedIsKeptAndALostSaveStillReplayed() throws {
        let path = folder + "/labels.csv"
        try write(",Image,Category\r\n,1,NEUTROPHIL\r\n,2,NEUTROPHIL\r\n", path)
        try write(try [decided("1", ["LYMPHOCYTE"], before: ["NEUTROPHIL"]), decided("2", ["MONOCYTE"], before: ["NEUTROPHIL"]),
                       decided("3", ["BASOPHIL"], before: .some(nil))].map(journalLine).joined(), folder + "/labels.journal.jsonl")
        // The spreadsheet set 1 to EOSINOPHIL; 2 and 3 never reached the file (a save cut short).
        try write(",Image,Category\r\n,1,EOSINOPHIL\r\n,2,NEUTROPHIL\r\n", path)
        let store = try ReviewStore(labelsPath: path, reviewer: "t")
        XCTAssertEqual(try bytes(path), ",Image,Category\r\n,1,EOSINOPHIL\r\n,2,MONOCYTE\r\n,3,BASOPHIL\r\n")
        XCTAssertTrue(store.notes.contains { $0.contains("2 decision(s) from the journal were missing") }, "\(store.notes)")
        XCTAssertTrue(store.notes.contains { $0.contains("was changed by another program after your decision on image 1: its label is kept") },
                      "\(store.notes)")
        XCTAssertEqual(store.decidedByPerson, ["2", "3"], "1 holds the other program's label")
        // The next decision on 1 records the row it replaces, so a save of it cut short is told from an edit.
        try store.record(entry("1", .set, ["MONOCYTE"]))
        XCTAssertEqual(try Journal.read(path: folder + "/labels.journal.jsonl").last?.before, JournalEntry.Before(row: ["EOSINOPHIL"]))
        try write(",Image,Category\r\n,1,EOSINOPHIL\r\n,2,MONOCYTE\r\n,3,BASOPHIL\r\n", path)  // that save lost
        try store.close()
        let reopened = try ReviewStore(labelsPath: path, reviewer: "t")
        XCTAssertEqual(reopened.labels.categories(forImage: "1"), ["MONOCYTE"])
    }

    /// Edited during the review: the next decision keeps the edit (another image's new row, and a
    /// decided image the program set anew), puts back a decision an older copy dropped, and says so.
    func testAnEditMadeDuringTheReviewIsKeptAndTheDecisionsAddedToIt() throws {
        let path = folder + "/labels.csv"
        try write(",Image,Category\r\n,1,NEUTROPHIL\r\n,2,NEUTROPHIL\r\n", path)
        let store = try ReviewStore(labelsPath: path, reviewer: "t")
        try store.record(decided("1", ["LYMPHOCYTE"], before: ["NEUTROPHIL"]))
        try store.record(decided("2", ["MONOCYTE"], before: ["NEUTROPHIL"]))
        XCTAssertNil(store.takeOutsideChange())
        // A script that read the file before decision 2: 2 back to NEUTROPHIL, 1 set anew, row 9 added.
        try Data(",Image,Category\r\n,1,EOSINOPHIL\r\n,2,NEUTROPHIL\r\n,9,BASOPHIL\r\n".utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
        try store.record(decided("4", ["MONOCYTE"], before: .some(nil)))
        XCTAssertEqual(try bytes(path), ",Image,Category\r\n,1,EOSINOPHIL\r\n,2,MONOCYTE\r\n,9,BASOPHIL\r\n,4,MONOCYTE\r\n")
        let change = try XCTUnwrap(store.takeOutsideChange())
        XCTAssertEqual(change.rows, ["1": ["EOSINOPHIL"], "9": ["BASOPHIL"]])
        XCTAssertTrue(change.message.contains("changed by another program during the review; its changes are kept"), change.message)
        XCTAssertNil(store.takeOutsideChange(), "said once")
        try store.close()
    }

    /// A change that leaves the file unreadable is never overwritten; the decisions wait in the journal.
    func testAFileChangedIntoSomethingUnreadableIsNotOverwritten() throws {
        let path = folder + "/labels.csv"
        let store = try ReviewStore(labelsPath: path, reviewer: "t")
        try store.record(decided("1", ["LYMPHOCYTE"], before: .some(nil)))
        try Data("not,a labels file\n".utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
        let warning = try store.record(decided("2", ["MONOCYTE"], before: .some(nil)))
        XCTAssertTrue(warning?.contains("changed by another program and cannot be read now") == true, warning ?? "no warning")
        XCTAssertEqual(try bytes(path), "not,a labels file\n")
        XCTAssertThrowsError(try store.flush())
        try Data(",Image,Category\r\n,7,EOSINOPHIL\r\n".utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
        try store.flush()
        XCTAssertEqual(try bytes(path), ",Image,Category\r\n,7,EOSINOPHIL\r\n,1,LYMPHOCYTE\r\n,2,MONOCYTE\r\n")
    }
}

import HematoFiles
import Synchronization
