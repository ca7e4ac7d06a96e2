import Foundation
import HematoFiles
import HematoReview

/// Colours by role. The built-in default *is* the schema: a theme file sets
/// any of these keys (`key = fg [on bg] [bold] [reverse] [dim]`), unknown keys
/// are warned about, missing ones keep the default.
public struct Theme: Equatable, Sendable {
    public var name: String
    public var roles: [String: Style]

    /// Body text uses the terminal's own foreground, so it reads on dark and light
    /// backgrounds alike; colour marks roles (prediction, who labelled, warnings).
    public static let builtIn = Theme(name: "dark", roles: [
        "text": Style(),
        "dim": Style(dim: true),
        "title": Style(foreground: 231, background: 24, bold: true),
        "label": Style(foreground: 39),
        "value": Style(bold: true),
        "bar": Style(foreground: 67),
        "bar_top": Style(foreground: 214),
        "bar_empty": Style(foreground: 244),
        "person": Style(foreground: 34, bold: true),
        "file": Style(foreground: 172),
        "model": Style(foreground: 33),
        "warning": Style(foreground: 196, bold: true),
        "message": Style(foreground: 172, bold: true),
        "hint": Style(foreground: 231, background: 238),
        "hint_key": Style(foreground: 214, background: 238, bold: true),
        "help": Style(foreground: 231, background: 24),
        "help_key": Style(foreground: 214, background: 24, bold: true),
    ])

    public static var roleNames: [String] { builtIn.roles.keys.sorted() }

    public subscript(role: String) -> Style { roles[role] ?? Theme.builtIn.roles[role] ?? Style() }

    /// No colour at all (NO_COLOR, or the monochrome theme): roles keep only their attributes.
    public var withoutColour: Theme {
        var t = self
        t.roles = roles.mapValues { Style(bold: $0.bold, reverse: $0.reverse || $0.background != nil, dim: $0.dim) }
        return t
    }

    public struct Problem: Equatable, Sendable, CustomStringConvertible {
        public let line: Int
        public let text: String
        public var description: String { "line \(line): \(text)" }
    }

    /// Parses a theme file over the built-in default; `problems` lists what was ignored and why.
    public static func parse(_ text: String, name: String) -> (Theme, problems: [Problem]) {
        var theme = builtIn
        theme.name = name
        var problems: [Problem] = []
        for line in KeyValueLines.parse(text) {
            let (n, key, value): (Int, String, String)
            switch line {
            case .malformed(let number):
                problems.append(Problem(line: number, text: "expected `key = value`"))
                continue
            case .entry(let number, let k, let v): (n, key, value) = (number, k, v)
            }
            guard builtIn.roles[key] != nil else {
                problems.append(Problem(line: n, text: "unknown key \"\(key)\" (known: \(roleNames.joined(separator: ", ")))"))
                continue
            }
            switch style(value) {
            case .success(let s): theme.roles[key] = s
            case .failure(let why): problems.append(Problem(line: n, text: why.text))
            }
        }
        return (theme, problems)
    }

    struct Why: Error { let text: String }

    static let colourNames: [String: UInt8] = [
        "black": 0, "red": 1, "green": 2, "yellow": 3, "blue": 4, "magenta": 5, "cyan": 6, "white": 7,
        "bright-black": 8, "grey": 8, "gray": 8, "bright-red": 9, "bright-green": 10, "bright-yellow": 11,
        "bright-blue": 12, "bright-magenta": 13, "bright-cyan": 14, "bright-white": 15,
    ]

    static func style(_ value: String) -> Result<Style, Why> {
        var s = Style()
        var words = value.split(separator: " ").map(String.init)[...]
        func colour(_ w: String) -> Result<UInt8?, Why> {
            if w == "default" { return .success(nil) }
            if let n = colourNames[w] { return .success(n) }
            if let n = UInt8(w) { return .success(n) }
            return .failure(Why(text: "\"\(w)\" is not a colour (a name such as cyan, a number 0–255, or default)"))
        }
        var sawForeground = false
        while let w = words.popFirst() {
            switch w {
            case "bold": s.bold = true
            case "reverse": s.reverse = true
            case "dim": s.dim = true
            case "on":
                guard let b = words.popFirst() else { return .failure(Why(text: "\"on\" needs a background colour")) }
                switch colour(b) { case .success(let c): s.background = c; case .failure(let e): return .failure(e) }
            default:
                guard !sawForeground else { return .failure(Why(text: "unexpected \"\(w)\"")) }
                switch colour(w) { case .success(let c): s.foreground = c; case .failure(let e): return .failure(e) }
                sawForeground = true
            }
        }
        return .success(s)
    }

    /// The names `--theme` takes without a path: the built-in default and the compiled-in shipped themes.
    public static var shippedNames: [String] { ["dark"] + shippedText.keys.sorted() }

    /// A shipped theme by name or a theme file by path; NO_COLOR strips colour from whatever is chosen.
    /// Shipped themes are compiled in (ShippedThemes.swift), so no file has to be found next to the binary.
    public static func load(_ choice: String?, environment: [String: String]) throws -> (Theme, warnings: [String]) {
        var theme = builtIn
        var warnings: [String] = []
        // "dark" is the built-in theme (Themes/dark.theme repeats it, and a test keeps them equal).
        if let choice, choice != "dark" {
            let name: String, text: String
            if let shipped = shippedText[choice] {
                (name, text) = (choice, shipped)
            } else if choice.contains("/") || choice.hasSuffix(".theme") {
                // Through the file layer: a FIFO or device given as a theme is refused, never waited on.
                guard let data = try? RegularFile.contentsIfPresent(choice, limit: 1 << 20) else {
                    throw ThemeFailure(description: "cannot read the theme file \(DisplayName.escaped(choice))")
                }
                (name, text) = (((choice as NSString).lastPathComponent as NSString).deletingPathExtension, String(decoding: data, as: UTF8.self))
            } else {
                throw ThemeFailure(description: "no theme \"\(DisplayName.escaped(choice))\" (shipped: \(shippedNames.joined(separator: ", ")); or a path to a .theme file)")
            }
            let parsed = parse(text, name: name)
            theme = parsed.0
            warnings = parsed.problems.map { "theme \(name), \($0)" }
        }
        if let v = environment["NO_COLOR"], !v.isEmpty { theme = theme.withoutColour }
        return (theme, warnings)
    }

    public struct ThemeFailure: Error, CustomStringConvertible { public let description: String }
}
