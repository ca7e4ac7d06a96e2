import XCTest
@testable import HematoAdapt

final class LabFileTests: XCTestCase {
    var home: String!
    var environment: [String: String] { ["XDG_DATA_HOME": home] }

    override func setUpWithError() throws {
        home = FileManager.default.temporaryDirectory.appendingPathComponent("hv-lab-\(UUID())").path
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(atPath: home) }

    func sampleLab(model: String = "mnv2-abc") -> Lab {
        let head = LinearHead(classes: 2, dimensions: 3, weights: [1, 2, 3, 4, 5, 6], bias: [0.5, -0.5], temperature: 1.25)
        return Lab(name: "ward-7", model: model, labels: ["A", "B"], head: head, examples: [
            .init(folder: "/slides/one", image: "12", label: 1, feature: [0.1, 0.2, 0.3]),
            .init(folder: "/slides/two", image: "sub/x.jpg", label: 0, feature: [1, 0, -1]),
        ])
    }

    func testALabSurvivesTheRoundTripAndLivesUnderXDGDataHome() throws {
        let lab = sampleLab()
        try lab.save(environment: environment)
        XCTAssertTrue(FileManager.default.fileExists(atPath: home + "/hematovision/labs/ward-7.safetensors"))
        let back = try XCTUnwrap(Lab.load(name: "ward-7", model: "mnv2-abc", environment: environment))
        XCTAssertEqual(back, lab)
        XCTAssertEqual(back.folders, ["/slides/one", "/slides/two"])
        XCTAssertEqual(back.examples(excludingFolder: "/slides/one").map(\.image), ["sub/x.jpg"])
    }

    func testAMissingLabIsNilAndALabOfAnotherModelIsRefused() throws {
        XCTAssertNil(try Lab.load(name: "ward-7", model: "mnv2-abc", environment: environment))
        try sampleLab(model: "mnv2-old").save(environment: environment)
        XCTAssertThrowsError(try Lab.load(name: "ward-7", model: "mnv2-new", environment: environment)) { error in
            guard case Lab.Failure.otherModel(let name, let labModel, let model)? = error as? Lab.Failure else {
                return XCTFail("\(error)")
            }
            XCTAssertEqual([name, labModel, model], ["ward-7", "mnv2-old", "mnv2-new"])
        }
    }

    func testDamagedLabFilesAreRefusedWithAReason() throws {
        let good = sampleLab().encoded()
        let path = home + "/bad.safetensors"
        var cases: [(String, Data)] = [("empty", Data()), ("truncated", good.prefix(good.count - 5)),
                                       ("header past end", Data([0xFF, 0xFF, 0, 0, 0, 0, 0, 0]) + good.dropFirst(8))]
        var nan = good
        nan.replaceSubrange((nan.count - 8 - 24)..<(nan.count - 8 - 20), with: withUnsafeBytes(of: Float.nan) { Data($0) })
        cases.append(("a NaN feature", nan))
        for (what, bytes) in cases {
            XCTAssertThrowsError(try Lab(decoding: bytes, path: path), what) { error in
                guard case Lab.Failure.damaged? = error as? Lab.Failure else { return XCTFail("\(what): \(error)") }
            }
        }
    }

    /// Issue 21: a lab carries each folder's blind calls and shift score to the next folder.
    func testALabCarriesItsMeasurementsAndRefusesNonsenseOnes() throws {
        var lab = sampleLab()
        lab.measurements = ["/slides/one": .init(agreed: 17, calls: 24, shift: 1.25), "/slides/two": .init(agreed: 3, calls: 4, shift: 1.5)]
        try lab.save(environment: environment)
        let back = try XCTUnwrap(Lab.load(name: "ward-7", model: "mnv2-abc", environment: environment))
        XCTAssertEqual(back.measurements, lab.measurements)
        let others = back.measured(excludingFolder: "/slides/two")
        XCTAssertEqual(others.agreed, 17)
        XCTAssertEqual(others.calls, 24)
        XCTAssertEqual(others.shifts, [1.25])
        // An older lab file has none; one that says more agreed than called is damaged.
        var old = sampleLab()
        old.measurements = [:]
        XCTAssertEqual(try Lab(decoding: old.encoded(), path: "p").measurements, [:])
        var bad = sampleLab()
        bad.measurements = ["/x": .init(agreed: 5, calls: 4, shift: 1)]
        XCTAssertThrowsError(try Lab(decoding: bad.encoded(), path: "p")) { error in
            XCTAssertEqual("\(error)", "the lab file \"p\" is damaged: its measurements are not readable")
        }
    }

    func testLabNamesAreSafeFileNames() {
        for bad in ["", "../x", ".hidden", "a/b", "tab\there", String(repeating: "x", count: 65), "naïve"] {
            XCTAssertFalse(Lab.isValidName(bad), bad)
        }
        for good in ["ward-7", "lab_B.2026", "X"] { XCTAssertTrue(Lab.isValidName(good), good) }
        XCTAssertThrowsError(try Lab.load(name: "../etc", model: "m", environment: environment))
    }
}
