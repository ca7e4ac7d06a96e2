import XCTest
import HematoAdapt
@testable import HematoReview

/// Issue 21: trust by measurement. The blind calls' agreement with its Wilson interval, open calls
/// apart, undone slips not counted; the blind calibration's sampling and its run through the
/// session; the question `A` asks while the measurement does not vouch for the model.
final class TrustTests: XCTestCase {
    let labels = ["EOSINOPHIL", "LYMPHOCYTE", "MONOCYTE", "NEUTROPHIL"]
    let neutrophil = ModelOpinion.predicted(probabilities: [0.1, 0.1, 0.1, 0.7], imageHash: "h")

    func names(_ n: Int) -> [String] { (1...n).map { String(format: "BloodImage_%05d.jpg", $0) } }

    func classified(_ n: Int, blind: Bool = false) -> ReviewSession {
        var s = ReviewSession(names: names(n), modelLabels: labels)
        s.blind = blind
        for i in 0..<n { s = s.reduce(.opinion(index: i, neutrophil)).0 }
        return s
    }

    // MARK: the trust line

    func testTheTrustLineGivesTheBlindCallsWithTheirWilsonInterval() {
        var s = classified(30, blind: true)
        XCTAssertEqual(s.trust.sentence, "model on this lab: not measured yet (no blind calls)")
        for n in 0..<24 { s = s.reduce(.set(n < 17 ? "NEUTROPHIL" : "LYMPHOCYTE")).0 }
        XCTAssertEqual(s.trust.blindCalls, .init(agreed: 17, calls: 24))
        // Wilson 1927 for 17 of 24: 0.508 to 0.851 (worked by hand; AgreementStatisticsTests checks the method).
        XCTAssertEqual(s.trust.sentence, "model on this lab: 17 of 24 blind calls agree, 71% (95% CI 51–85%)")
        XCTAssertNil(s.trust.openSentence, "no call was made with the answer showing")
        // Back on a decided image the answer shows: a new decision there is an open call, and replaces the blind one.
        s = s.reduce(.previous).0.reduce(.set("NEUTROPHIL")).0
        XCTAssertEqual(s.trust.blindCalls, .init(agreed: 17, calls: 23))
        XCTAssertEqual(s.trust.openSentence, "open calls: 1 of 1 agree")
    }

    func testAnUndoneSlipIsNotCountedAndAnImageCountsOnce() {
        var s = classified(5)
        s = s.reduce(.set("LYMPHOCYTE")).0       // a slip
        XCTAssertEqual(s.trust.openCalls, .init(agreed: 0, calls: 1))
        s = s.reduce(.undo).0
        XCTAssertEqual(s.trust.openCalls, .init(), "the undone slip is no call")
        s = s.reduce(.accept).0.reduce(.previous).0.reduce(.accept).0
        XCTAssertEqual(s.trust.openCalls, .init(agreed: 1, calls: 1), "confirming an image again is the same call")
    }

    func testCallsOfEarlierSittingsAreCountedFromTheJournalAsReportCountsThem() {
        func entry(_ image: String, _ label: String, _ action: JournalEntry.Action = .set, mode: JournalEntry.Mode = .blind) -> JournalEntry {
            JournalEntry(time: "t", reviewer: "r", image: image, imageHash: nil, model: "m",
                         probabilities: ["NEUTROPHIL": 0.7, "LYMPHOCYTE": 0.1, "MONOCYTE": 0.1, "EOSINOPHIL": 0.1],
                         action: action, label: [label], mode: mode)
        }
        let journal = [entry("1", "NEUTROPHIL"), entry("2", "LYMPHOCYTE"), entry("3", "NEUTROPHIL", mode: .open),
                       entry("4", "NEUTROPHIL"), entry("4", "NEUTROPHIL", .undo, mode: .open)]
        var s = classified(5)
        s.seedTrust(fromJournal: journal.map(ReviewSession.JournalStep.init))
        XCTAssertEqual(s.trust.blindCalls, .init(agreed: 1, calls: 2))
        XCTAssertEqual(s.trust.openCalls, .init(agreed: 1, calls: 1))
        let report = ReviewReport(imageKeys: s.keys, labels: LabelsFile(), journal: journal)
        let blind = report.agreementByMode[.blind]!.matrix
        XCTAssertEqual(ReviewSession.Trust.Tally(agreed: blind.agreed, calls: blind.total), s.trust.blindCalls, "the report's blind figures")
    }

