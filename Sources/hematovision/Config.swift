import Foundation
import HematoReview
import HematoTerminal

/// Defaults a user sets once, in `$XDG_CONFIG_HOME/hematovision/config`
/// (else `~/.config/hematovision/config`): `key = value` lines, `#` starts a
/// comment. A command-line option always wins over the file.
struct Config {
    /// Each key, and what is wrong with a value it cannot take (nil: the value is fine). A bad
    /// value is warned about and ignored, like an unknown key: the command still runs.
    static let checks: [String: @Sendable (String) -> String?] = [
        "lab": { _ in nil },
        "theme": { _ in nil },  // checked where it is loaded: a name or a path, whose file may change
        "graphics": { GraphicsMode(rawValue: $0) == nil ? "must be one of \(GraphicsMode.allCases.map(\.rawValue).joined(separator: ", "))" : nil },
        "threads": { Int($0).map { (1...64).contains($0) } == true ? nil : "must be a whole number from 1 to 64" },
    ]
    static var knownKeys: Set<String> { Set(checks.keys) }

    /// The user's file, read once per run; its warnings are printed the first time it is used.
    static let user: Config = {
        let config = load()
        config.warnings.forEach { report("warning: \($0)") }
        return config
    }()

    var theme: String? { values["theme"] }
    var graphics: GraphicsMode? { values["graphics"].flatMap(GraphicsMode.init(rawValue:)) }
    var threads: Int? { values["threads"].flatMap { Int($0) } }

    var values: [String: String] = [:]
    var warnings: [String] = []

    static func path(environment: [String: String]) -> String {
        let base = environment["XDG_CONFIG_HOME"].flatMap { $0.isEmpty ? nil : $0 }
            ?? (environment["HOME"] ?? NSHomeDirectory()) + "/.config"
        return base + "/hematovision/config"
    }

    /// The user's file, or an empty config when there is none.
    static func load(environment: [String: String] = ProcessInfo.processInfo.environment) -> Config {
        let path = path(environment: environment)
        guard let data = FileManager.default.contents(atPath: path) else { return Config() }
        return Config(text: String(decoding: data, as: UTF8.self), name: DisplayName.escaped(path))
    }

    init() {}

    init(text: String, name: String) {
        for (number, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? ""
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            guard !trimmed.isEmpty else { continue }
            let parts = trimmed.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard parts.count == 2, !parts[0].isEmpty else {
                warnings.append("\(name) line \(number + 1): expected `key = value`")
                continue
            }
            if let check = Self.checks[parts[0]] {
                if parts[1].isEmpty {
                    warnings.append("\(name) line \(number + 1): \(parts[0]) has no value")
                } else if let problem = check(parts[1]) {
                    warnings.append("\(name) line \(number + 1): \(parts[0]) \(problem), not \(DisplayName.escaped(parts[1]))")
                } else {
                    values[parts[0]] = parts[1]
                }
            } else {
                warnings.append("\(name) line \(number + 1): unknown key \(DisplayName.escaped(parts[0])) (known: \(Self.knownKeys.sorted().joined(separator: ", ")))")
            }
        }
    }
}
