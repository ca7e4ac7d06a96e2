import Foundation
import HematoFiles
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
        "target": { Int($0).map { (1...Config.maximumTarget).contains($0) } == true ? nil : "must be a whole number of cells from 1 to \(Config.maximumTarget)" },
        "classes": { Config.parseClasses($0).problem },
        "threads": { Int($0).map { (1...64).contains($0) } == true ? nil : "must be a whole number from 1 to 64" },
        "calibrate": { Int($0).map { (0...1000).contains($0) } == true ? nil : "must be a whole number from 0 (off) to 1000" },
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
    /// Blind calls on a folder the model was not measured on (0: none).
    var calibrate: Int? { values["calibrate"].flatMap { Int($0) } }
    /// The cells a review counts to (`--target` wins).
    var target: Int? { values["target"].flatMap { Int($0) } }
    static let maximumTarget = 100_000
    /// The lab's own classes and their keys: `classes = BAND:d, BLAST:t` (the review's other keys stay theirs).
    var extraClasses: [(key: Character, name: String)] { values["classes"].map { Self.parseClasses($0).classes } ?? [] }

    static func parseClasses(_ text: String) -> (classes: [(key: Character, name: String)], problem: String?) {
        var classes: [(key: Character, name: String)] = []
        var keymap = Keymap.review
        for item in text.split(separator: ",") {
            let parts = item.split(separator: ":", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            guard parts.count == 2, parts[1].count == 1, let key = parts[1].first else {
                return ([], "takes NAME:KEY pairs separated by commas (BAND:d, BLAST:t)")
            }
            if let problem = keymap.problem(givingKey: key, to: parts[0]) { return ([], problem) }
            if classes.contains(where: { $0.name == parts[0] }) { return ([], "names \(parts[0]) twice") }
            classes.append((key, parts[0]))
            keymap = .review(extraClasses: classes)
        }
        return (classes, nil)
    }

    /// Worker threads for classify and evaluate: the option, else the config file, else one per core this
    /// process may run on (its CPU affinity, so `taskset` and a Slurm job's cpuset are honoured), at most 64.
    func workerThreads(option: Int?) -> Int {
        option ?? threads ?? min(64, AllowedCores.count)
    }

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
        // Every command reads this file: through the file layer, so a FIFO there is refused, not waited on.
        let bytes: [UInt8]?
        do { bytes = try RegularFile.contentsIfPresent(path, limit: 1 << 20) } catch {
            var config = Config()
            config.warnings.append("cannot read \(DisplayName.escaped(path)): \(error.reason)")
            return config
        }
        guard let bytes else { return Config() }
        return Config(text: String(decoding: bytes, as: UTF8.self), name: DisplayName.escaped(path))
    }

    init() {}

    init(text: String, name: String) {
        for line in KeyValueLines.parse(text) {
            let (number, key, value): (Int, String, String)
            switch line {
            case .malformed(let n):
                warnings.append("\(name) line \(n): expected `key = value`")
                continue
            case .entry(let n, let k, let v): (number, key, value) = (n, k, v)
            }
            if let check = Self.checks[key] {
                if value.isEmpty {
                    warnings.append("\(name) line \(number): \(key) has no value")
                } else if let problem = check(value) {
                    warnings.append("\(name) line \(number): \(key) \(problem), not \(DisplayName.escaped(value))")
                } else {
                    values[key] = value
                }
            } else {
                warnings.append("\(name) line \(number): unknown key \(DisplayName.escaped(key)) (known: \(Self.knownKeys.sorted().joined(separator: ", ")))")
            }
        }
    }
}
