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
        let back = try XCTUnwrap(Lab.load(name: "ward-7", model: "mnv2-abc", labels: ["A", "B"], dimensions: 3, environment: environment))
        XCTAssertEqual(back, lab)
        XCTAssertEqual(back.folders, ["/slides/one", "/slides/two"])
        XCTAssertEqual(back.examples(excludingFolder: "/slides/one").map(\.image), ["sub/x.jpg"])
    }

    func testAMissingLabIsNilAndALabOfAnotherModelIsRefused() throws {
        XCTAssertNil(try Lab.load(name: "ward-7", model: "mnv2-abc", labels: ["A", "B"], dimensions: 3, environment: environment))
        try sampleLab(model: "mnv2-old").save(environment: environment)
        XCTAssertThrowsError(try Lab.load(name: "ward-7", model: "mnv2-new", labels: ["A", "B"], dimensions: 3, environment: environment)) { error in
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
        lab.measurements = ["/slides/one": .init(agreed: 17, calls: 24, shift: 1.25, stain: 3.5, stainPoint: [9, 8, 18]), "/slides/two": .init(agreed: 3, calls: 4, shift: 1.5)]
        try lab.save(environment: environment)
        let back = try XCTUnwrap(Lab.load(name: "ward-7", model: "mnv2-abc", labels: ["A", "B"], dimensions: 3, environment: environment))
        XCTAssertEqual(back.measurements, lab.measurements)
        let others = back.measured(excludingFolder: "/slides/two")
        XCTAssertEqual(others.agreed, 17)
        XCTAssertEqual(others.calls, 24)
        XCTAssertEqual(others.shifts, [1.25])
        XCTAssertEqual(others.stainPoints, [[9, 8, 18]])
        XCTAssertEqual(back.measured(excludingFolder: "/slides/one").stainPoints, [], "a folder measured without a stain gives none")
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
        XCTAssertThrowsError(try Lab.load(name: "../etc", model: "m", labels: ["A", "B"], dimensions: 3, environment: environment))
    }

    /// A lab whose model id matches but whose head does not fit the model: refused with the mismatch
    /// named, never used (a head of 2 inputs read 1,280 features past its end; class 8 of an 8-class
    /// head indexed past the model's 4 names; "A,B" was written as the model's names).
    func testALabThatDoesNotFitTheModelIsRefusedNamingTheMismatch() throws {
        try sampleLab().save(environment: environment)
        func refusal(labels: [String], dimensions: Int) -> String? {
            do {
                _ = try Lab.load(name: "ward-7", model: "mnv2-abc", labels: labels, dimensions: dimensions, environment: environment)
                return nil
            } catch {
                guard case .doesNotFit = error else { return "wrong error: \(error)" }
                return error.description
            }
        }
        XCTAssertEqual(refusal(labels: ["A", "B"], dimensions: 1280),
                       "lab \"ward-7\" does not fit this model: its head takes 3 inputs, but the model's features have 1280; use another lab name, or remove the lab file")
        XCTAssertEqual(refusal(labels: ["A", "B", "C", "D"], dimensions: 3),
                       "lab \"ward-7\" does not fit this model: it has 2 classes (\"A\", \"B\"), the model 4 (\"A\", \"B\", \"C\", \"D\"); use another lab name, or remove the lab file")
        XCTAssertEqual(refusal(labels: ["NEUTROPHIL", "LYMPHOCYTE"], dimensions: 3),
                       "lab \"ward-7\" does not fit this model: its classes are \"A\", \"B\", the model's \"NEUTROPHIL\", \"LYMPHOCYTE\"; use another lab name, or remove the lab file")
        XCTAssertNil(refusal(labels: ["A", "B"], dimensions: 3))
    }

    /// Issue 22, item 8: a lab holds features and labels of a folder's images; it is no more readable
    /// than the labels file they came from, and a save never widens it.
    func testALabTakesTheLabelFilesModeAndIsNeverWidened() throws {
        let path = home + "/hematovision/labs/ward-7.safetensors"
        func mode() throws -> Int? { try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int }
        try sampleLab().save(environment: environment, mode: 0o600)
        XCTAssertEqual(try mode(), 0o600)
        try sampleLab().save(environment: environment, mode: 0o644)
        XCTAssertEqual(try mode(), 0o600, "not widened by a more readable folder")
        chmod(path, 0o644)
        try sampleLab().save(environment: environment, mode: 0o640)
        XCTAssertEqual(try mode(), 0o640)
    }
}
