import XCTest
@testable import HematoReview

/// Each sub-state of the session with its own reducer, alone: queue and navigation, labels and
/// decisions, the gallery, the picture view, trust, the prompt.
final class NavigationReducerTests: XCTestCase {
    func testSteppingStopsAtTheEndsAndSaysSo() {
        var n = ReviewSession.Navigation(queue: [4, 7, 9])
        XCTAssertEqual(n.reduce(.step(-1)), "This is the first image.")
        XCTAssertEqual(n.position, 0)
        XCTAssertNil(n.reduce(.step(1)))
        XCTAssertEqual(n.current, 7)
        XCTAssertNil(n.reduce(.step(10)), "a page on from the middle goes to the last image without a word")
        XCTAssertEqual(n.current, 9)
        XCTAssertEqual(n.reduce(.step(10)), "This is the last image.")
        XCTAssertEqual(n.reduce(.last), "This is the last image.")
        XCTAssertNil(n.reduce(.first))
        XCTAssertEqual(n.current, 4)
        n.reduce(.to(99))
        XCTAssertEqual(n.position, 2, "clamped to the queue")
    }

    func testANewQueueKeepsTheCurrentImageWhenItHoldsIt() {
        var n = ReviewSession.Navigation(queue: [0, 1, 2, 3], position: 2)
        n.reduce(.show([3, 2, 1, 0], order: .leastConfident, filter: "MONOCYTE"))
        XCTAssertEqual(n.current, 2)
        XCTAssertEqual(n.position, 1)
        XCTAssertEqual(n.order, .leastConfident)
        XCTAssertEqual(n.filter, "MONOCYTE")
        n.reduce(.show([0, 1], order: .name, filter: nil))
        XCTAssertEqual(n.position, 0, "the current image left: the first one")
        n.reduce(.insert(5, at: 0))
        XCTAssertEqual(n.queue, [5, 0, 1])
        XCTAssertEqual(n.current, 0, "an image joining before the current one does not move the reviewer")
    }

    func testAnEmptyQueueHasNoCurrentImage() {
        var n = ReviewSession.Navigation(queue: [])
        n.reduce(.step(1))
        XCTAssertNil(n.current)
        XCTAssertEqual(n.position, 0)
    }
}

final class LabellingReducerTests: XCTestCase {
    typealias Label = ReviewSession.Label

    /// The classes with cells (the differential lists the dataset's classes at 0 too).
    func counted(_ l: ReviewSession.Labelling) -> [String: Int] { l.differential.counts.filter { $0.value > 0 } }

    func testCountsFollowEachLabelChange() {
        var l = ReviewSession.Labelling()
        l.reduce(.set(index: 0, Label(categories: ["NEUTROPHIL"], source: .person)))
        l.reduce(.set(index: 1, Label(categories: ["NEUTROPHIL", "MONOCYTE"], source: .file)))
        XCTAssertEqual(counted(l), ["NEUTROPHIL": 2, "MONOCYTE": 1])
        XCTAssertEqual(l.differential.multiLabelImages, 1)
        XCTAssertEqual(l.sourceCounts, [.person: 1, .file: 1])
        l.reduce(.set(index: 1, Label(categories: ["LYMPHOCYTE"], source: .person)))
        XCTAssertEqual(counted(l), ["NEUTROPHIL": 1, "LYMPHOCYTE": 1])
        XCTAssertEqual(l.differential.multiLabelImages, 0)
        XCTAssertEqual(l.sourceCounts, [.person: 2])
        l.reduce(.set(index: 0, nil))
        XCTAssertEqual(l.labels.keys.sorted(), [1])
        XCTAssertEqual(counted(l), ["LYMPHOCYTE": 1])
    }

    func testEqualLabelsMakeEqualStatesWhateverTheWayThere() {
        var a = ReviewSession.Labelling(), b = ReviewSession.Labelling()
        a.reduce(.set(index: 3, Label(categories: ["EOSINOPHIL"], source: .person)))
        a.reduce(.set(index: 3, Label(categories: ["MONOCYTE"], source: .person)))
        b.reduce(.set(index: 3, Label(categories: ["MONOCYTE"], source: .person)))
        XCTAssertEqual(a, b, "a class counted down to nothing leaves no zero behind")
    }

    func testTheUndoStackIsLastInFirstOut() {
        var l = ReviewSession.Labelling()
        l.reduce(.pushUndo(.init(index: 1, previous: nil)))
        l.reduce(.pushUndo(.init(index: 2, previous: Label(categories: ["MONOCYTE"], source: .file))))
        XCTAssertEqual(l.popUndo()?.index, 2)
        XCTAssertEqual(l.popUndo()?.index, 1)
        XCTAssertNil(l.popUndo())
    }
}

final class GalleryReducerTests: XCTestCase {
    /// Ten members (images 0…9), 2 × 2 thumbnails a page: pages of 4, 4 and 2.
    func gallery() -> Gallery {
        var s = ReviewSession(names: (1...10).map { "\($0).png" }, modelLabels: ["A", "B"])
        for i in 0..<10 {
            let p = 0.55 + Float(i) / 100
            s = s.reduce(.opinion(index: i, .predicted(probabilities: [1 - p, p], imageHash: "h"))).0
        }
        var g = Gallery(predicted: "B", in: s)
        g.reduce(.shape(columns: 2, rows: 2))
        return g
    }

