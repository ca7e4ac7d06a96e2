import Foundation
import XCTest
@testable import HematoImage

/// The canonical cell view against Training/canonical_view.py's own output for the sample images
/// (reference/canonical_view.json; written by the Python side, not by this code), and on drawn pictures.
final class CanonicalViewTests: XCTestCase {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    struct Reference: Decodable {
        struct Cell: Decodable { let box: [Int]; let area: Int; let crop: [Int] }
        struct Tensor: Decodable { let sum: Double; let values: [Float] }
        struct Entry: Decodable {
            let image: String
            let region: [Int]?
            let beside: String?
            let pixel_check: Int
            let scale: Int
            let threshold: Int
            let background: [Int]
            let nucleus: [Int]?
            let fallback: Bool
            let cells: [Cell]
            let tensors: [Tensor]
        }
        let view: String
        let sampled: Int
        let entries: [Entry]
    }

    static let imagenet = Preprocessing(width: 224, height: 224, mean: (0.485, 0.456, 0.406), std: (0.229, 0.224, 0.225))

    func load(_ name: String) throws -> RGBImage {
        try ImageDecoding.load(Self.root.appendingPathComponent("SampleImages/\(name)").path)
    }

    /// The picture an entry describes: a sample image, a region of it, or two side by side.
    func picture(_ e: Reference.Entry) throws -> RGBImage {
        var image = try load(e.image)
        if let other = e.beside {
            let right = try load(other)
            var pixels = [UInt8]()
            for row in 0..<image.height {
                pixels += image.pixels[(row * image.width * 3)..<((row + 1) * image.width * 3)]
                pixels += right.pixels[(row * right.width * 3)..<((row + 1) * right.width * 3)]
            }
            image = RGBImage(width: image.width + right.width, height: image.height, pixels: pixels)
        }
        if let r = e.region { image = Resampling.cropped(image, x: r[0], y: r[1], width: r[2], height: r[3])! }
        return image
    }

    func testSampleImagesGiveTheTrainingSidesBoxesAndTensors() throws {
        let data = try Data(contentsOf: Self.root.appendingPathComponent("Training/reference/canonical_view.json"))
        let reference = try JSONDecoder().decode(Reference.self, from: data)
        XCTAssertEqual(reference.view, CanonicalViewRule.standard.metadata)
        XCTAssertGreaterThanOrEqual(reference.entries.count, 30)
        var worst: Float = 0
        for e in reference.entries {
            let label = "\(e.image) \(e.region ?? []) \(e.beside ?? "")"
            let image = try picture(e)
            var check = 0
            for (i, v) in image.pixels.enumerated() { check += (i % 251 + 1) * Int(v) }
            XCTAssertEqual(check, e.pixel_check, "decoded pixels differ from Pillow's: \(label)")
            let found = NucleusFinder.find(image)
            XCTAssertEqual(found.scale, e.scale, label)
            XCTAssertEqual(found.threshold, e.threshold, label)
            XCTAssertEqual([Int(found.background.r), Int(found.background.g), Int(found.background.b)], e.background, label)
            XCTAssertEqual(found.nucleus.map { [Int($0.r), Int($0.g), Int($0.b)] }, e.nucleus, label)
            XCTAssertEqual(found.fellBack, e.fallback, label)
            XCTAssertEqual(found.cells.map { [$0.x, $0.y, $0.width, $0.height] }, e.cells.map(\.box), label)
            XCTAssertEqual(found.cells.map(\.nucleusArea), e.cells.map(\.area), label)
            XCTAssertEqual(found.cells.map { [$0.cropX, $0.cropY, $0.cropSide] }, e.cells.map(\.crop), label)
            let inputs = CanonicalView.inputs(image, preprocessing: Self.imagenet)
            XCTAssertEqual(inputs.count, e.tensors.count, label)
            XCTAssertEqual(inputs.first?.isFallback, e.fallback, label)
            for (input, expected) in zip(inputs, e.tensors) {
                let step = input.tensor.count / reference.sampled
                for (k, value) in expected.values.enumerated() {
                    let d = abs(input.tensor[k * step] - value)
                    worst = max(worst, d)
                    XCTAssertLessThanOrEqual(d, 1e-4, "\(label) value \(k * step)")
                }
                let sum = input.tensor.reduce(0.0) { $0 + Double($1) }
                XCTAssertEqual(sum, expected.sum, accuracy: 1e-4 * Double(input.tensor.count), label)
            }
        }
        print("canonical view golden: \(reference.entries.count) views, worst sampled difference \(worst)")
    }

    // MARK: drawn pictures

    static let pink: (UInt8, UInt8, UInt8) = (230, 190, 190)
    static let nucleus: (UInt8, UInt8, UInt8) = (90, 60, 170)

