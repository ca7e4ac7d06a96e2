import CBundledModel
import Foundation
import HematoAdapt
import HematoFiles
import HematoImage

/// A validated model file, memory-mapped for as long as this value lives (or the copy built into the binary).
/// Every tensor's name, type, shape and byte range, and the metadata the
/// engine depends on, are checked when it is opened, so a damaged or foreign
/// file is refused with a message instead of producing nonsense.
public final class ModelFile: @unchecked Sendable {  // immutable after init; the mapping is read-only
    public static let format = "hematovision-mobilenetv2"
    public static let supportedVersions = ["1"]

    public let path: String
    public let labels: [String]
    public let preprocessing: Preprocessing
    /// The held-out scores the exporter measured, as JSON text.
    public let scoresJSON: String?
    public let trainingData: String?
    /// Short, stable identity of this exact file, for the review journal.
    public let identity: String
    /// The training images' feature statistics for the shift warning, when the exporter stored them.
    public let shift: ShiftReference?
    /// The canonical cell view the model was trained on (metadata `view`); nil: the whole picture.
    public let view: CanonicalViewRule?

    /// How large to decode a file for this model. The canonical view cuts small squares out of
    /// the picture, so it needs every pixel; the whole-picture rule does not.
    public var decodeCovering: (width: Int, height: Int)? { view == nil ? preprocessing.decodeCovering : nil }

    /// The mapping the tensors point into; it lives as long as this value. Nil for the built-in
    /// copy, whose bytes live in the binary for as long as the process.
    private let mapped: MappedFile?
    private let tensors: [String: UnsafeBufferPointer<Float>]

    /// The model that ships with the app: the first file found in ModelLocation's folders (so an
    /// installed file can replace it), else the copy compiled into the binary.
    public static func bundled(environment: [String: String] = ProcessInfo.processInfo.environment) throws(ModelFileError) -> ModelFile {
        if let path = ModelLocation.find(environment: environment).path { return try ModelFile(path: path) }
        return try builtIn()
    }

    /// What `path` says for the copy compiled into the binary.
    public static let builtInPath = "built in"

    /// A file made for the model at `path`: `NAME.SUFFIX` beside `NAME.safetensors` (its int8
    /// calibration, its stain reference).
    public static func sidecar(ofModel path: String, suffix: String) -> String {
        (path.hasSuffix(".safetensors") ? String(path.dropLast(".safetensors".count)) : path) + "." + suffix
    }

    /// The shipped model file as compiled into the binary (CBundledModel), validated like any other.
    public static func builtIn() throws(ModelFileError) -> ModelFile {
        try ModelFile(path: builtInPath, bytes: UnsafeRawBufferPointer(start: hv_bundled_model(), count: hv_bundled_model_size()), mapped: nil)
    }

    public convenience init(path: String) throws(ModelFileError) {
        // Through the project's file layer: non-blocking, so a FIFO given as --model is refused
        // by the type check instead of waiting for a writer.
        let mapped: MappedFile
        do {
            mapped = try MappedFile(path: path)
        } catch .notRegular {
            throw .unreadable(path: path, reason: "not a regular file")
        } catch {
            throw .unreadable(path: path, reason: error.reason)
        }
        try self.init(path: path, bytes: mapped.bytes, mapped: mapped)
    }

    private init(path: String, bytes: UnsafeRawBufferPointer, mapped: MappedFile?) throws(ModelFileError) {
        self.path = path
        guard bytes.count >= 8 else { throw .truncated(size: bytes.count) }
        let file = try SafeTensors(bytes)
        let meta = try Metadata(file.metadata)
        labels = meta.labels
        preprocessing = meta.preprocessing
        view = meta.view
        scoresJSON = file.metadata["scores"]
        trainingData = file.metadata["training_data"]
        tensors = try Self.checkedTensors(file, bytes: bytes, classes: labels.count)
        shift = try Self.shiftReference(file, tensors: tensors, metadata: file.metadata)
        identity = "mnv2-" + String(ContentHash.fnv1a64(bytes[0..<file.dataStart]), radix: 16)
        self.mapped = mapped
    }

    /// The classifier layer (temperature folded in), the prior every lab adaptation starts from.
    public var head: LinearHead {
        let w = tensor("classifier.weight"), b = tensor("classifier.bias")
        return LinearHead(classes: labels.count, dimensions: Architecture.featureChannels, weights: Array(w), bias: Array(b))
    }

    func tensor(_ name: String) -> UnsafeBufferPointer<Float> {
        guard let t = tensors[name] else { preconditionFailure("tensor \(name) was validated at load time") }
        return t
    }

    private static func checkedTensors(_ file: SafeTensors, bytes: UnsafeRawBufferPointer, classes: Int) throws(ModelFileError) -> [String: UnsafeBufferPointer<Float>] {
        var expected = Architecture.expectedShapes(classes: classes)
        // The shift statistics are optional; their number of centroids is the file's choice.
        if let centroids = file.entries[Self.shiftCentroids], centroids.shape.count == 2 {
            expected[Self.shiftCentroids] = [centroids.shape[0], Architecture.featureChannels]
            expected[Self.shiftScale] = [Architecture.featureChannels]
        }
        for name in file.entries.keys.sorted() where expected[name] == nil { throw .unexpectedTensor(name) }
        var out: [String: UnsafeBufferPointer<Float>] = [:]
        for (name, shape) in expected.sorted(by: { $0.key < $1.key }) {
            guard let entry = file.entries[name] else { throw .missingTensor(name) }
            guard entry.dtype == "F32" else { throw .wrongDataType(tensor: name, found: entry.dtype) }
            guard entry.shape == shape else { throw .wrongShape(tensor: name, expected: shape, found: entry.shape) }
            // Offsets near Int.max must be refused, not trap: every sum and product is checked.
            let count = entry.elementCount
            let (byteCount, countOverflow) = count.multipliedReportingOverflow(by: MemoryLayout<Float>.size)
            let (start, startOverflow) = file.dataStart.addingReportingOverflow(entry.range.lowerBound)
            let (end, endOverflow) = file.dataStart.addingReportingOverflow(entry.range.upperBound)
            guard !countOverflow, !startOverflow, !endOverflow, entry.range.count == byteCount, end <= bytes.count else {
                throw .dataOutOfRange(tensor: name)
            }
            // The weights are used where they lie in the mapping, so each must start on a float's boundary.
            guard start % MemoryLayout<Float>.alignment == 0 else {
                throw .misaligned(tensor: name, offset: start, headerLength: file.dataStart - 8)
            }
            let pointer = (bytes.baseAddress! + start).assumingMemoryBound(to: Float.self)
            let values = UnsafeBufferPointer(start: pointer, count: count)
            if let element = firstNonFinite(values) { throw .nonFiniteWeight(tensor: name, element: element) }
            out[name] = values
        }
        return out
    }