    // MARK: sampling

    func testTheCallsAreStratifiedInProportionToThePredictedClasses() {
        let items = (0..<100).map { (image: $0, predicted: $0 < 50 ? 0 : $0 < 80 ? 1 : 2) }
        var g = SeededRandom(seed: 7)
        let calls = Calibration.stratifiedSample(items, count: 24, using: &g)
        XCTAssertEqual(calls.count, 24)
        XCTAssertEqual(Set(calls).count, 24, "no image twice")
        // 24 × (0.5, 0.3, 0.2) = 12, 7.2, 4.8: the largest remainder takes the last call.
        XCTAssertEqual(calls.filter { $0 < 50 }.count, 12)
        XCTAssertEqual(calls.filter { (50..<80).contains($0) }.count, 7)
        XCTAssertEqual(calls.filter { $0 >= 80 }.count, 5)
        var same = SeededRandom(seed: 7), other = SeededRandom(seed: 8)
        XCTAssertEqual(Calibration.stratifiedSample(items, count: 24, using: &same), calls, "a seed gives the same calls")
        XCTAssertNotEqual(Calibration.stratifiedSample(items, count: 24, using: &other), calls)
        XCTAssertNotEqual(calls, calls.sorted(), "shown in random order, not class by class")
        var few = SeededRandom(seed: 1)
        XCTAssertEqual(Set(Calibration.stratifiedSample(Array(items.prefix(5)), count: 24, using: &few)), Set(0..<5), "a small folder: all of it")
    }

    // MARK: calibration in the session

    func testACalibrationShowsItsCallsBlindThenTheWholeFolder() throws {
        var s = ReviewSession(names: names(200), modelLabels: labels)
        s.startCalibration(count: 4, seed: 3, reason: "The model has not been measured on this lab.")
        let c = try XCTUnwrap(s.calibration)
        XCTAssertEqual(c.phase, .sampling)
        XCTAssertEqual(c.candidates.count, 16, "four candidates a call")
        XCTAssertEqual(s.queue, c.candidates, "the candidates are classified first")
        XCTAssertTrue(s.blind)
        XCTAssertEqual(s.message, "The model has not been measured on this lab. Calibration: 4 blind calls (C skips).")
        for i in c.candidates { s = s.reduce(.opinion(index: i, neutrophil)).0 }
        let calls = try XCTUnwrap(s.calibration?.calls)
        XCTAssertEqual(s.calibration?.phase, .calling)
        XCTAssertEqual(calls.count, 4)
        XCTAssertEqual(s.queue, calls)
        XCTAssertTrue(s.hidesPrediction(calls[0]))
        XCTAssertNotNil(s.reduce(.toggleGallery).0.message?.hasPrefix("Blind review:"), "the gallery would tell the answers")
        var decisions: [Decision] = []
        for k in 0..<4 {
            XCTAssertTrue(s.calibrating)
            XCTAssertEqual(s.mode(of: Decision(index: s.current!, image: "", action: .set, label: [], opinion: nil)), .blind)
            let (next, d) = s.reduce(.set(k == 0 ? "LYMPHOCYTE" : "NEUTROPHIL"))
            decisions.append(try XCTUnwrap(d))
            s = next
        }
        XCTAssertEqual(Set(decisions.map(\.index)), Set(calls))
        XCTAssertEqual(s.calibration?.phase, .done)
        XCTAssertFalse(s.blind, "blind review ends with the calibration")
        XCTAssertEqual(s.queue.count, 200)
        XCTAssertTrue(s.trust.calls.values.allSatisfy { $0.calibration && $0.blind })
        XCTAssertEqual(s.message, "Calibration done: model on this lab: 3 of 4 blind calls agree, 75% (95% CI 30–95%).")
        XCTAssertNil(s.labels[s.current!], "on to an image without a label")
    }

