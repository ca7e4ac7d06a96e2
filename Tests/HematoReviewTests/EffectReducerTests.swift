import XCTest
import HematoAdapt
@testable import HematoReview

/// The one reducer with its effects: a key is decided by what is open, each decision asks to be
/// saved (and the lab's head refitted), and what the app reports back is worded here.
final class EffectReducerTests: XCTestCase {
    let labels = ["EOSINOPHIL", "LYMPHOCYTE", "MONOCYTE", "NEUTROPHIL"]

    func session(_ n: Int = 20) -> ReviewSession {
        var s = ReviewSession(names: (1...n).map { String(format: "BloodImage_%05d.jpg", $0) }, modelLabels: labels)
        for i in 0..<n { s = s.reduce(.opinion(index: i, .predicted(probabilities: [0.1, 0.1, 0.1, 0.7], imageHash: "h\(i)"))).0 }
        return s
    }

    func key(_ label: String, _ command: ReviewAction?, promptEdit: ReviewAction? = nil, helpStep: Int? = nil, helpPages: Int = 1,
             yes: Bool = false, interrupts: Bool = false, overridesModes: Bool = false) -> ReviewAction {
        .key(KeyPress(label: label, command: command, promptEdit: promptEdit, helpStep: helpStep, helpPages: helpPages, yes: yes,
                      interrupts: interrupts, overridesModes: overridesModes))
    }

    func testADecisionAsksToBeSavedAndRefittedAndTheReviewerMoves() throws {
        var s = session()
        let effects: [Effect] = s.reduce(key("n", .set("NEUTROPHIL")))
        let decision = try XCTUnwrap(effects.first { if case .save = $0 { true } else { false } })
        guard case .save(let d) = decision else { return XCTFail() }
        XCTAssertEqual(d.index, 0)
        XCTAssertEqual(d.label, ["NEUTROPHIL"])
        XCTAssertEqual(effects.dropFirst(), [.refit, .classifyAhead])
        XCTAssertEqual(s.position, 1)
        XCTAssertTrue(Effect.save(d).persists)
        XCTAssertFalse(Effect.refit.persists)
    }

    func testAnUnboundKeyIsSaidAndChangesNothingElse() {
        var s = session()
        let before = s
        XCTAssertEqual(s.reduce(key("F5", nil)), [])
        XCTAssertEqual(s.message, "F5 does nothing here; ? lists the keys.")
        s.message = nil
        XCTAssertEqual(s, before)
    }

    func testAnOpenPromptTakesKeysAsTextButCtrlCStillQuits() {
        var s = session()
        s.send(key("g", .openPrompt(.goTo)))
        XCTAssertEqual(s.reduce(key("q", .quit, promptEdit: .promptType("q"))), [.classifyAhead])
        XCTAssertFalse(s.finished, "q is a letter while the prompt is open")
        XCTAssertEqual(s.message, "Digits only; Enter goes, Esc cancels.")
        s.send(key("1", nil, promptEdit: .promptType("1")))
        s.send(key("5", nil, promptEdit: .promptType("5")))
        s.send(key("Enter", .accept, promptEdit: .promptSubmit))
        XCTAssertEqual(s.position, 14)
        XCTAssertNil(s.prompt)
        s.send(key("g", .openPrompt(.goTo)))
        XCTAssertEqual(s.reduce(key("Ctrl-C", .quit, promptEdit: nil, interrupts: true, overridesModes: true)), [.quit(interrupted: true)])
        XCTAssertTrue(s.finished)
    }

    func testTheHelpTurnsItsPagesWhereThereAreAndAnyOtherKeyClosesIt() {
        var s = session()
        s.send(key("?", .toggleHelp))
        XCTAssertTrue(s.showingHelp)
        s.send(key("→", nil, helpStep: 1, helpPages: 2))
        XCTAssertEqual(s.helpPage, 1)
        s.send(key("→", nil, helpStep: 1, helpPages: 2))
        XCTAssertFalse(s.showingHelp, "no page to turn to: the key closes the help")
        s.send(key("?", .toggleHelp))
        s.send(key("n", .set("NEUTROPHIL")))
        XCTAssertFalse(s.showingHelp)
        XCTAssertNil(s.labels[0], "a command key closes the help and does nothing else")
        s.send(key("?", .toggleHelp))
        XCTAssertEqual(s.reduce(key("q", .quit)), [.classifyAhead], "q closes the help")
        XCTAssertFalse(s.showingHelp)
        XCTAssertFalse(s.finished)
        s.send(key("?", .toggleHelp))
        XCTAssertEqual(s.reduce(key("Ctrl-C", .quit, interrupts: true, overridesModes: true)), [.quit(interrupted: true)], "Ctrl-C quits from the help")
    }

    func testSuspendChangesNothing() {
        var s = session()
        s.send(.notify("kept", unlessBusy: false))
        let before = s
        let effects: [Effect] = s.reduce(key("Ctrl-Z", .suspend, overridesModes: true))
        XCTAssertEqual(effects.first, .suspend)
        XCTAssertEqual(s, before)
    }

