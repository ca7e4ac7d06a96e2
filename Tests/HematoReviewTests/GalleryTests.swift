import XCTest
@testable import HematoReview

/// The gallery as state: which images, in which order, pages, cursor, and `A`'s decisions.
final class GalleryTests: XCTestCase {
    let labels = ["EOSINOPHIL", "LYMPHOCYTE", "MONOCYTE", "NEUTROPHIL"]
    let names = (1...20).map { String(format: "BloodImage_%05d.jpg", $0) }
    /// Images 0…13 are predicted NEUTROPHIL with these confidences (two ties), 14…17 LYMPHOCYTE,
    /// 18 MONOCYTE, 19 not classified.
    let neutrophilConfidence: [Float] = [0.90, 0.41, 0.75, 0.52, 0.41, 0.99, 0.60, 0.66, 0.88, 0.47, 0.93, 0.70, 0.58, 0.81]

    struct Refused: Error, CustomStringConvertible { var description: String { "disk full" } }

    func session(existing: LabelsFile = LabelsFile()) -> ReviewSession {
        var s = ReviewSession(names: names, modelLabels: labels, existing: existing)
        for (i, c) in neutrophilConfidence.enumerated() {
            let rest = (1 - c) / 3
            s = s.reduce(.opinion(index: i, .predicted(probabilities: [rest, rest, rest, c], imageHash: "h\(i)"))).0
        }
        for i in 14...17 { s = s.reduce(.opinion(index: i, .predicted(probabilities: [0.1, 0.6, 0.2, 0.1], imageHash: "h"))).0 }
        s = s.reduce(.opinion(index: 18, .predicted(probabilities: [0.1, 0.1, 0.7, 0.1], imageHash: "h"))).0
        return s
    }

    /// The NEUTROPHIL images least confident first, ties in name order, worked out by hand.
    let neutrophilOrder = [1, 4, 9, 3, 12, 6, 7, 11, 2, 13, 8, 0, 10, 5]

    func run(_ s: ReviewSession, _ actions: [ReviewAction]) -> (ReviewSession, [Decision]) { s.run(actions) }

    /// Opened on image 0 (NEUTROPHIL), 4 × 3 thumbnails a page.
    func opened(_ s: ReviewSession? = nil) -> ReviewSession {
        run(s ?? session(), [.toggleGallery, .galleryLayout(columns: 4, rows: 3)]).0
    }

    func testOpensOnTheCurrentImagesClassLeastConfidentFirst() throws {
        let s = opened()
        let g = try XCTUnwrap(s.gallery)
        XCTAssertEqual(g.predicted, "NEUTROPHIL")
        XCTAssertEqual(g.members, neutrophilOrder)
        XCTAssertEqual(g.cursor, 0, "page 1, on the least confident image, not the image the single view showed")
        XCTAssertEqual(g.page, 0)
        XCTAssertEqual(g.pageCount, 2)
        XCTAssertEqual(Array(g.pageMembers), Array(neutrophilOrder.prefix(12)))
        XCTAssertEqual(s.message, "Gallery: NEUTROPHIL, least confident first; images join as they are classified", "image 19 is not classified")
        let all = session().reduce(.opinion(index: 19, .predicted(probabilities: [0.7, 0.1, 0.1, 0.1], imageHash: "h"))).0
        XCTAssertEqual(opened(all).message, "Gallery: NEUTROPHIL, least confident first")
        XCTAssertEqual(s.queue, session().queue, "the single view's queue is untouched")
        // From an image of another class, that class.
        let lymphocytes = try XCTUnwrap(run(session(), Array(repeating: .next, count: 15) + [.toggleGallery]).0.gallery)
        XCTAssertEqual(lymphocytes.predicted, "LYMPHOCYTE")
        XCTAssertEqual(lymphocytes.members, [14, 15, 16, 17])
        XCTAssertEqual(lymphocytes.current, 14)
    }

    /// Issue 22, item 11: opened on an image that sorts late in its class, the gallery still opens
    /// at page 1 of the class (it opened at the current image's page, "page 3 of 4"), whatever
    /// the page size the screen sets next.
    func testOpensAtPageOneOfTheClass() throws {
        let mostConfident = try XCTUnwrap(neutrophilOrder.last)  // image 5, 99 %
        let s = run(session(), Array(repeating: .next, count: mostConfident) + [.toggleGallery, .galleryLayout(columns: 2, rows: 2)]).0
        let g = try XCTUnwrap(s.gallery)
        XCTAssertEqual(g.page, 0)
        XCTAssertEqual(g.pageCount, 4)
        XCTAssertEqual(g.current, neutrophilOrder.first)
        XCTAssertEqual(Array(g.pageMembers), Array(neutrophilOrder.prefix(4)))
    }

