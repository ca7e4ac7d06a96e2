import XCTest
@testable import HematoReview

/// Sign-off in the reducer: S asks, y and Enter sign; a signed-off slide refuses every change.
final class SlideSignOffTests: XCTestCase {
    let labels = ["EOSINOPHIL", "LYMPHOCYTE", "MONOCYTE", "NEUTROPHIL"]
    let names = ["BloodImage_00001.jpg", "BloodImage_00002.jpg", "BloodImage_00003.jpg"]

    func testSAsksAndOnlyYSigns() {
        var s = ReviewSession(names: names, modelLabels: labels)
        s.target = 5
        let (asking, c, _) = s.slideRun([.set("NEUTROPHIL"), .signOff])
        XCTAssertEqual(asking.prompt?.kind, .signOff)
        XCTAssertEqual(asking.message, "Only 1 of 5 cells are counted.", "signing short of the target is said first")
        XCTAssertEqual(c, [])
        let (declined, c2, _) = asking.slideRun([.promptType("n"), .promptSubmit])
        XCTAssertEqual(c2, [])
        XCTAssertEqual(declined.message, "Not signed off (y and Enter sign).")
        XCTAssertNil(declined.signedOff)
        let (signing, c3, _) = asking.slideRun([.promptType("y"), .promptSubmit])
        XCTAssertEqual(c3, [.signOff], "the app writes the sign-off, then calls signOff")
        XCTAssertNil(signing.prompt)
    }

    func testASignedOffSlideRefusesEveryChangeButStillMoves() {
        var s = ReviewSession(names: names, modelLabels: labels)
        s = s.run([.opinion(index: 1, .predicted(probabilities: [0.1, 0.1, 0.1, 0.7], imageHash: "h")), .set("NEUTROPHIL")]).0
        s.signOff(.init(reviewer: "ann", time: "2026-12-07T18:00:00.000Z"))
        XCTAssertTrue(s.readOnly)
        XCTAssertEqual(s.message, "Slide signed off by ann on 2026-12-07: read-only now; review --amend reopens it.")
        let refusal = "This slide is signed off by ann on 2026-12-07: read-only. review --amend reopens it for changes."
        for action: ReviewAction in [.accept, .set("MONOCYTE"), .add("EOSINOPHIL"), .removeLabel, .undo, .acceptPage, .acceptImage(1), .flag, .signOff] {
            let (next, changes, decisions) = s.slideRun([action])
            XCTAssertEqual(decisions, [], "\(action)")
            XCTAssertEqual(changes, [], "\(action)")
            XCTAssertEqual(next.message, refusal, "\(action)")
            XCTAssertEqual(next.labels, s.labels, "\(action)")
            XCTAssertNil(next.prompt, "\(action)")
        }
        // The reducer alone refuses too (the gallery's A reduces acceptImage steps directly).
        XCTAssertNil(s.reduce(.set("MONOCYTE")).1)
        // Looking around is allowed.
        let (moved, _, _) = s.slideRun([.previous, .next, .cycleLabelFilter, .toggleHelp])
        XCTAssertNotEqual(moved.message, refusal)
        // Amending: changes are allowed again.
        var amending = s
        amending.amending = true
        XCTAssertFalse(amending.readOnly)
        let (changed, _, decisions) = amending.slideRun([.first, .set("MONOCYTE")])
        XCTAssertEqual(decisions.map(\.label), [["MONOCYTE"]])
        XCTAssertEqual(changed.labels[0]?.categories, ["MONOCYTE"])
    }
}