    /// The calls open at the first one, even when the image on screen while they were drawn is one of
    /// them further on (CI's tmux run opened at "Image 2 of 4").
    func testTheCallsOpenAtTheFirstWhateverImageShowedWhileTheyWereDrawn() throws {
        func started() -> ReviewSession {
            var s = ReviewSession(names: names(200), modelLabels: labels)
            s.startCalibration(count: 4, seed: 3, reason: "")
            return s
        }
        var probe = started()
        for i in probe.calibration!.candidates { probe = probe.reduce(.opinion(index: i, neutrophil)).0 }
        let calls = try XCTUnwrap(probe.calibration?.calls)
        var s = started()
        s.move(to: try XCTUnwrap(s.queue.firstIndex(of: calls[2])))  // looking at what will be the third call
        for i in s.calibration!.candidates { s = s.reduce(.opinion(index: i, neutrophil)).0 }
        XCTAssertEqual(s.queue, calls)
        XCTAssertEqual(s.current, calls[0], "the calls start at the first")
    }

    func testCSkipsTheCalibrationAndStartsOne() throws {
        var s = classified(200)
        s.startCalibration(count: 4, seed: 3, reason: "")
        XCTAssertEqual(s.calibration?.phase, .calling, "every candidate was classified already")
        s = s.reduce(.set("NEUTROPHIL")).0.reduce(.toggleCalibration).0
        XCTAssertEqual(s.calibration?.phase, .skipped)
        XCTAssertFalse(s.blind)
        XCTAssertEqual(s.queue.count, 200)
        XCTAssertEqual(s.message, "Calibration skipped: model on this lab: 1 of 1 blind calls agree, 100% (95% CI 21–100%).")
        s = s.reduce(.toggleCalibration).0
        XCTAssertEqual(s.calibration?.phase, .calling)
        XCTAssertEqual(s.calibration?.calls.count, 4)
        XCTAssertFalse(s.calibration!.calls.contains { s.labels[$0] != nil }, "a new calibration calls images without a label")
    }

    func testASmallFolderIsOfferedACalibrationUnlessTheShiftCheckWarns() {
        var s = classified(16)
        s.startCalibration(count: 24, seed: 1, reason: "The model has not been measured on this lab.", offerOnly: true)
        XCTAssertEqual(s.calibration?.phase, .offered)
        XCTAssertFalse(s.blind)
        XCTAssertEqual(s.queue, Array(0..<16), "the folder opens as before")
        XCTAssertEqual(s.message, "The model has not been measured on this lab. C starts 24 blind calls to measure the model here.")
        var quiet = s
        quiet.shiftKnown(warning: false, labMatch: nil)
        XCTAssertEqual(quiet.calibration?.phase, .offered)
        s.shiftKnown(warning: true, labMatch: nil)
        XCTAssertEqual(s.calibration?.phase, .calling)
        XCTAssertTrue(s.blind)
        XCTAssertEqual(s.message, "These images do not look like the model's training images. Calibration: 24 blind calls (C skips).")
    }

    func testAFolderThatMatchesItsLabOpensWithTheLabsCallsAndNoNewOnes() {
        var s = ReviewSession(names: names(200), modelLabels: labels)
        s.startCalibration(count: 24, seed: 1, reason: "")
        s.shiftKnown(warning: false, labMatch: (.init(agreed: 22, calls: 24), "Lab ward-7: these images look like its earlier folders; no new blind calls."))
        XCTAssertEqual(s.calibration?.phase, .done)
        XCTAssertFalse(s.blind)
        XCTAssertEqual(s.queue.count, 200)
        XCTAssertEqual(s.trust.blindCalls, .init(agreed: 22, calls: 24))
        XCTAssertEqual(s.message, "Lab ward-7: these images look like its earlier folders; no new blind calls.")
        XCTAssertEqual(s.trust.sentence, "model on this lab: 22 of 24 blind calls agree (24 from earlier folders), 92% (95% CI 74–98%)")
    }