    func testNothingClassifiedMeansNoGallery() {
        let s = ReviewSession(names: names, modelLabels: labels).reduce(.toggleGallery).0
        XCTAssertNil(s.gallery)
        XCTAssertEqual(s.message, "No image has a prediction yet; the gallery opens when some have.")
    }

    func testTheCursorMovesByThumbnailRowAndPageAndStopsAtTheEnds() throws {
        var s = run(opened(), [.previousPage]).0   // page 1 starts at 0
        XCTAssertEqual(s.gallery?.cursor, 0)
        s = run(s, [.previous]).0
        XCTAssertEqual(s.gallery?.cursor, 0)
        XCTAssertEqual(s.message, "This is the first NEUTROPHIL image.")
        s = run(s, [.next, .nextRow, .nextRow]).0
        XCTAssertEqual(s.gallery?.cursor, 9, "two rows of four down from 1")
        s = run(s, [.nextRow]).0
        XCTAssertEqual(s.gallery?.cursor, 13, "a row down from 9 is past the last image: the last")
        XCTAssertEqual(s.gallery?.page, 1)
        s = run(s, [.nextRow]).0
        XCTAssertEqual(s.gallery?.cursor, 13)
        XCTAssertEqual(s.message, "This is the last NEUTROPHIL image.")
        s = run(s, [.nextPage]).0
        XCTAssertEqual(s.gallery?.cursor, 13)
        XCTAssertEqual(s.message, "This is the last page of NEUTROPHIL.")
        s = run(s, [.previousPage]).0
        XCTAssertEqual(s.gallery?.cursor, 0)
        s = run(s, [.nextPage, .previousRow]).0
        XCTAssertEqual(s.gallery?.cursor, 8, "a row up from the second page's first")
        // A terminal with room for more: same image under the cursor, pages of 12 become one of 24.
        s = run(s, [.galleryLayout(columns: 6, rows: 4)]).0
        XCTAssertEqual(s.gallery?.current, neutrophilOrder[8])
        XCTAssertEqual(s.gallery?.pageCount, 1)
        XCTAssertEqual(s.gallery?.pageMembers.count, 14)
    }

    func testAClassKeyLabelsTheImageUnderTheCursorAndStays() throws {
        let (s, d) = run(opened(), [.previousPage, .next, .next, .set("LYMPHOCYTE")])
        let image = neutrophilOrder[2]
        XCTAssertEqual(d, [Decision(index: image, image: String(image + 1), action: .set, label: ["LYMPHOCYTE"], opinion: session().opinions[image])])
        XCTAssertEqual(s.labels[image], .init(categories: ["LYMPHOCYTE"], source: .person))
        XCTAssertEqual(s.gallery?.cursor, 2, "the cursor stays")
        XCTAssertEqual(s.gallery?.members, neutrophilOrder, "the corrected image stays on its page")
        XCTAssertEqual(s.position, 0, "the single view did not move")
        // Undo puts the label back and the cursor on that image.
        let undone = run(s, [.nextPage, .undo]).0
        XCTAssertNil(undone.labels[image])
        XCTAssertEqual(undone.gallery?.cursor, 2)
    }

    func testAcceptingAPageSkipsImagesAPersonLabelledAndConfirmsFileLabels() throws {
        var existing = LabelsFile()
        existing.setCategories(["MONOCYTE"], forImage: String(neutrophilOrder[3] + 1))  // from labels.csv
        var s = run(opened(session(existing: existing)), [.previousPage, .next, .set("EOSINOPHIL")]).0
        let corrected = neutrophilOrder[1]
        XCTAssertEqual(s.pageAcceptances.count, 11)
        XCTAssertFalse(s.pageAcceptances.contains(.acceptImage(corrected)))
        var saved: [Decision] = []
        let result = s.acceptingPage(confirmed: true) { saved.append($0) }
        XCTAssertNil(result.failure)
        XCTAssertEqual(result.saved, 11)
        XCTAssertEqual(saved.map(\.index), neutrophilOrder.prefix(12).filter { $0 != corrected })
        XCTAssertTrue(saved.allSatisfy { $0.action == .accept })
        XCTAssertEqual(saved.first { $0.index == neutrophilOrder[3] }?.label, ["MONOCYTE"], "a label from labels.csv is confirmed, as Enter does")
        XCTAssertEqual(saved.filter { $0.label == ["NEUTROPHIL"] }.count, 10)
        s = result.session
        XCTAssertEqual(s.labels[corrected]?.categories, ["EOSINOPHIL"], "the reviewer's correction stands")
        XCTAssertTrue(neutrophilOrder.prefix(12).allSatisfy { s.labels[$0]?.source == .person })
        XCTAssertEqual(s.gallery?.page, 1, "on to the next page")
        XCTAssertEqual(s.message, "Page 1 accepted; page 2 of 2.")
        // The last page: then the class is done.
        var last: [Decision] = []
        let done = s.acceptingPage(confirmed: true) { last.append($0) }
        XCTAssertEqual(last.map(\.index), [10, 5])
        XCTAssertEqual(done.session.message, "Every NEUTROPHIL image is reviewed: f shows the next class, v the single view.")
        XCTAssertEqual(done.session.gallery?.page, 1)
    }

