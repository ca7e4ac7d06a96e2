import Foundation

/// JSON for standard output. JSONSerialization refuses NaN and infinity (a
/// score over no images, a broken model), so those become null instead of a crash.
enum JSONOutput {
    static func text(_ object: [String: Any]) throws -> String {
        let data = try JSONSerialization.data(withJSONObject: finite(object), options: [.sortedKeys])
        return String(decoding: data, as: UTF8.self)
    }

    private static func finite(_ value: Any) -> Any {
        switch value {
        case let d as Double: return d.isFinite ? d : NSNull()
        case let f as Float: return f.isFinite ? Double(f) : NSNull()
        case let dict as [String: Any]: return dict.mapValues(finite)
        case let array as [Any]: return array.map(finite)
        default: return value
        }
    }
}
