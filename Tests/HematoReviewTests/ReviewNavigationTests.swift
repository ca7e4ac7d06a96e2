import XCTest
@testable import HematoReview

/// Issue 13, item 4: Home/End, the page keys, go to a number, search by name, label filters.
final class ReviewNavigationTests: XCTestCase {
    let labels = ["EOSINOPHIL", "LYMPHOCYTE", "MONOCYTE", "NEUTROPHIL"]

    /// BloodImage_00001.jpg … (25 by default), three of them renamed when there are 20 or more.
    func session(_ count: Int = 25) -> ReviewSession {
        var names = (1...count).map { String(format: "BloodImage_%05d.jpg", $0) }
        if count >= 20 {
            names[4] = "Smear-A.jpg"
            names[11] = "smear-b.jpg"
            names[19] = "x-\u{1B}[31m.jpg"
        }
        return ReviewSession(names: names.sorted(), modelLabels: labels)
    }

    func run(_ s: ReviewSession, _ actions: [ReviewAction]) -> (ReviewSession, [Decision]) { s.run(actions) }

    func typed(_ text: String) -> [ReviewAction] { text.map { .promptType($0) } }

    func predicted(_ top: Int) -> ModelOpinion {
        .predicted(probabilities: (0..<4).map { $0 == top ? 0.7 : 0.1 }, imageHash: "h")
    }

    func testHomeEndAndThePageKeys() {
        let s = session()
        XCTAssertEqual(run(s, [.last]).0.position, 24)
        XCTAssertEqual(run(s, [.last, .first]).0.position, 0)
        XCTAssertEqual(run(s, [.pageForward]).0.position, 10)
        XCTAssertEqual(run(s, [.pageForward, .pageForward, .pageForward]).0.position, 24, "stops at the last image")
        XCTAssertEqual(run(s, [.last, .pageBack]).0.position, 14)
        XCTAssertEqual(run(s, [.next, .next, .pageBack]).0.position, 0, "stops at the first image")
        XCTAssertEqual(run(s, [.first]).0.message, "This is the first image.")
        XCTAssertEqual(run(s, [.last, .pageForward]).0.message, "This is the last image.")
        XCTAssertNil(run(s, [.pageForward]).0.message)
        XCTAssertEqual(run(s, [.toggleHelp, .last]).0.showingHelp, false, "a key closes the help")
    }

    func testGoToANumber() {
        let s = session()
        let (open, _) = run(s, [.openPrompt(.goTo)] + typed("17"))
        XCTAssertEqual(open.prompt, ReviewSession.Prompt(kind: .goTo, text: "17"))
        XCTAssertEqual(open.position, 0, "nothing moves while typing")
        let (gone, d) = run(open, [.promptSubmit])
        XCTAssertEqual(gone.position, 16, "image 17 of 25")
        XCTAssertNil(gone.prompt)
        XCTAssertEqual(d, [])
        // Backspace, letters refused, a number out of range, Esc.
        XCTAssertEqual(run(s, [.openPrompt(.goTo)] + typed("1x") + [.promptErase, .promptType("9")]).0.prompt?.text, "9")
        XCTAssertEqual(run(s, [.openPrompt(.goTo), .promptType("x")]).0.message, "Digits only; Enter goes, Esc cancels.")
        let (far, _) = run(s, [.openPrompt(.goTo)] + typed("26") + [.promptSubmit])
        XCTAssertEqual(far.position, 0)
        XCTAssertEqual(far.message, "There is no image 26 here: 1 to 25.")
        let (closed, _) = run(s, [.openPrompt(.goTo)] + typed("5") + [.promptClose])
        XCTAssertNil(closed.prompt)
        XCTAssertEqual(closed.position, 0)
        XCTAssertEqual(run(s, [.openPrompt(.goTo), .promptSubmit]).0.position, 0, "Enter on nothing only closes")
    }

