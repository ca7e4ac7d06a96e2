import HematoReview

/// A key as the review screen understands it.
public enum Key: Hashable, Sendable {
    case character(Character)
    case enter, left, right, up, down, tab, escape
    /// Ctrl and a letter (raw mode delivers Ctrl-C and Ctrl-Z as keys, not signals).
    case control(Character)
    /// Anything else the terminal sent (Alt combinations, function keys, unknown sequences), named for a message.
    case unknown(String)

    public var label: String {
        switch self {
        case .character(" "): return "Space"
        case .character(let c): return String(c)
        case .enter: return "Enter"
        case .left: return "←"
        case .right: return "→"
        case .up: return "↑"
        case .down: return "↓"
        case .tab: return "Tab"
        case .escape: return "Esc"
        case .control(let c): return "Ctrl-" + String(c).uppercased()
        case .unknown(let name): return name
        }
    }
}

/// One table drives input handling, the `?` help screen and the README's key
/// table, so they cannot disagree.
public struct Keymap: Sendable {
    public struct Binding: Sendable {
        public let keys: [Key]
        public let action: ReviewAction
        public let help: String
    }

    public let bindings: [Binding]

    public static let review: Keymap = {
        var b: [Binding] = [
            Binding(keys: [.enter, .character(" ")], action: .accept, help: "confirm the label, else the prediction; next"),
        ]
        let classes: [(Character, Character, String)] = [("e", "1", "EOSINOPHIL"), ("l", "2", "LYMPHOCYTE"),
                                                          ("m", "3", "MONOCYTE"), ("n", "4", "NEUTROPHIL"), ("b", "5", "BASOPHIL")]
        for (letter, digit, name) in classes {
            b.append(Binding(keys: [.character(letter), .character(digit)], action: .set(name), help: "label \(name), next image"))
        }
        for (letter, _, name) in classes {
            b.append(Binding(keys: [.character(Character(letter.uppercased()))], action: .add(name),
                             help: "add \(name) (an image with several cells)"))
        }
        b += [
            Binding(keys: [.character("x")], action: .removeLabel, help: "remove the last of several labels, or blank the label"),
            Binding(keys: [.character("u")], action: .undo, help: "undo the last decision (repeatable)"),
            Binding(keys: [.character("s")], action: .skip, help: "skip: next image, no decision"),
            Binding(keys: [.right, .character("j"), .down], action: .next, help: "next image"),
            Binding(keys: [.left, .character("k"), .up], action: .previous, help: "previous image"),
            Binding(keys: [.tab], action: .nextUnreviewed, help: "jump to the next image without a label"),
            Binding(keys: [.character("o")], action: .toggleOrder, help: "order: by name / least confident first"),
            Binding(keys: [.character("f")], action: .cycleFilter, help: "filter by predicted class (cycles)"),
            Binding(keys: [.character("?"), .character("h")], action: .toggleHelp, help: "show or hide this help"),
            Binding(keys: [.escape], action: .cancel, help: "close the help, or clear the filter"),
            Binding(keys: [.control("z")], action: .suspend, help: "suspend (fg brings the review back)"),
            Binding(keys: [.character("q"), .control("c")], action: .quit, help: "quit, all saved (Ctrl-C exits with status 130)"),
        ]
        return Keymap(bindings: b)
    }()

    public func action(for key: Key) -> ReviewAction? {
        bindings.first { $0.keys.contains(key) }?.action
    }

    /// The README's key table, generated from the same bindings.
    public var markdownTable: String {
        var lines = ["| keys | what it does |", "| --- | --- |"]
        for b in bindings {
            lines.append("| " + b.keys.map { "`\($0.label)`" }.joined(separator: " ") + " | " + b.help + " |")
        }
        return lines.joined(separator: "\n")
    }
}