    func testLabsMatchOnTheirShiftScores() {
        XCTAssertTrue(Lab.matches(shift: 1.3, measured: [1.2, 1.25, 1.4]))
        XCTAssertFalse(Lab.matches(shift: 1.8, measured: [1.2, 1.25, 1.4]))
        XCTAssertFalse(Lab.matches(shift: 1.2, measured: []), "a lab that measured nothing matches nothing")
    }

    // MARK: A asks

    /// The gallery at its first page with images still to decide (it opens at page 1, which the calls
    /// made before it may have decided whole).
    func gallery(_ s: ReviewSession) -> ReviewSession {
        var g = s.run([.toggleGallery, .galleryLayout(columns: 4, rows: 2)]).0
        while g.pageAcceptances.isEmpty, let page = g.gallery?.page {
            g = g.reduce(.nextPage).0
            if g.gallery?.page == page { break }
        }
        return g
    }

    func testAAsksWhileTheBlindAgreementIsLowAndNAcceptsNothing() throws {
        var s = classified(40, blind: true)
        for n in 0..<24 { s = s.reduce(.set(n < 17 ? "NEUTROPHIL" : "LYMPHOCYTE")).0 }
        s.blind = false
        s = gallery(s)
        XCTAssertEqual(s.acceptPageQuestion, "Model agreed on 71% of 24 blind calls here; accept 8 images anyway? y/N")
        var saved: [Decision] = []
        let asked = s.acceptingPage { saved.append($0) }
        XCTAssertEqual(asked.saved, 0)
        XCTAssertTrue(saved.isEmpty)
        XCTAssertEqual(asked.session.question, s.acceptPageQuestion)
        XCTAssertEqual(asked.session.message, s.acceptPageQuestion)
        let no = asked.session.reduce(.answer(false)).0
        XCTAssertNil(no.question)
        XCTAssertEqual(no.message, "Nothing accepted.")
        XCTAssertEqual(no.labels, s.labels, "n accepts nothing")
        XCTAssertEqual(no.gallery?.page, s.gallery?.page)
        let yes = asked.session.reduce(.answer(true)).0.acceptingPage(confirmed: true) { saved.append($0) }
        XCTAssertEqual(yes.saved, 8)
    }

    func testAAcceptsWithoutAskingOnlyOnTwentyBlindCallsAtNinetyPercent() {
        func asks(agreed: Int, calls: Int) -> Bool {
            var s = classified(60, blind: true)
            for n in 0..<calls { s = s.reduce(.set(n < agreed ? "NEUTROPHIL" : "LYMPHOCYTE")).0 }
            s.blind = false
            return gallery(s).acceptPageQuestion != nil
        }
        XCTAssertFalse(asks(agreed: 20, calls: 20))
        XCTAssertFalse(asks(agreed: 18, calls: 20), "90 % exactly")
        XCTAssertTrue(asks(agreed: 17, calls: 20))
        XCTAssertTrue(asks(agreed: 19, calls: 19), "fewer than 20 calls")
        XCTAssertEqual(gallery(classified(10)).acceptPageQuestion, "No blind calls yet (C calibrates); accept 8 images anyway? y/N")
    }
}

