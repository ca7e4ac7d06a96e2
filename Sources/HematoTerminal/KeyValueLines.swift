/// The format of theme files and of the config file: `key = value` lines, `#`
/// starting a comment, blank lines ignored. Each reader decides what its keys
/// and values mean and words its own warnings.
public enum KeyValueLines {
    public enum Line: Equatable, Sendable {
        /// `number` counts from 1; key and value are trimmed.
        case entry(number: Int, key: String, value: String)
        /// A line with text but no `key = value` in it.
        case malformed(number: Int)
    }

    public static func parse(_ text: String) -> [Line] {
        var lines: [Line] = []
        for (n, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init)?
                .trimmingCharacters(in: .whitespaces) ?? ""
            guard !line.isEmpty else { continue }
            let parts = line.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            lines.append(parts.count == 2 ? .entry(number: n + 1, key: parts[0], value: parts[1]) : .malformed(number: n + 1))
        }
        return lines
    }
}
