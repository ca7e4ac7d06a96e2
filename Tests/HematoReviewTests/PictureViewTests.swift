import XCTest
@testable import HematoReview

/// Issue 13: c (the activation map) and z (zoom) are view settings of the session.
final class PictureViewTests: XCTestCase {
    let labels = ["EOSINOPHIL", "LYMPHOCYTE", "MONOCYTE", "NEUTROPHIL"]

    func session() -> ReviewSession {
        ReviewSession(names: ["a.jpg", "b.jpg", "c.jpg"], modelLabels: labels)
    }

    func map(_ classIndex: Int) -> ActivationMap {
        ActivationMap(width: 2, height: 2, values: [1, 0, 0, 0], classIndex: classIndex)
    }

    func testTheTogglesStayWhileMovingAndDecideNothing() {
        var s = session()
        var d: Decision?
        (s, d) = s.reduce(.toggleActivationMap)
        XCTAssertNil(d)
        (s, d) = s.reduce(.toggleZoom)
        XCTAssertNil(d)
        XCTAssertEqual(s.pictureView, PictureView(activationMap: true, zoomed: true))
        s = s.reduce(.next).0.reduce(.next).0.reduce(.previous).0.reduce(.set("MONOCYTE")).0
        XCTAssertEqual(s.pictureView, PictureView(activationMap: true, zoomed: true), "kept across images and decisions")
        s = s.reduce(.toggleActivationMap).0
        XCTAssertEqual(s.pictureView, PictureView(activationMap: false, zoomed: true))
        XCTAssertEqual(s.message, "Activation map off.")
        XCTAssertEqual(s.reduce(.toggleZoom).0.pictureView, PictureView())
    }

    func testTheOverlayIsTheImagesMapOnlyWhileOn() {
        var s = session().reduce(.activationMapFound(index: 0, map(2))).0
        XCTAssertNil(s.overlay(0), "off by default")
        s = s.reduce(.toggleActivationMap).0
        XCTAssertEqual(s.overlay(0), map(2))
        XCTAssertNil(s.overlay(1), "no map for that image yet")
        XCTAssertTrue(s.message?.contains("MONOCYTE") ?? false, s.message ?? "")
        // An index the session does not have is dropped.
        XCTAssertNil(s.reduce(.activationMapFound(index: 7, map(0))).0.activationMaps[7])
    }

    func testAMapArrivingKeepsTheMessage() {
        let s = session().reduce(.notify("hello", unlessBusy: false)).0.reduce(.activationMapFound(index: 1, map(0))).0
        XCTAssertEqual(s.message, "hello")
        XCTAssertEqual(s.activationMaps[1], map(0))
    }

    func testTheSidebarLinesSayWhatThePictureShows() {
        var s = session()
        XCTAssertEqual(s.pictureViewLines(0), [], "just the picture: nothing to say")
        s = s.reduce(.toggleActivationMap).0
        XCTAssertEqual(s.pictureViewLines(0), ["activation map (not ready)"])
        s = s.reduce(.activationMapFound(index: 0, map(3))).0.reduce(.toggleZoom).0
        XCTAssertEqual(s.pictureViewLines(0), ["activation map of NEUTROPHIL", "zoomed to the middle"])
        s = s.reduce(.cellsFound(index: 0, [CellOpinion(x: 0.1, y: 0.1, width: 0.2, height: 0.2, probabilities: [0, 0, 0, 1])])).0
        XCTAssertEqual(s.pictureViewLines(0), ["activation map of NEUTROPHIL", "zoomed to cell 1"])
        // An image the engine could not read has no map, and the sidebar does not promise one.
        s = s.reduce(.opinion(index: 1, .unreadable(reason: "truncated"))).0.reduce(.next).0
        XCTAssertEqual(s.pictureViewLines(1), ["no activation map here", "zoomed to the middle"])
        // Class names come from the model file: shown escaped.
        let odd = ReviewSession(names: ["a.jpg"], modelLabels: ["A\u{1B}[2J"]).reduce(.activationMapFound(index: 0, map(0))).0
            .reduce(.toggleActivationMap).0
        XCTAssertEqual(odd.pictureViewLines(0), ["activation map of A\\e[2J"])
    }

    /// Blind review: the map is the evidence for the hidden answer, so neither the heat nor its class is
    /// shown on an image until the reviewer has decided it; then both are.
    func testBlindReviewHoldsTheMapBackUntilTheDecision() {
        var s = session()
        s.blind = true
        s = s.reduce(.opinion(index: 0, .predicted(probabilities: [0.1, 0.1, 0.1, 0.7], imageHash: "h"))).0
        s = s.reduce(.activationMapFound(index: 0, map(3))).0.reduce(.toggleActivationMap).0
        XCTAssertNil(s.overlay(0))
        XCTAssertEqual(s.pictureViewLines(0), ["activation map once decided"])
        XCTAssertFalse(s.message?.contains("NEUTROPHIL") ?? false, s.message ?? "")
        s = s.reduce(.set("MONOCYTE")).0.reduce(.previous).0
        XCTAssertEqual(s.overlay(0), map(3))
        XCTAssertEqual(s.pictureViewLines(0), ["activation map of NEUTROPHIL"])
    }
}
