import XCTest
import HematoAdapt
@testable import HematoReview

/// When the review judges a folder's look: the feature check speaks at 16 pictures, the stain check at 24,
/// and the review waits for both unless the folder has no more pictures to show.
final class FolderLookTests: XCTestCase {
    let prior = LinearHead(classes: 2, dimensions: 2, weights: [1, 0, 0, 1], bias: [0, 0])
    let shift = ShiftReference(centroids: [0, 0], scale: [1, 1], reference: 1, threshold: 3)
    let stain = StainReference(labs: ["a"], centroids: [[0.5, 0.5, 0.9]], scale: [0.05, 0.05, 0.05], reference: 1, threshold: 1.65)

    func observed(_ n: Int, stainOf colour: [Float]?, shift: ShiftReference? = nil, stain: StainReference?) -> LabLearner {
        var learner = LabLearner(prior: prior, shiftReference: shift ?? self.shift, stainReference: stain)
        for i in 0..<n { _ = learner.observe(index: i, feature: [0.5, 0.5], stain: colour) }
        return learner
    }

    func testTheReviewWaitsForTheStainUntilTheFolderHasNoMorePictures() throws {
        let odd: [Float] = [0.8, 0.7, 1.1]  // far from the lab's stain
        XCTAssertNil(observed(16, stainOf: odd, stain: stain).look(seenAll: false), "the stain has not spoken yet")
        let small = try XCTUnwrap(observed(16, stainOf: odd, stain: stain).look(seenAll: true), "a folder of 16: the features alone")
        XCTAssertNil(small.stain)
        XCTAssertFalse(small.warning)
        let large = try XCTUnwrap(observed(24, stainOf: odd, stain: stain).look(seenAll: false))
        XCTAssertTrue(large.warning)
        XCTAssertEqual(large.reason?.hasPrefix("stained unlike its training labs"), true)
        XCTAssertFalse(try XCTUnwrap(observed(24, stainOf: [0.5, 0.5, 0.9], stain: stain).look(seenAll: false)).warning)
    }

    func testPicturesWithoutANucleusMaskAddNoStainAndAModelWithoutAReferenceSkipsTheCheck() throws {
        XCTAssertNil(observed(30, stainOf: nil, stain: stain).look(seenAll: false), "no stain yet: wait")
        XCTAssertNil(try XCTUnwrap(observed(30, stainOf: nil, stain: stain).look(seenAll: true)).stain)
        let withoutReference = try XCTUnwrap(observed(16, stainOf: [0.8, 0.7, 1.1], stain: nil).look(seenAll: false))
        XCTAssertNil(withoutReference.stain)
        XCTAssertNil(LabLearner(prior: prior, shiftReference: nil).look(seenAll: true), "neither check: nothing to say")
    }

    // MARK: the reducer's side (`.folderLooked`)

    let shiftCalm = ShiftAssessment(score: 1.1, threshold: 3, images: 40)
    let stainOdd = ShiftAssessment(score: 3.2, threshold: 1.65, images: 40)
    let stainCalm = ShiftAssessment(score: 1.0, threshold: 1.65, images: 40)

    func smallFolder() -> ReviewSession {
        var s = ReviewSession(names: (1...40).map { "\($0).png" }, modelLabels: ["A", "B"])
        s.startCalibration(count: 24, seed: 1, reason: "", offerOnly: true)
        return s
    }

    func testAnUnfamiliarStainStartsTheOfferedCalibrationAndSaysWhy() throws {
        var s = smallFolder()
        XCTAssertEqual(s.calibration?.phase, .offered)
        s.send(.folderLooked(FolderLook(features: shiftCalm, stain: stainOdd)))
        XCTAssertEqual(s.calibration?.phase, .sampling, "started: the candidates are classified, then the calls drawn")
        XCTAssertEqual(s.trust.stainScore, 3.2)
        XCTAssertTrue(s.trust.stainWarning)
        XCTAssertTrue(s.trust.shiftWarning, "the folder warns")
        XCTAssertEqual(s.message?.hasPrefix("These images do not look like the model's training images: stained unlike its training labs (stain 3.2 > 1.65)."), true, s.message ?? "")
        var calm = smallFolder()
        calm.send(.folderLooked(FolderLook(features: shiftCalm, stain: stainCalm)))
        XCTAssertEqual(calm.calibration?.phase, .offered, "a familiar stain changes nothing")
        XCTAssertFalse(calm.trust.stainWarning)
    }

    func testALabMatchesOnlyWhenItsStainMatchesToo() {
        var s = ReviewSession(names: (1...200).map { "\($0).png" }, modelLabels: ["A", "B"])
        s.labTrust = .init(name: "north", carried: .init(agreed: 19, calls: 20), shifts: [1.1], stainPoints: [[9, 8, 18]])
        s.startCalibration(count: 24, seed: 1, reason: "")
        s.send(.folderLooked(FolderLook(features: shiftCalm, stain: stainOdd, stainPoint: [12, 8, 18])))
        XCTAssertTrue(s.calibrating, "same features, another stain: new blind calls")
        XCTAssertEqual(s.message, "These images differ from lab north's earlier folders (shift 1.1, stain 3.2): blind calls measure the model here.")
        var same = ReviewSession(names: (1...200).map { "\($0).png" }, modelLabels: ["A", "B"])
        same.labTrust = .init(name: "north", carried: .init(agreed: 19, calls: 20), shifts: [1.1], stainPoints: [[9, 8, 18]])
        same.startCalibration(count: 24, seed: 1, reason: "")
        same.send(.folderLooked(FolderLook(features: shiftCalm, stain: stainOdd, stainPoint: [9.3, 8.2, 18.1])))
        XCTAssertFalse(same.calibrating, "the same stain: the lab's calls carry")
        XCTAssertEqual(same.trust.carried, .init(agreed: 19, calls: 20))
        XCTAssertEqual(same.trust.stainPoint, [9.3, 8.2, 18.1], "kept for the lab file")
    }
}