    func testAPasteIsNeverACommand() {
        var s = session()
        XCTAssertEqual(s.reduce(.paste("nnnn", count: 4)), [])
        XCTAssertNil(s.labels[0])
        XCTAssertEqual(s.message, "Pasted text ignored (4 keys at once, faster than typing): keys here are commands; press them one at a time.")
        s.send(.openPrompt(.search))
        s.send(.paste("00012\n", count: 6))
        XCTAssertEqual(s.prompt?.text, "00012", "into an open prompt as text; the line break does not submit")
    }

    func testAPageIsAcceptedAsASeriesAfterTheQuestion() throws {
        var s = session()
        s.send(.toggleGallery)
        s.send(.galleryLayout(columns: 2, rows: 2))
        let asked: [Effect] = s.reduce(key("A", .acceptPage))
        let question = try XCTUnwrap(s.question)
        XCTAssertEqual(asked, [.note(.acceptPageAsked, question), .classifyAhead])
        let answered: [Effect] = s.reduce(key("y", .accept, yes: true))
        XCTAssertNil(s.question)
        let steps = (0..<4).map { ReviewAction.acceptImage($0) }
        XCTAssertEqual(answered, [.note(.acceptPageAnswered, "y"), .acceptEach(steps)])
        var saved: [Int] = []
        let outcome = s.acceptEach(steps) { saved.append($0.index) }
        XCTAssertEqual(saved, [0, 1, 2, 3])
        XCTAssertEqual(outcome.effects, [.refit], "one refit for the page, not one a step")
        XCTAssertEqual(s.gallery?.page, 1)
        // Any other key answers no, and nothing is saved.
        s.send(key("A", .acceptPage))
        XCTAssertEqual(s.reduce(key("x", nil)), [.note(.acceptPageAnswered, "n")])
        XCTAssertEqual(s.message, "Nothing accepted.")
    }

    func testTheGalleryIsAModeThatTakesTheMovesAndFKeys() throws {
        var s = session(6)
        s.send(.toggleGallery)
        s.send(.galleryLayout(columns: 2, rows: 1))
        s.send(.next)
        XCTAssertEqual(s.gallery?.cursor, 1, "next moves the gallery's cursor")
        XCTAssertEqual(s.position, 0, "not the single view's place")
        s.send(.cycleFilter)
        XCTAssertEqual(s.gallery?.predicted, "NEUTROPHIL")
        XCTAssertEqual(s.message, "No other class has images yet.")
        s.send(.openPrompt(.goTo))
        XCTAssertNil(s.prompt)
        XCTAssertEqual(s.message, "In the gallery f changes the class; g, / and F work in the single view (v).")
        s.send(.cancel)
        XCTAssertNil(s.gallery)
        s.send(.nextPage)
        XCTAssertEqual(s.message, "Pages are the gallery's: v opens it.")
    }

    func testASaveThatFailedIsSaidForWhatItWas() {
        var s = session()
        let d = Decision(index: 0, image: "1", action: .set, label: ["MONOCYTE"], opinion: nil)
        XCTAssertEqual(s.reduce(.saveFailed(.save(d), reason: "disk full", saved: 0)), [])
        XCTAssertEqual(s.message, "NOT SAVED: disk full. Fix the problem (or quit and use --output) and try again.")
        s.send(.saveFailed(.saveSlide(.unflag(index: 0)), reason: "disk full", saved: 0))
        XCTAssertEqual(s.message, "NOT SAVED: disk full. Fix the problem and try again.")
        s.send(.saveFailed(.note(.calibrationSkipped, ""), reason: "disk full", saved: 0))
        XCTAssertEqual(s.message, "NOT SAVED in the journal: disk full.")
        XCTAssertNil(s.labels[0])
    }

    func testSkippingACalibrationIsJournaled() {
        var s = ReviewSession(names: (1...40).map { "\($0).png" }, modelLabels: labels)
        s.startCalibration(count: 2, seed: 1, reason: "")
        XCTAssertTrue(s.calibrating)
        XCTAssertEqual(s.reduce(.toggleCalibration), [.note(.calibrationSkipped, "skipped after 0 blind call(s)")])
        XCTAssertFalse(s.calibrating)
    }

    func testAShiftLikeTheLabsEarlierFoldersCarriesItsCalls() {
        var s = ReviewSession(names: (1...40).map { "\($0).png" }, modelLabels: labels)
        s.labTrust = .init(name: "north", carried: .init(agreed: 19, calls: 20), shifts: [1.0, 1.1, 1.2])
        s.startCalibration(count: 2, seed: 1, reason: "")
        s.send(.folderLooked(FolderLook(features: ShiftAssessment(score: 1.1, threshold: 3, images: 16), stain: nil)))
        XCTAssertEqual(s.trust.shiftScore, 1.1)
        XCTAssertEqual(s.trust.carried, .init(agreed: 19, calls: 20))
        XCTAssertFalse(s.calibrating, "no new blind calls")
        XCTAssertEqual(s.message, "Lab north: these images look like its earlier folders; no new blind calls.")
        s.send(.folderLooked(FolderLook(features: ShiftAssessment(score: 9, threshold: 3, images: 16), stain: nil)))
        XCTAssertEqual(s.trust.shiftScore, 1.1, "the first score stands")
    }
}

extension ReviewSession {
    /// The effect-returning reducer where the effects are not looked at.
    @discardableResult
    mutating func send(_ action: ReviewAction) -> [Effect] { reduce(action) }
}