    func testASaveFailingPartWayKeepsTheSavedOnesAndShowsNoMore() throws {
        let s = run(opened(), [.previousPage]).0
        var calls = 0
        let result = s.acceptingPage(confirmed: true) { _ in
            calls += 1
            if calls == 4 { throw Refused() }
        }
        XCTAssertEqual(result.saved, 3)
        XCTAssertNotNil(result.failure)
        let after = result.session
        XCTAssertEqual(neutrophilOrder.prefix(12).filter { after.labels[$0] != nil }, Array(neutrophilOrder.prefix(3)),
                       "the three saved are shown as done, the rest not")
        XCTAssertEqual(after.gallery?.page, 0, "the page does not turn")
        XCTAssertEqual(after.message, "NOT SAVED: disk full. 3 of 12 on this page are saved; the other 9 are not accepted.")
        XCTAssertEqual(after.pageAcceptances.count, 9)
        // The page only turns once every image on it is accepted.
        XCTAssertEqual(after.reduce(.acceptPage).0.gallery?.page, 0)
        let retried = after.acceptingPage(confirmed: true) { _ in }
        XCTAssertEqual(retried.saved, 9)
        XCTAssertEqual(retried.session.gallery?.page, 1)
    }

    /// The model adapting to the reviewer moves probabilities (here every image to LYMPHOCYTE):
    /// the page keeps its images and order, but what it says of each is the model's answer now,
    /// the answer the single view's bars give; A confirms that answer, and the journal and the
    /// agreement record it (one answer everywhere: the page no longer says NEUTROPHIL 90 % of an
    /// image the bars call LYMPHOCYTE 70 %).
    func testThePageKeepsItsImagesWhenTheModelAdaptsAndAcceptsTheAnswerNow() throws {
        var s = run(opened(), [.previousPage]).0
        let moved = Dictionary(uniqueKeysWithValues: (0..<19).map { ($0, [Float(0.1), 0.7, 0.1, 0.1]) })
        s = s.reduce(.repredicted(moved, trust: s.trust)).0
        XCTAssertEqual(s.predictedClass(neutrophilOrder[0]), "LYMPHOCYTE")
        XCTAssertEqual(s.gallery?.members, neutrophilOrder)
        XCTAssertEqual(s.gallery?.cursor, 0)
        XCTAssertEqual(s.gallery?.confidences, neutrophilOrder.map { neutrophilConfidence[$0] }, "the numbers that ordered the page")
        var saved: [Decision] = []
        _ = s.acceptingPage(confirmed: true) { saved.append($0) }
        XCTAssertEqual(saved.count, 12)
        XCTAssertTrue(saved.allSatisfy { $0.label == ["LYMPHOCYTE"] && $0.action == .accept }, "\(saved.map(\.label))")
        XCTAssertEqual(saved.first?.opinion?.probabilities, [0.1, 0.7, 0.1, 0.1], "the answer the screen shows now")
        let after = s.acceptingPage(confirmed: true) { _ in }.session
        XCTAssertEqual(after.trust.openCalls, .init(agreed: 12, calls: 12), "every accept agrees with the answer shown")
        XCTAssertEqual(after.predictedClass(neutrophilOrder[0]), "LYMPHOCYTE", "the single view shows the same answer")
    }

