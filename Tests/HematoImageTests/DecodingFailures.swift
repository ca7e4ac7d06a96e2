import XCTest
import HematoImage

/// Loading `path` must fail, with an error `check` accepts that names `path`: the one check the JPEG and the
/// PNG/TIFF tests share.
func assertDecodingFails(_ path: String, _ check: (ImageError) -> Bool, file: StaticString = #filePath, line: UInt = #line) {
    let name = path.split(separator: "/").last.map(String.init) ?? path
    do {
        let image = try ImageDecoding.load(path)
        XCTFail("\(name) decoded \(image.width)×\(image.height) instead of failing", file: file, line: line)
    } catch {
        XCTAssertTrue(check(error), "\(name): unexpected error \(error)", file: file, line: line)
        XCTAssertEqual(error.path, path, file: file, line: line)
    }
}
