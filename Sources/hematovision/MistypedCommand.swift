import Foundation
import HematoReview

/// review is the default command, so `hematovision clasify x` would reach review, which
/// reports "Unexpected argument" with its own usage: true, and no help. A first word that
/// names no file or folder and is within two edits of a command is taken for a typo.
enum MistypedCommand {
    /// The message for `word`, or nil when it is a command, an option, a path that exists,
    /// or not close enough to any command to be one misspelt.
    static func message(for word: String, commands: [String],
                        exists: (String) -> Bool = { FileManager.default.fileExists(atPath: $0) }) -> String? {
        guard !word.isEmpty, !word.hasPrefix("-"), !word.contains("/"), !commands.contains(word), !exists(word) else { return nil }
        let scored = commands.map { (name: $0, distance: editDistance(word.lowercased(), $0)) }
        guard let best = scored.min(by: { $0.distance < $1.distance }), best.distance <= 2 else { return nil }
        return "unknown command '\(DisplayName.escaped(word))'; did you mean \(best.name)?"
    }

    /// Levenshtein distance (insertions, deletions, substitutions), over characters.
    static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        guard !a.isEmpty, !b.isEmpty else { return max(a.count, b.count) }
        var previous = Array(0...b.count)
        for i in 1...a.count {
            var current = [i] + Array(repeating: 0, count: b.count)
            for j in 1...b.count {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            previous = current
        }
        return previous[b.count]
    }
}
