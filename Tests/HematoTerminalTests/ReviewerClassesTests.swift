import XCTest
@testable import HematoReview
@testable import HematoTerminal

/// The lab's own classes: their keys label by name, in the help, the hint bar and the gallery's correct keys.
final class ReviewerClassesTests: XCTestCase {
    let extra: [(key: Character, name: String)] = [("d", "BAND"), ("t", "BLAST")]

    func testTheirKeysSetTheClassByNameAndTheModelsKeysStay() {
        let keymap = Keymap.review(extraClasses: extra)
        XCTAssertEqual(keymap.action(for: .character("d")), .set("BAND"))
        XCTAssertEqual(keymap.action(for: .character("t")), .set("BLAST"))
        XCTAssertEqual(keymap.action(for: .character("n")), .set("NEUTROPHIL"))
        XCTAssertNil(Keymap.review.action(for: .character("d")), "without the config, d does nothing")
        XCTAssertTrue(keymap.hints().contains { $0.word == "set" && $0.keys.hasSuffix("d t") }, "\(keymap.hints())")
        XCTAssertTrue(keymap.hints(in: .gallery).contains { $0.word == "correct" && $0.keys.hasSuffix("d t") })
        XCTAssertTrue(keymap.markdownTable.contains("| `d` | label BAND (the lab's own class), next image |"))
        XCTAssertEqual(keymap.problem(givingKey: "n", to: "NRBC"), "n is already a key (label NEUTROPHIL)")
        XCTAssertNotNil(keymap.problem(givingKey: "q", to: "NRBC"))
        XCTAssertNil(keymap.problem(givingKey: "r", to: "NRBC"))
    }

    /// In the reducer a lab's class is a label like any: counted in the differential, by name, and filterable.
    func testALabsClassIsCountedByName() {
        var s = ReviewSession(names: ["BloodImage_00001.jpg", "BloodImage_00002.jpg"], modelLabels: ["EOSINOPHIL", "NEUTROPHIL"])
        s.target = 2
        let keymap = Keymap.review(extraClasses: extra)
        var decisions: [Decision] = []
        for key: Character in ["d", "n"] {
            let (next, d) = s.reduce(keymap.action(for: .character(key))!)
            s = next
            decisions += d.map { [$0] } ?? []
        }
        XCTAssertEqual(decisions.map(\.label), [["BAND"], ["NEUTROPHIL"]])
        XCTAssertEqual(s.differential.counts["BAND"], 1)
        XCTAssertEqual(s.cellCountText, "2 of 2 cells · target reached")
        XCTAssertTrue(s.labelFilterChoices.contains(.labelled("BAND")))
    }
}