    func testTheCursorStopsAtTheEndsAndSaysSo() {
        var g = gallery()
        XCTAssertEqual(g.members, Array(0..<10), "least confident first")
        XCTAssertEqual(g.reduce(.step(-1)), "This is the first B image.")
        XCTAssertNil(g.reduce(.step(2)))
        XCTAssertEqual(g.current, 2)
        g.reduce(.last)
        XCTAssertEqual(g.reduce(.step(1)), "This is the last B image.")
        g.reduce(.first)
        XCTAssertEqual(g.cursor, 0)
    }

    func testPagesTurnToTheirFirstImageAndStopAtTheEnds() {
        var g = gallery()
        XCTAssertEqual(g.pageCount, 3)
        XCTAssertEqual(g.reduce(.turnPage(-1)), "This is the first page.")
        XCTAssertNil(g.reduce(.turnPage(1)))
        XCTAssertEqual(g.cursor, 4)
        g.reduce(.turnPage(1))
        XCTAssertEqual(Array(g.pageMembers), [8, 9])
        g.reduce(.to(8))
        XCTAssertNil(g.reduce(.turnPage(1)), "on the last page: on to its last image")
        XCTAssertEqual(g.cursor, 9)
        XCTAssertEqual(g.reduce(.turnPage(1)), "This is the last page of B.")
        g.reduce(.to(6))
        g.reduce(.turnPage(5))
        XCTAssertEqual(g.cursor, 9, "past the last page: the last image")
    }

    func testAnImageClassifiedLaterJoinsAtTheEnd() {
        var g = gallery()
        g.reduce(.join(42, .predicted(probabilities: [0.1, 0.9], imageHash: "h")))
        XCTAssertEqual(g.members.last, 42)
        XCTAssertEqual(g.confidence(at: g.members.count - 1), 0.9)
        g.reduce(.shape(columns: 0, rows: 3))
        XCTAssertEqual(g.pageSize, 3, "at least one column")
    }
}

final class PictureViewReducerTests: XCTestCase {
    func testEachKeyTurnsItsOwnSettingOnly() {
        var v = PictureView()
        v.reduce(.toggleActivationMap)
        XCTAssertEqual(v, PictureView(activationMap: true, zoomed: false))
        v.reduce(.toggleZoom)
        XCTAssertEqual(v, PictureView(activationMap: true, zoomed: true))
        v.reduce(.toggleActivationMap)
        XCTAssertEqual(v, PictureView(activationMap: false, zoomed: true))
    }
}

final class TrustReducerTests: XCTestCase {
    func testCallsCountOncePerImageAndANilCallDropsOut() {
        var t = ReviewSession.Trust()
        t.reduce(.call(1, .init(agreed: true, blind: true)))
        t.reduce(.call(2, .init(agreed: false, blind: true)))
        t.reduce(.call(2, .init(agreed: true, blind: true)))
        t.reduce(.call(3, .init(agreed: true, blind: false)))
        XCTAssertEqual(t.blindHere, .init(agreed: 2, calls: 2), "image 2 counts by its last decision")
        XCTAssertEqual(t.openCalls, .init(agreed: 1, calls: 1))
        t.reduce(.call(1, nil))
        XCTAssertEqual(t.blindHere, .init(agreed: 1, calls: 1))
        t.reduce(.carry(.init(agreed: 18, calls: 20)))
        XCTAssertEqual(t.blindCalls, .init(agreed: 19, calls: 21))
    }

    func testTheShiftScoreIsKeptOnce() {
        var t = ReviewSession.Trust()
        t.reduce(.look(shift: 1.4, stain: nil, warning: false, stainWarning: false, stainPoint: nil))
        t.reduce(.look(shift: 3.0, stain: nil, warning: true, stainWarning: false, stainPoint: nil))
        XCTAssertEqual(t.shiftScore, 1.4)
        XCTAssertFalse(t.shiftWarning)
    }
}

final class PromptReducerTests: XCTestCase {
    func testGoToTakesDigitsOnlyAndSaysSo() {
        var p = ReviewSession.Prompt(kind: .goTo)
        XCTAssertNil(p.reduce(.type("1")))
        XCTAssertEqual(p.reduce(.type("x")), "Digits only; Enter goes, Esc cancels.")
        XCTAssertNil(p.reduce(.type("2")))
        XCTAssertEqual(p.text, "12")
        p.reduce(.erase)
        p.reduce(.erase)
        p.reduce(.erase)
        XCTAssertEqual(p.text, "", "erasing an empty text leaves it empty")
    }

    func testTheTextStopsAtItsLimit() {
        var p = ReviewSession.Prompt(kind: .search)
        for _ in 0..<(ReviewSession.Prompt.textLimit + 5) { p.reduce(.type("a")) }
        XCTAssertEqual(p.text.count, ReviewSession.Prompt.textLimit)
    }
}