    /// Where the first NaN or infinity is, if anywhere. One pass over the 2.2 M weights
    /// costs a few milliseconds, once per load.
    static func firstNonFinite(_ values: UnsafeBufferPointer<Float>) -> Int? {
        for i in values.indices where !values[i].isFinite { return i }
        return nil
    }
}

extension ModelFile {
    static let shiftCentroids = "shift.centroids"
    static let shiftScale = "shift.scale"

    static func shiftReference(_ file: SafeTensors, tensors: [String: UnsafeBufferPointer<Float>],
                               metadata: [String: String]) throws(ModelFileError) -> ShiftReference? {
        guard let centroids = tensors[shiftCentroids], let scale = tensors[shiftScale] else { return nil }
        guard centroids.count >= scale.count else { throw .badMetadata(key: shiftCentroids, problem: "holds no centroid") }
        guard let reference = metadata["shift_reference"].flatMap(Float.init), reference.isFinite, reference > 0 else {
            throw .badMetadata(key: "shift_reference", problem: "must be a positive number")
        }
        guard let threshold = metadata["shift_threshold"].flatMap(Float.init), threshold.isFinite, threshold > 0 else {
            throw .badMetadata(key: "shift_threshold", problem: "must be a positive number")
        }
        guard scale.allSatisfy({ $0.isFinite && $0 > 0 }), centroids.allSatisfy({ $0.isFinite }) else {
            throw .badMetadata(key: shiftScale, problem: "must be finite, with a positive scale")
        }
        return ShiftReference(centroids: Array(centroids), scale: Array(scale), reference: reference, threshold: threshold)
    }
}

/// The metadata keys the engine relies on, parsed and checked.
private struct Metadata {
    let labels: [String]
    let preprocessing: Preprocessing
    let view: CanonicalViewRule?

    init(_ m: [String: String]) throws(ModelFileError) {
        guard m["format"] == ModelFile.format else { throw .notAHematoVisionModel(format: m["format"]) }
        guard let version = m["format_version"] else { throw .badMetadata(key: "format_version", problem: "is missing") }
        guard ModelFile.supportedVersions.contains(version) else { throw .unknownFormatVersion(version) }
        let labels = (m["labels"] ?? "").split(separator: ",").map { String($0) }
        guard labels.count >= 2, Set(labels).count == labels.count else {
            throw .badMetadata(key: "labels", problem: "must list at least two distinct classes")
        }
        // Labels are printed on the review screen, by show and evaluate, and written into labels.csv:
        // one holding an escape sequence or a bidi override could rewrite what a reviewer sees.
        for (n, label) in labels.enumerated() {
            if let bad = label.unicodeScalars.first(where: Self.isUnprintable) {
                throw .badMetadata(key: "labels", problem: "has a label (number \(n + 1)) holding the unprintable character U+\(String(bad.value, radix: 16, uppercase: true)); labels must be plain text")
            }
        }
        guard let w = m["input_width"].flatMap({ Int($0) }), let h = m["input_height"].flatMap({ Int($0) }),
              (32...1024).contains(w), (32...1024).contains(h) else {
            throw .badMetadata(key: "input_width/input_height", problem: "must be whole numbers from 32 to 1024")
        }
        guard m["resize"] == Preprocessing.ruleName else {
            throw .badMetadata(key: "resize", problem: "is \"\(m["resize"] ?? "missing")\"; this build implements \"\(Preprocessing.ruleName)\"")
        }
        func triple(_ key: String) throws(ModelFileError) -> (Float, Float, Float) {
            let v = (m[key] ?? "").split(separator: ",").compactMap { Float($0.trimmingCharacters(in: .whitespaces)) }
            guard v.count == 3, v.allSatisfy({ $0.isFinite }) else { throw .badMetadata(key: key, problem: "must be three numbers") }
            return (v[0], v[1], v[2])
        }
        let std = try triple("std")
        guard std.0 > 0, std.1 > 0, std.2 > 0 else { throw .badMetadata(key: "std", problem: "must be positive") }
        if let text = m["view"] {
            do { view = try CanonicalViewRule(metadata: text) } catch { throw .badMetadata(key: "view", problem: error.description) }
        } else {
            view = nil
        }
        self.labels = labels
        self.preprocessing = Preprocessing(width: w, height: h, mean: try triple("mean"), std: std)
    }

    /// C0 and C1 controls, DEL, line and paragraph separators and bidirectional controls.
    static func isUnprintable(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x00..<0x20, 0x7F..<0xA0, 0x2028, 0x2029, 0x202A...0x202E, 0x2066...0x2069: return true
        default: return false
        }
    }
}
