import XCTest
@testable import HematoAdapt

/// Issue 21 step 4: the stain check reads the nucleus colour against the background and warns when a
/// folder's stain is far from every training lab's, in units of the training labs' own spread.
final class StainCheckTests: XCTestCase {
    /// Two labs as the shipped sidecar has them (rounded), one picture's distance to itself 0.
    let reference = StainReference(labs: ["blood-cells", "pbc"], centroids: [[0.70, 0.55, 1.04], [0.41, 0.24, 0.71]],
                                   scale: [0.075, 0.055, 0.048], reference: 0.72, threshold: 1.65)

    func testTheRelativeColourIsPerChannelAndSurvivesABlackBackground() {
        XCTAssertEqual(StainReference.relative(nucleus: (100, 50, 200), background: (200, 100, 200)), [0.5, 0.5, 1])
        XCTAssertEqual(StainReference.relative(nucleus: (10, 20, 30), background: (0, 0, 0)), [10, 20, 30])
    }

    func testTheDistanceIsToTheNearestLabInItsScale() {
        XCTAssertEqual(reference.distance([0.70, 0.55, 1.04]), 0, accuracy: 1e-6)
        XCTAssertEqual(reference.distance([0.41, 0.24, 0.71]), 0, accuracy: 1e-6)
        // One scale unit off in every channel from the nearer lab: an RMS of 1.
        XCTAssertEqual(reference.distance([0.41 + 0.075, 0.24 + 0.055, 0.71 + 0.048]), 1, accuracy: 1e-5)
    }

    func testAFolderIsJudgedOnlyFromTwentyFourPicturesByItsMedian() throws {
        let near = reference.distance([0.70 + 0.0375, 0.55 + 0.0275, 1.04 + 0.024])  // half a scale unit off
        let far = reference.distance([0.60, 0.40, 0.85])  // a LISC-like stain: between the labs, near neither
        XCTAssertNil(reference.assess(distances: Array(repeating: near, count: 23)))
        let alike = try XCTUnwrap(reference.assess(distances: Array(repeating: near, count: 24)))
        XCTAssertFalse(alike.warning)
        XCTAssertEqual(alike.score, near / 0.72, accuracy: 1e-6)
        // The median: eleven odd pictures in a folder of 24 do not make it strange; thirteen do.
        XCTAssertFalse(try XCTUnwrap(reference.assess(distances: Array(repeating: near, count: 13) + Array(repeating: far, count: 11))).warning)
        XCTAssertTrue(try XCTUnwrap(reference.assess(distances: Array(repeating: near, count: 11) + Array(repeating: far, count: 13))).warning)
    }

    func testEitherCheckWarnsForTheFolderAndSaysWhy() {
        let calm = ShiftAssessment(score: 1.1, threshold: 3, images: 30), alarm = ShiftAssessment(score: 3.2, threshold: 3, images: 30)
        let calmStain = ShiftAssessment(score: 1.0, threshold: 1.65, images: 30), oddStain = ShiftAssessment(score: 3.7, threshold: 1.65, images: 30)
        XCTAssertFalse(FolderLook(features: calm, stain: calmStain).warning)
        XCTAssertNil(FolderLook(features: calm, stain: nil).reason)
        let stainOnly = FolderLook(features: calm, stain: oddStain)
        XCTAssertTrue(stainOnly.warning)
        XCTAssertEqual(stainOnly.reason, "stained unlike its training labs (stain 3.7 > 1.65)")
        XCTAssertTrue(FolderLook(features: alarm, stain: nil).warning)
        XCTAssertEqual(FolderLook(features: alarm, stain: oddStain).reason,
                       "stained unlike its training labs (stain 3.7 > 1.65), and the model sees them unlike its images")
        XCTAssertEqual(FolderLook(features: alarm, stain: calmStain).reason, "the model sees them unlike its training images (shift 3.2 > 3.0)")
    }

    func testAFolderStainPointIsTheMedianColourInScaleUnits() throws {
        XCTAssertNil(reference.point(colours: Array(repeating: [0.7, 0.55, 1.04], count: 23)))
        let colours = (0..<24).map { i in [Float(0.6) + Float(i) * 0.01, 0.55, 1.04] }
        let point = try XCTUnwrap(reference.point(colours: colours))
        XCTAssertEqual(point[0], (0.6 + 0.115) / 0.075, accuracy: 1e-4)  // the median of 0.60…0.83
        XCTAssertEqual(point[1], 0.55 / 0.055, accuracy: 1e-4)
    }

    func testALabMatchesOnTheStainPointWhenItHasOne() {
        let lab: [[Float]] = [[9.0, 8.0, 18.0], [9.2, 8.2, 18.4], [8.8, 7.9, 18.1]]
        XCTAssertTrue(Lab.matches(stainPoint: [9.5, 8.5, 18.5], measured: lab), "half a unit off")
        XCTAssertFalse(Lab.matches(stainPoint: [9.0, 10.0, 18.0], measured: lab), "two units off in one channel: RMS 1.15")
        // Two new labs at the same stain score can differ in colour: the point tells them apart.
        XCTAssertFalse(Lab.matches(stainPoint: [7.0, 8.0, 20.0], measured: lab))
        // A lab measured before the stain check, or a folder without a stain point: the shift decides alone.
        XCTAssertTrue(Lab.matches(stainPoint: [1, 1, 1], measured: []))
        XCTAssertTrue(Lab.matches(stainPoint: nil, measured: lab))
    }

    func testAMeasurementWithoutAStainStillReadsAndOneWithAStainRoundTrips() throws {
        let old = try JSONDecoder().decode(Lab.Measurement.self, from: Data(#"{"agreed":3,"calls":4,"shift":1.5}"#.utf8))
        XCTAssertEqual(old, Lab.Measurement(agreed: 3, calls: 4, shift: 1.5))
        XCTAssertNil(old.stain)
        let new = Lab.Measurement(agreed: 3, calls: 4, shift: 1.5, stain: 2.25, stainPoint: [9, 8, 18])
        XCTAssertEqual(try JSONDecoder().decode(Lab.Measurement.self, from: JSONEncoder().encode(new)), new)
    }
}