/// `evaluate --calibrate`'s played calibration on made-up features: the calls are drawn as review
/// draws them, the agreement is the prior's on them, and the accuracy on the rest is scored apart.
final class CalibrationTrialTests: XCTestCase {
    func testTheTrialComparesTheCallsAgreementWithTheAccuracyOnTheRest() {
        // Two classes, the feature says which; the head is right on class 0 and guesses class 0 for class 1
        // a third of the time (feature 0.4), so it is right on about 5/6 of images.
        var features: [[Float]] = [], truth: [Int] = []
        for i in 0..<300 {
            let k = i % 2
            truth.append(k)
            features.append(k == 0 ? [1, 0] : (i % 3 == 0 ? [0.6, 0.4] : [0, 1]))
        }
        let head = LinearHead(classes: 2, dimensions: 2, weights: [4, 0, 0, 4], bias: [0, 0], temperature: 1)
        let t = CalibrationTrial(features: features, truth: truth, prior: head, calls: 24, seed: 5, adapt: false)
        XCTAssertEqual(t.calls.count, 24)
        XCTAssertEqual(Set(t.calls).count, 24)
        XCTAssertEqual(t.rest.count, 276)
        XCTAssertTrue(Set(t.calls).isDisjoint(with: t.rest))
        let right = { (i: Int) in !(truth[i] == 1 && i % 3 == 0) }
        XCTAssertEqual(t.agreement.agreed, t.calls.filter(right).count)
        XCTAssertEqual(t.accuracyRestBefore, Double(t.rest.filter(right).count) / 276, accuracy: 1e-12)
        XCTAssertNil(t.accuracyRestAfter)
        XCTAssertEqual(t.acceptPageAllowed, t.agreement.agreed * 10 >= 24 * 9)
        let again = CalibrationTrial(features: features, truth: truth, prior: head, calls: 24, seed: 5, adapt: false)
        XCTAssertEqual(again.calls, t.calls, "a seed gives the same calls")
    }
}

/// Issue 21 item 6: the folder's estimate, marked as one, corrects the model's answers on the
/// unreviewed images by the confusion the blind calls measured.
final class FolderEstimateTests: XCTestCase {
    let classes = ["LYMPHOCYTE", "NEUTROPHIL"]

    func testTheModelsAnswersAreCorrectedByTheMeasuredConfusion() throws {
        // The model calls 100 unreviewed images LYMPHOCYTE; of 9 blind calls it made LYMPHOCYTE, the reviewer
        // said NEUTROPHIL 5 times: with the pseudo-call, 4+1 of 10 are lymphocytes.
        let calls = Array(repeating: (label: "LYMPHOCYTE", model: "LYMPHOCYTE"), count: 4)
            + Array(repeating: (label: "NEUTROPHIL", model: "LYMPHOCYTE"), count: 5)
        let e = FolderEstimate(reviewed: [["NEUTROPHIL"], ["NEUTROPHIL", "LYMPHOCYTE"]], unreviewed: Array(repeating: "LYMPHOCYTE", count: 100),
                               calls: calls, classes: classes)
        XCTAssertEqual(e.cells, 103)
        let lym = try XCTUnwrap(e.rows.first { $0.name == "LYMPHOCYTE" })
        XCTAssertEqual(lym.cells, 1 + 100 * 0.5, accuracy: 1e-9)
        XCTAssertEqual(lym.share, 51 / 103, accuracy: 1e-9)
        // sd = sqrt(100² · 0.25 / 11 + 100 · 0.25) = 15.8 cells: ± 30 % of 103.
        let half = 1.959963984540054 * (10_000 * 0.25 / 11 + 25).squareRoot() / 103
        XCTAssertEqual(lym.upper - lym.share, half, accuracy: 1e-9)
        XCTAssertEqual(e.rows.map(\.cells).reduce(0, +), 103, accuracy: 1e-9, "every cell is somewhere")
    }

    /// Without blind calls the model's answers stand as the estimate, but nothing vouches for them:
    /// each class's interval runs from the reviewed labels alone to every unreviewed image.
    func testWithoutCallsTheModelsAnswersStandAndTheIntervalAdmitsAnything() {
        let e = FolderEstimate(reviewed: [["NEUTROPHIL"]], unreviewed: ["LYMPHOCYTE", "LYMPHOCYTE", "NEUTROPHIL"], calls: [], classes: classes)
        XCTAssertEqual(e.rows.map(\.cells), [2, 2])
        XCTAssertEqual(e.rows.map(\.lower), [0, 0.25], "NEUTROPHIL: at least the one reviewed")
        XCTAssertEqual(e.rows.map(\.upper), [0.75, 1])
        XCTAssertEqual(e.untested, 3)
        XCTAssertEqual(e.calls, 0)
    }
}
