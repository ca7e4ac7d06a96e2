import Foundation
import HematoReview

/// Defaults a user sets once, in `$XDG_CONFIG_HOME/hematovision/config`
/// (else `~/.config/hematovision/config`): `key = value` lines, `#` starts a
/// comment. A command-line option always wins over the file.
struct Config {
    static let knownKeys: Set<String> = ["lab"]

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
            if Self.knownKeys.contains(parts[0]) {
                values[parts[0]] = parts[1]
            } else {
                warnings.append("\(name) line \(number + 1): unknown key \(DisplayName.escaped(parts[0])) (known: \(Self.knownKeys.sorted().joined(separator: ", ")))")
            }
        }
    }
}