    func drawn(width: Int, height: Int, discs: [(x: Int, y: Int, r: Int)]) -> RGBImage {
        var image = RGBImage(width: width, height: height, filledWith: Self.pink)
        for y in 0..<height {
            for x in 0..<width where discs.contains(where: { ($0.x - x) * ($0.x - x) + ($0.y - y) * ($0.y - y) <= $0.r * $0.r }) {
                let i = (y * width + x) * 3
                image.pixels[i] = Self.nucleus.0; image.pixels[i + 1] = Self.nucleus.1; image.pixels[i + 2] = Self.nucleus.2
            }
        }
        return image
    }

    func testTwoDarkBlueDiscsOnPinkAreTwoCellsAtTheirPlaces() {
        let image = drawn(width: 640, height: 480, discs: [(160, 120, 40), (480, 340, 30)])
        let found = NucleusFinder.find(image)
        XCTAssertEqual(found.cells.count, 2)
        XCTAssertEqual([Int(found.background.r), Int(found.background.g), Int(found.background.b)], [230, 190, 190])
        let first = found.cells[0], second = found.cells[1]
        XCTAssertGreaterThan(first.nucleusArea, second.nucleusArea, "largest first")
        XCTAssertEqual(Double(first.x) + Double(first.width) / 2, 160, accuracy: 4)
        XCTAssertEqual(Double(first.y) + Double(first.height) / 2, 120, accuracy: 4)
        XCTAssertEqual(Double(second.x) + Double(second.width) / 2, 480, accuracy: 4)
        XCTAssertEqual(Double(second.y) + Double(second.height) / 2, 340, accuracy: 4)
        XCTAssertEqual(Double(first.width), 80, accuracy: 4)
        XCTAssertEqual(first.cropSide, (max(first.width, first.height) * 22 + 5) / 10)
        let inputs = CanonicalView.inputs(image, preprocessing: Self.imagenet)
        XCTAssertEqual(inputs.count, 2)
        XCTAssertFalse(inputs[0].isFallback)
    }

    func testBlankPictureFallsBackToTheWholePicture() {
        let image = RGBImage(width: 320, height: 240, filledWith: Self.pink)
        XCTAssertTrue(NucleusFinder.find(image).fellBack)
        let inputs = CanonicalView.inputs(image, preprocessing: Self.imagenet)
        XCTAssertEqual(inputs.count, 1)
        XCTAssertTrue(inputs[0].isFallback)
        XCTAssertEqual(inputs[0].tensor, Self.imagenet.tensor(from: image))
    }

    /// 1×1000 with s = 7 has no small copy at all: before the guard the background's mean divided by zero.
    func testPictureThinnerThanOneBlockFallsBack() {
        let image = RGBImage(width: 1000, height: 1, filledWith: Self.pink)
        let search = NucleusFinder.find(image)
        XCTAssertTrue(search.fellBack)
        XCTAssertEqual(search.scale, 7)
        let inputs = CanonicalView.inputs(image, preprocessing: Self.imagenet)
        XCTAssertEqual(inputs.count, 1)
        XCTAssertTrue(inputs[0].isFallback)
    }

    func testDiscAtTheEdgeIsPaddedWithTheBackground() {
        let image = drawn(width: 320, height: 240, discs: [(8, 120, 30)])
        let (search, crops) = CanonicalView.crops(image)
        XCTAssertEqual(search.cells.count, 1)
        let cell = search.cells[0]
        XCTAssertLessThan(cell.cropX, 0, "the square reaches past the left edge")
        let crop = crops[0]
        XCTAssertEqual(crop.width, cell.cropSide)
        // Left of the picture: padding of the background colour; the picture's own pixels unchanged.
        XCTAssertTrue(crop.pixel(x: 0, y: crop.height / 2) == (230, 190, 190))
        XCTAssertTrue(crop.pixel(x: -cell.cropX, y: 120 - cell.cropY) == image.pixel(x: 0, y: 120))
        XCTAssertTrue(crop.pixel(x: -cell.cropX + 8, y: 120 - cell.cropY) == (90, 60, 170))
    }