    func testSearchIsCaseInsensitiveStartsAfterTheCurrentImageAndWraps() {
        let s = session()
        let smears = s.names.indices.filter { s.names[$0].lowercased().contains("smear") }
        XCTAssertEqual(smears.count, 2)
        let (first, _) = run(s, [.openPrompt(.search)] + typed("SMEAR") + [.promptSubmit])
        XCTAssertEqual(first.current, smears[0])
        XCTAssertEqual(first.lastSearch, "SMEAR")
        // / then Enter on an empty line repeats it: the next match, then round to the first again.
        let (second, _) = run(first, [.openPrompt(.search), .promptSubmit])
        XCTAssertEqual(second.current, smears[1])
        let (third, _) = run(second, [.openPrompt(.search), .promptSubmit])
        XCTAssertEqual(third.current, smears[0], "wraps round")
        let (none, _) = run(s, [.openPrompt(.search)] + typed("zzz") + [.promptSubmit])
        XCTAssertEqual(none.position, 0)
        XCTAssertEqual(none.message, "No name here contains \"zzz\".")
        XCTAssertEqual(run(s, [.openPrompt(.search), .promptSubmit]).0.message?.hasPrefix("Type part of a name"), true)
    }

    /// The search is of the name as shown (escaped), so a control character is found by what the reviewer sees.
    func testSearchMatchesTheEscapedName() {
        let s = session()
        let odd = s.names.firstIndex { $0.hasPrefix("x-") }!
        let (found, _) = run(s, [.openPrompt(.search)] + typed("\\e[31") + [.promptSubmit])
        XCTAssertEqual(found.current, odd)
    }

    func testLabelFiltersCycleAndEscClearsThem() {
        var s = session(6)
        for i in 0..<6 { s = s.reduce(.opinion(index: i, predicted(i % 4))).0 }
        // Image 0: labelled as predicted (EOSINOPHIL); 1: LYMPHOCYTE predicted, labelled MONOCYTE; 2: MONOCYTE, labelled MONOCYTE.
        let (labelled, _) = run(s, [.accept, .set("MONOCYTE"), .accept, .first])
        XCTAssertEqual(labelled.reviewedCount, 3)
        let (unlabelled, _) = run(labelled, [.cycleLabelFilter])
        XCTAssertEqual(unlabelled.labelFilter, .unlabelled)
        XCTAssertEqual(unlabelled.queue, [3, 4, 5])
        XCTAssertEqual(unlabelled.message, "Showing unlabelled images (3); F for the next filter, Esc for all")
        let (disagree, _) = run(unlabelled, [.cycleLabelFilter])
        XCTAssertEqual(disagree.labelFilter, .disagree)
        XCTAssertEqual(disagree.queue, [1])
        let (eosinophil, _) = run(disagree, [.cycleLabelFilter])
        XCTAssertEqual(eosinophil.labelFilter, .labelled("EOSINOPHIL"))
        XCTAssertEqual(eosinophil.queue, [0])
        let (monocyte, _) = run(eosinophil, [.cycleLabelFilter])  // nobody labelled LYMPHOCYTE: not offered
        XCTAssertEqual(monocyte.labelFilter, .labelled("MONOCYTE"))
        XCTAssertEqual(monocyte.queue, [1, 2])
        let (cleared, _) = run(monocyte, [.cancel])
        XCTAssertNil(cleared.labelFilter)
        XCTAssertEqual(cleared.queue, Array(0..<6))
        XCTAssertEqual(cleared.current, 1, "the image shown stays shown")
        // After the last class labelled comes "all" again; with no labels, only the two status filters.
        XCTAssertEqual(run(monocyte, [.cycleLabelFilter]).0.labelFilter, nil)
        XCTAssertEqual(ReviewSession(names: ["a.jpg"], modelLabels: labels).labelFilterChoices, [nil, .unlabelled, .disagree])
        // A class only labels.csv uses (BASOPHIL, or one the model does not know) is offered after the model's.
        var file = LabelsFile()
        file.setCategories(["PLATELET"], forImage: "1")
        file.setCategories(["BASOPHIL"], forImage: "2")
        let other = ReviewSession(names: ["BloodImage_00001.jpg", "BloodImage_00002.jpg"], modelLabels: labels, existing: file)
        XCTAssertEqual(other.labelFilterChoices, [nil, .unlabelled, .disagree, .labelled("BASOPHIL"), .labelled("PLATELET")])
        // Combined with the predicted-class filter, both apply.
        let (both, _) = run(labelled, [.cycleFilter, .cycleLabelFilter, .cycleLabelFilter, .cycleLabelFilter])
        XCTAssertEqual(both.filter, "EOSINOPHIL")
        XCTAssertEqual(both.labelFilter, .labelled("EOSINOPHIL"))
        XCTAssertEqual(both.queue, [0])
    }

