import Foundation
import XCTest
@testable import HematoNet
import CBundledModel

/// Where the shipped model is looked for when the binary is not beside its build.
final class ModelLocationTests: XCTestCase {
    func testFoldersComeInOrderWithTheXDGDefaults() {
        let folders = ModelLocation.folders(environment: ["HOME": "/home/ana"], bundleFolder: "/opt/hv/bin", executableFolder: "/opt/hv/bin")
        XCTAssertEqual(folders, [
            "/opt/hv/bin/" + ModelLocation.bundleName,
            "/opt/hv/share/hematovision",
            "/home/ana/.local/share/hematovision",
            "/usr/local/share/hematovision",
            "/usr/share/hematovision",
        ])
    }

    func testXDGFoldersAreHonouredAndRelativeOnesIgnored() {
        let environment = ["HOME": "/home/ana", "XDG_DATA_HOME": "/data/ana", "XDG_DATA_DIRS": "/site/share:relative/share::/more"]
        XCTAssertEqual(ModelLocation.folders(environment: environment, bundleFolder: "/b", executableFolder: "/usr/local/bin").dropFirst(2),
                       ["/data/ana/hematovision", "/site/share/hematovision", "/more/hematovision"])
        let relative = ["HOME": "/home/ana", "XDG_DATA_HOME": "data"]
        XCTAssertEqual(ModelLocation.folders(environment: relative, bundleFolder: "/b", executableFolder: "/b")[2], "/home/ana/.local/share/hematovision")
    }

    func testTheBundleBesideTheTestsIsFound() throws {
        let found = ModelLocation.find(environment: ["HOME": "/nonexistent", "XDG_DATA_DIRS": "/nonexistent"])
        let path = try XCTUnwrap(found.path, "\(found.looked)")
        XCTAssertTrue(path.hasSuffix(ModelLocation.bundleName + "/" + ModelLocation.fileName), path)
    }

    /// The copy compiled into the binary is the shipped file, byte for byte (a stale build would differ).
    func testTheBuiltInModelIsTheShippedFile() throws {
        let shipped = try XCTUnwrap(ModelLocation.find(environment: ["HOME": "/nonexistent", "XDG_DATA_DIRS": "/nonexistent"]).path)
        let builtIn = try ModelFile.builtIn()
        let file = try ModelFile(path: shipped)
        XCTAssertEqual(builtIn.path, "built in")
        XCTAssertEqual(builtIn.identity, file.identity)
        XCTAssertEqual(builtIn.labels, file.labels)
        XCTAssertEqual(Int(bitPattern: hv_bundled_model()) % 64, 0, "aligned for the tensors")
        XCTAssertEqual(Data(bytes: hv_bundled_model(), count: hv_bundled_model_size()), try Data(contentsOf: URL(fileURLWithPath: shipped)))
    }
}