    /// A yellowish stain (little blue in the background) with a purple nucleus: raw blue minus green is 40, under
    /// v1's floor of 60, so v1 found nothing here; after white balance on the background it is 88 (v2).
    func testYellowStainedNucleusIsFoundAfterWhiteBalance() {
        let background: (UInt8, UInt8, UInt8) = (250, 222, 152), nucleus: (UInt8, UInt8, UInt8) = (85, 40, 80)
        let (cx, cy, r) = (320, 240, 40)
        func inside(_ x: Int, _ y: Int) -> Bool { (x - cx) * (x - cx) + (y - cy) * (y - cy) <= r * r }
        var image = RGBImage(width: 640, height: 480, filledWith: background)
        for y in 0..<480 {
            for x in 0..<640 where inside(x, y) {
                let i = (y * 640 + x) * 3
                image.pixels[i] = nucleus.0; image.pixels[i + 1] = nucleus.1; image.pixels[i + 2] = nucleus.2
            }
        }
        // Expected from the geometry: the small copy has 4×4 blocks (640 / 160). Most blocks are background, so
        // the background is exactly (250, 222, 152). A block with k of its 16 pixels in the disc scores
        // 255·k·(80·222 − 40·152) // (16·222·152) = 255·k·11680 // 539904: 88 for k = 16, 77 for k = 14, 71 for
        // k = 13. Otsu splits near half the disc's score, so the floor 75 is the threshold: the mask is the
        // blocks with at least 14 disc pixels. On the disc's rows through the centre that is block columns
        // 71…89 (pixels 284…359; column 70 holds 13 disc pixels, column 90 one), and the same for rows, so the
        // box is x 284 ..< 360, y 204 ..< 280; side (76·22 + 5) // 10 = 167, origin ((284 + 360 − 167) >> 1,
        // (204 + 280 − 167) >> 1) = (238, 158).
        var area = 0
        for by in 0..<120 {
            for bx in 0..<160 {
                var k = 0
                for y in (by * 4)..<(by * 4 + 4) { for x in (bx * 4)..<(bx * 4 + 4) where inside(x, y) { k += 1 } }
                if k >= 14 { area += 1 }
            }
        }
        let found = NucleusFinder.find(image)
        XCTAssertEqual([Int(found.background.r), Int(found.background.g), Int(found.background.b)], [250, 222, 152])
        XCTAssertEqual(found.scale, 4)
        XCTAssertEqual(found.threshold, 75)
        XCTAssertEqual(found.cells.count, 1, "the nucleus is found, not the whole-picture fallback")
        guard let cell = found.cells.first else { return }
        XCTAssertEqual([cell.x, cell.y, cell.width, cell.height], [284, 204, 76, 76])
        XCTAssertEqual(cell.nucleusArea, area)
        XCTAssertEqual([cell.cropX, cell.cropY, cell.cropSide], [238, 158, 167])
        XCTAssertEqual(Double(cell.cropX) + Double(cell.cropSide) / 2, Double(cx), accuracy: 4, "centred on the blob")
        XCTAssertEqual(Double(cell.cropY) + Double(cell.cropSide) / 2, Double(cy), accuracy: 4, "centred on the blob")
    }

    func testRuleNameRoundTripsAndRefusesOthers() throws {
        let standard = CanonicalViewRule.standard
        XCTAssertEqual(standard.metadata,
                       "nucleus-square-v2 small=160 min_score=75 min_piece=4 merge=1/3 min_cell=4/1000 relative=1/4 k=2.2 min_crop=16")
        XCTAssertEqual(try CanonicalViewRule(metadata: standard.metadata), standard)
        let reordered = "nucleus-square-v2 k=3.0 small=100 min_score=50 min_piece=2 merge=1/2 min_cell=8/1000 relative=1/5 min_crop=8"
        let rule = try CanonicalViewRule(metadata: reordered)
        XCTAssertEqual(rule.sideTenths, 30)
        XCTAssertEqual(rule.smallSide, 100)
        XCTAssertEqual(rule.relative, 5)
        XCTAssertThrowsError(try CanonicalViewRule(metadata: "whole-picture")) {
            XCTAssertEqual($0 as? CanonicalViewRule.ParseError, .unknownRule("whole-picture"))
        }
        // A v1 model was trained on crops this build no longer cuts (v1 scored raw blue minus green).
        let v1 = "nucleus-square-v1 small=160 min_score=60 min_piece=4 merge=1/3 min_cell=4/1000 relative=1/4 k=2.2 min_crop=16"
        XCTAssertThrowsError(try CanonicalViewRule(metadata: v1)) {
            XCTAssertEqual($0 as? CanonicalViewRule.ParseError, .unknownRule("nucleus-square-v1"))
        }
        XCTAssertThrowsError(try CanonicalViewRule(metadata: standard.metadata.replacingOccurrences(of: " k=2.2", with: ""))) {
            XCTAssertEqual($0 as? CanonicalViewRule.ParseError, .missingParameter("k"))
        }
        XCTAssertThrowsError(try CanonicalViewRule(metadata: standard.metadata + " extra=1"))
        XCTAssertThrowsError(try CanonicalViewRule(metadata: standard.metadata.replacingOccurrences(of: "k=2.2", with: "k=2.25")))
        XCTAssertThrowsError(try CanonicalViewRule(metadata: standard.metadata.replacingOccurrences(of: "merge=1/3", with: "merge=1/0")))
    }
}
