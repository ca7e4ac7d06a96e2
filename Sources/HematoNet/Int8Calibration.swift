import CBundledModel
import Foundation
import HematoFiles

/// Which arithmetic the network runs in. int8 needs the activation ranges measured on
/// calibration pictures (an `Int8Calibration`); weights are quantized per channel from the
/// fp32 model file when the graph is built, so the model file itself is unchanged.
public enum Precision: Sendable, Equatable {
    case fp32
    case int8(Int8Calibration)

    public var name: String {
        switch self {
        case .fp32: return "fp32"
        case .int8: return "int8"
        }
    }
}

/// The int8 calibration sidecar: for every activation the int8 graph quantizes, the range of
/// values the fp32 network produced on calibration pictures (training-like images, never the
/// held-out sets). Written by Training/calibrate_int8.py as a small JSON file beside the model
/// file (`NAME.int8.json` for `NAME.safetensors`), bound to the model by its identity.
public struct Int8Calibration: Sendable, Equatable {
    public static let format = "hematovision-int8-calibration"
    public static let supportedVersions = ["1"]
    public static let fileName = "hematovision-mobilenetv2.int8.json"

    public let modelIdentity: String
    /// What the ranges were measured on, as the script describes it.
    public let calibrationData: String
    /// Activation name → (low, high).
    let ranges: [String: ClosedRange<Float>]
    /// Layers (by their output's name) the calibration keeps in fp32, where int8 cost too much accuracy.
    public let fp32Layers: Set<String>

    /// Every activation the int8 graph quantizes, by name: the input, the stem, each block's
    /// expansion, depthwise, projection (and sum, with a residual), and the head.
    public static var activationNames: [String] {
        var names = ["input", "stem"]
        for block in Architecture.blocks {
            let p = "blocks.\(block.number)"
            if block.expansion != 1 { names.append("\(p).expand") }
            names += ["\(p).depthwise", "\(p).project"]
            if block.hasResidual { names.append("\(p).sum") }
        }
        return names + ["head"]
    }

    /// Parses and checks the sidecar's bytes; `source` names it in messages.
    public init(bytes: [UInt8], source: String) throws(CalibrationError) {
        let object: [String: Any]
        do {
            guard let o = try JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any] else {
                throw CalibrationError.malformed(source: source, problem: "the top level is not a JSON object")
            }
            object = o
        } catch let error as CalibrationError {
            throw error
        } catch {
            throw .malformed(source: source, problem: "it is not valid JSON (damaged or truncated)")
        }
        guard object["format"] as? String == Self.format else {
            throw .malformed(source: source, problem: "its format is not \"\(Self.format)\"")
        }
        guard let version = object["format_version"] as? String, Self.supportedVersions.contains(version) else {
            throw .malformed(source: source, problem: "its format_version is not one this build reads (\(Self.supportedVersions.joined(separator: ", ")))")
        }
        guard let identity = object["model_identity"] as? String, !identity.isEmpty else {
            throw .malformed(source: source, problem: "it names no model_identity")
        }
        guard let table = object["ranges"] as? [String: Any] else { throw .malformed(source: source, problem: "it has no \"ranges\" object") }
        var ranges: [String: ClosedRange<Float>] = [:]
        for name in Self.activationNames {
            guard let pair = table[name] as? [NSNumber], pair.count == 2 else {
                throw .malformed(source: source, problem: "it has no range [low, high] for \"\(name)\"")
            }
            let lo = pair[0].floatValue, hi = pair[1].floatValue
            guard lo.isFinite, hi.isFinite, lo < hi else {
                throw .malformed(source: source, problem: "its range for \"\(name)\" is not two finite numbers, low < high")
            }
            ranges[name] = lo...hi
        }
        let kept = object["fp32_layers"] as? [String] ?? []
        if let unknown = kept.first(where: { $0 == "input" || !Self.activationNames.contains($0) }) {
            throw .malformed(source: source, problem: "its fp32_layers names \"\(unknown)\", which is no layer")
        }
        fp32Layers = Set(kept)
        modelIdentity = identity
        calibrationData = object["calibration_data"] as? String ?? ""
        self.ranges = ranges
    }

    /// Whether the layer whose output is `name` runs in int8.
    func runsInInt8(_ name: String) -> Bool { !fp32Layers.contains(name) }

    /// The int8 mapping of one activation (the names of `activationNames`).
    func quantization(_ name: String) -> Quantization {
        guard let r = ranges[name] else { preconditionFailure("activation \(name) was validated at load time") }
        return Quantization(covering: r.lowerBound, r.upperBound)
    }

    /// The copy compiled into the binary (CBundledModel), for the shipped model.
    public static func builtIn() throws(CalibrationError) -> Int8Calibration {
        let bytes = UnsafeRawBufferPointer(start: hv_bundled_int8_calibration(), count: hv_bundled_int8_calibration_size())
        return try Int8Calibration(bytes: Array(bytes), source: "the built-in int8 calibration")
    }

    /// Where the sidecar of a model file lies: `NAME.int8.json` beside `NAME.safetensors`.
    public static func sidecarPath(forModel path: String) -> String { ModelFile.sidecar(ofModel: path, suffix: "int8.json") }

    /// The calibration of `model`: its sidecar file, else (for the shipped model, wherever it was
    /// installed or built in) the copy compiled into the binary. A sidecar made for another model,
    /// or a damaged one, is refused with a message.
    public static func forModel(_ model: ModelFile) throws(CalibrationError) -> Int8Calibration {
        var looked: [String] = []
        if model.path != ModelFile.builtInPath {
            let path = sidecarPath(forModel: model.path)
            looked.append(path)
            let bytes: [UInt8]?
            do { bytes = try RegularFile.contentsIfPresent(path, limit: 1 << 20) } catch { throw .unreadable(path: path, reason: error.reason) }
            if let bytes {
                let calibration = try Int8Calibration(bytes: bytes, source: path)
                guard calibration.modelIdentity == model.identity else {
                    throw .otherModel(source: path, expected: model.identity, found: calibration.modelIdentity)
                }
                return calibration
            }
        }
        let builtIn = try builtIn()
        guard builtIn.modelIdentity == model.identity else { throw .missing(model: model.path, looked: looked) }
        return builtIn
    }
}

/// Why int8 cannot run: no calibration for this model, or a damaged or foreign one.
public enum CalibrationError: Error, Equatable, CustomStringConvertible {
    case missing(model: String, looked: [String])
    case unreadable(path: String, reason: String)
    case malformed(source: String, problem: String)
    case otherModel(source: String, expected: String, found: String)

    public var description: String {
        switch self {
        case .missing(let model, let looked):
            return "--precision int8 needs an int8 calibration for the model \(model)" +
                   (looked.isEmpty ? "" : " (looked for \(looked.joined(separator: ", ")))") +
                   "; Training/calibrate_int8.py writes one"
        case .unreadable(let path, let reason): return "cannot read the int8 calibration \(path): \(reason)"
        case .malformed(let source, let problem): return "the int8 calibration \(source) is unusable: \(problem)"
        case .otherModel(let source, let expected, let found):
            return "the int8 calibration \(source) was made for the model \(found), not this one (\(expected)); rerun Training/calibrate_int8.py for it"
        }
    }
}
