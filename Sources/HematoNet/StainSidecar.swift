import Foundation
import HematoAdapt
import HematoFiles
import CBundledModel

/// The stain check's reference for a model: `NAME.stain.json` beside `NAME.safetensors`, or for the
/// shipped model the copy compiled into the binary (Training/stain_stats.py writes it). Bound to the
/// model by its identity, as the int8 calibration is: a reference measured for other training labs
/// would misjudge every folder.
public enum StainSidecar {
    public static let format = "hematovision-stain"

    public static func path(forModel path: String) -> String { ModelFile.sidecar(ofModel: path, suffix: "stain.json") }

    /// The reference for `model`, or nil when it has none (the stain check is then silent, as the
    /// shift check is for a model without training statistics). A damaged sidecar, or one made for
    /// another model, is refused with a message rather than read as "no stain check".
    public static func reference(for model: ModelFile) throws(StainSidecarError) -> StainReference? {
        if model.path != ModelFile.builtInPath {
            let path = path(forModel: model.path)
            let bytes: [UInt8]?
            do { bytes = try RegularFile.contentsIfPresent(path, limit: 1 << 16) } catch { throw .unreadable(path: path, reason: error.reason) }
            if let bytes {
                let (identity, reference) = try parse(bytes, source: path)
                guard identity == model.identity else { throw .otherModel(source: path, expected: model.identity, found: identity) }
                return reference
            }
        }
        let builtIn = UnsafeRawBufferPointer(start: hv_bundled_stain_reference(), count: hv_bundled_stain_reference_size())
        let (identity, reference) = try parse(Array(builtIn), source: "the built-in stain reference")
        return identity == model.identity ? reference : nil
    }

    /// (model identity, reference) from a sidecar's bytes.
    public static func parse(_ bytes: [UInt8], source: String) throws(StainSidecarError) -> (String, StainReference) {
        let parsed: Any
        do { parsed = try JSONSerialization.jsonObject(with: Data(bytes)) } catch { throw .malformed(source: source, problem: "it is not JSON") }
        guard let object = parsed as? [String: Any] else { throw .malformed(source: source, problem: "it is not a JSON object") }
        guard object["format"] as? String == format else { throw .malformed(source: source, problem: "its format is not \"\(format)\"") }
        guard let identity = object["model_identity"] as? String, !identity.isEmpty else {
            throw .malformed(source: source, problem: "it names no model_identity")
        }
        func numbers(_ value: Any?) -> [Float]? {
            guard let list = value as? [Any] else { return nil }
            let out = list.compactMap { ($0 as? NSNumber).map { Float(truncating: $0) } }
            return out.count == list.count && out.allSatisfy(\.isFinite) ? out : nil
        }
        guard let rows = object["centroids"] as? [Any], !rows.isEmpty, rows.count <= 64 else {
            throw .malformed(source: source, problem: "it has no centroids")
        }
        let centroids = rows.map(numbers)
        guard centroids.allSatisfy({ $0?.count == 3 }) else { throw .malformed(source: source, problem: "a centroid is not three numbers") }
        guard let scale = numbers(object["scale"]), scale.count == 3, scale.allSatisfy({ $0 > 0 }) else {
            throw .malformed(source: source, problem: "its scale must be three positive numbers")
        }
        guard let reference = numbers([object["reference"] as Any])?.first, reference > 0,
              let threshold = numbers([object["threshold"] as Any])?.first, threshold > 0 else {
            throw .malformed(source: source, problem: "its reference and threshold must be positive numbers")
        }
        let labs = (object["labs"] as? [String]) ?? []
        return (identity, StainReference(labs: labs, centroids: centroids.map { $0! }, scale: scale,
                                         reference: reference, threshold: threshold))
    }
}

public enum StainSidecarError: Error, Equatable, CustomStringConvertible {
    case unreadable(path: String, reason: String)
    case malformed(source: String, problem: String)
    case otherModel(source: String, expected: String, found: String)

    public var description: String {
        switch self {
        case .unreadable(let path, let reason): "cannot read the stain reference \(path): \(reason)"
        case .malformed(let source, let problem): "the stain reference \(source) is unusable: \(problem)"
        case .otherModel(let source, let expected, let found):
            "the stain reference \(source) was made for model \(found), not for this one (\(expected)): rerun Training/stain_stats.py --sidecar"
        }
    }
}