    func testEscOrVGoesBackToTheSingleViewAtTheCursorsImage() throws {
        let s = run(opened(), [.previousPage, .next, .next, .next, .cancel]).0
        XCTAssertNil(s.gallery)
        XCTAssertEqual(s.current, neutrophilOrder[3])
        // With the single view filtered to another class, closing shows all images.
        let filtered = run(session(), [.cycleFilter, .cycleFilter, .toggleGallery]).0
        XCTAssertEqual(filtered.filter, "LYMPHOCYTE")
        let back = run(filtered, [.cycleFilter, .next, .toggleGallery]).0
        XCTAssertEqual(back.gallery, nil)
        XCTAssertNil(back.filter)
        XCTAssertEqual(back.current, 18, "the MONOCYTE image the cursor was on")
    }

    func testFChangesTheClassSkippingClassesWithoutImages() throws {
        var s = opened()
        s = run(s, [.cycleFilter]).0
        XCTAssertEqual(s.gallery?.predicted, "LYMPHOCYTE", "no image is predicted EOSINOPHIL")
        XCTAssertEqual(s.gallery?.columns, 4, "the page keeps its shape")
        s = run(s, [.cycleFilter]).0
        XCTAssertEqual(s.gallery?.members, [18])
        s = run(s, [.cycleFilter]).0
        XCTAssertEqual(s.gallery?.predicted, "NEUTROPHIL")
        XCTAssertEqual(s.message, "Gallery: NEUTROPHIL, least confident first; images join as they are classified", "image 19 is not classified")
    }

    func testTabFindsTheNextImageNoReviewerLabelled() throws {
        let s = run(opened(), [.previousPage, .set("NEUTROPHIL"), .next, .set("NEUTROPHIL"), .previous, .nextUnreviewed]).0
        XCTAssertEqual(s.gallery?.cursor, 2)
    }

    func testAnImageClassifiedLaterJoinsAtTheEnd() throws {
        let s = opened().reduce(.opinion(index: 19, .predicted(probabilities: [0.1, 0.1, 0.1, 0.7], imageHash: "h"))).0
        XCTAssertEqual(s.gallery?.members, neutrophilOrder + [19])
        XCTAssertEqual(s.opinions[19], .predicted(probabilities: [0.1, 0.1, 0.1, 0.7], imageHash: "h"))
        XCTAssertEqual(s.gallery?.current, neutrophilOrder[0], "the cursor stays on its image")
        let again = s.reduce(.opinion(index: 19, .predicted(probabilities: [0.1, 0.1, 0.1, 0.7], imageHash: "h"))).0
            .reduce(.opinion(index: 0, .predicted(probabilities: [0.1, 0.1, 0.1, 0.7], imageHash: "h"))).0
        XCTAssertEqual(again.gallery?.members, neutrophilOrder + [19], "an answer given twice does not add an image twice")
    }

    /// The single view's PgDn, PgUp, Home and End work per view: pages and ends of the class here.
    func testThePageKeysAndHomeAndEndTurnTheGallerysPages() throws {
        var s = run(opened(), [.first]).0
        XCTAssertEqual(s.gallery?.cursor, 0)
        s = run(s, [.pageForward]).0
        XCTAssertEqual(s.gallery?.cursor, 12)
        s = run(s, [.pageBack, .last]).0
        XCTAssertEqual(s.gallery?.cursor, 13)
        XCTAssertEqual(s.position, 0, "the single view did not move")
        // The prompt and the label filter belong to the single view.
        let prompted = run(s, [.openPrompt(.goTo)]).0
        XCTAssertNil(prompted.prompt)
        XCTAssertEqual(prompted.message, "In the gallery f changes the class; g, / and F work in the single view (v).")
    }

    /// Blind review hides the model's answer until a decision: a page of one predicted class would tell it.
    func testBlindReviewHasNoGallery() {
        var s = session()
        s.blind = true
        let refused = s.reduce(.toggleGallery).0
        XCTAssertNil(refused.gallery)
        XCTAssertEqual(refused.message, "Blind review: the gallery would show the model's answer; F filters by label.")
    }

    /// In the single view the new row keys are previous/next, and the gallery's keys say so.
    func testTheSingleViewIsUnchanged() {
        let s = session()
        XCTAssertEqual(run(s, [.nextRow]).0, run(s, [.next]).0)
        XCTAssertEqual(run(s, [.next, .previousRow]).0, run(s, [.next, .previous]).0)
        let (paged, d) = run(s, [.nextPage, .acceptPage])
        XCTAssertEqual(d, [])
        XCTAssertEqual(paged.position, 0)
        XCTAssertEqual(paged.message, "Pages are the gallery's: v opens it.")
        XCTAssertNil(paged.gallery)
    }
}