    func testAFilterThatKeepsNothingLeavesTheKeysHarmless() {
        let s = session(3)
        let (empty, _) = run(s, [.cycleLabelFilter, .cycleLabelFilter])  // disagree: nothing labelled
        XCTAssertEqual(empty.queue, [])
        for a: ReviewAction in [.first, .last, .pageBack, .pageForward] {
            XCTAssertEqual(run(empty, [a]).0.message, "There are no images here.")
        }
        XCTAssertEqual(run(empty, [.openPrompt(.search)] + typed("Blood") + [.promptSubmit]).0.message, "There are no images here.")
    }
}

/// Issue 22, item 13: the "model ≠ label" list no longer depends on how far background
/// classification had got when it was chosen, and says how many labelled images it still waits for.
final class DisagreeFilterWhileClassifyingTests: XCTestCase {
    let labels = ["EOSINOPHIL", "LYMPHOCYTE", "MONOCYTE", "NEUTROPHIL"]

    func predicted(_ top: Int) -> ModelOpinion {
        .predicted(probabilities: (0..<4).map { $0 == top ? 0.7 : 0.1 }, imageHash: "h")
    }

    /// Six labelled images (EOSINOPHIL each); the model answers 1, 3 and 4 with another class, 0, 2 and 5 agree.
    func session() throws -> ReviewSession {
        let csv = ",Image,Category\r\n" + (1...6).map { ",\($0),EOSINOPHIL\r\n" }.joined()
        let names = (1...6).map { String(format: "BloodImage_%05d.jpg", $0) }
        return ReviewSession(names: names, modelLabels: labels, existing: try LabelsFile(bytes: Array(csv.utf8)))
    }

    let answers: [(Int, Int)] = [(0, 0), (1, 2), (2, 0), (3, 3), (4, 1), (5, 0)]

    func testTheListIsTheSameHoweverFarClassificationHadGot() throws {
        let complete = try session().run(answers.map { .opinion(index: $0.0, predicted($0.1)) } + [.cycleLabelFilter, .cycleLabelFilter]).0
        XCTAssertEqual(complete.labelFilter, .disagree)
        XCTAssertEqual(complete.queue, [1, 3, 4])
        XCTAssertEqual(complete.message, "Showing model ≠ label images (3); F for the next filter, Esc for all")
        for done in 0..<answers.count {
            let before = answers.prefix(done).map { ReviewAction.opinion(index: $0.0, predicted($0.1)) }
            let after = answers.dropFirst(done).map { ReviewAction.opinion(index: $0.0, predicted($0.1)) }
            var s = try session().run(before + [.cycleLabelFilter, .cycleLabelFilter]).0
            if done < answers.count {
                XCTAssertTrue(s.message?.contains("still classifying \(answers.count - done) labelled") == true, s.message ?? "no message")
            }
            let current = s.current
            s = s.run(after).0
            XCTAssertEqual(s.queue, complete.queue, "chosen after \(done) answers")
            if let current { XCTAssertEqual(s.current, current, "the image shown stays shown as others join") }
        }
    }
}
