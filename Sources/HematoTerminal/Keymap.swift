import HematoReview

/// A key as the review screen understands it.
public enum Key: Hashable, Sendable {
    case character(Character)
    case enter, left, right, up, down, tab, escape
    case home, end, pageUp, pageDown
    /// Ctrl and a letter (raw mode delivers Ctrl-C and Ctrl-Z as keys, not signals).
    case control(Character)
    /// Esc and a key in one burst: Alt+key, or Esc then the key typed quickly (InputDecoder).
    indirect case alt(Key)
    /// Anything else the terminal sent (function keys, unknown sequences), named for a message.
    case unknown(String)

    public var label: String {
        switch self {
        case .character(" "): return "Space"
        case .character(let c): return c.isASCII ? String(c) : DisplayName.escaped(String(c))
        case .enter: return "Enter"
        case .left: return "←"
        case .right: return "→"
        case .up: return "↑"
        case .down: return "↓"
        case .tab: return "Tab"
        case .escape: return "Esc"
        case .home: return "Home"
        case .end: return "End"
        case .pageUp: return "PgUp"
        case .pageDown: return "PgDn"
        case .control(let c): return "Ctrl-" + String(c).uppercased()
        case .alt(let key): return "Alt+" + key.label
        case .unknown(let name): return name
        }
    }
}

/// One table drives input handling, the `?` help screen, the hint bar and the
/// README's key table, so they cannot disagree.
public struct Keymap: Sendable {
    public struct Binding: Sendable {
        public let keys: [Key]
        public let action: ReviewAction
        public let help: String
        /// On the hint bar: bindings with the same word share one hint (their first keys side by side).
        public let hint: Hint?
        /// On the gallery's hint bar, where some keys mean something else (a class key corrects the
        /// thumbnail under the cursor, ↑ ↓ move a row).
        public let galleryHint: Hint?

        public init(keys: [Key], action: ReviewAction, help: String, hint: Hint? = nil, galleryHint: Hint? = nil) {
            self.keys = keys
            self.action = action
            self.help = help
            self.hint = hint
            self.galleryHint = galleryHint
        }
    }

    /// Which screen a hint bar is for.
    public enum View: Sendable {
        case single, gallery
    }

    /// A word for the hint bar, and its place there: a narrow terminal drops the highest ranks first.
    public struct Hint: Sendable {
        public let word: String
        public let rank: Int

        public init(_ word: String, rank: Int) {
            self.word = word
            self.rank = rank
        }
    }

    public let bindings: [Binding]

    public static let review: Keymap = {
        var b: [Binding] = [
            Binding(keys: [.enter, .character(" ")], action: .accept, help: "confirm the label, else the prediction; next",
                    hint: Hint("accept", rank: 0), galleryHint: Hint("accept", rank: 9)),
        ]
        let classes: [(Character, Character, String)] = [("e", "1", "EOSINOPHIL"), ("l", "2", "LYMPHOCYTE"),
                                                          ("m", "3", "MONOCYTE"), ("n", "4", "NEUTROPHIL"), ("b", "5", "BASOPHIL")]
        for (letter, digit, name) in classes {
            b.append(Binding(keys: [.character(letter), .character(digit)], action: .set(name), help: "label \(name), next image",
                             hint: Hint("set", rank: 1), galleryHint: Hint("correct", rank: 1)))
        }
        for (letter, _, name) in classes {
            b.append(Binding(keys: [.character(Character(letter.uppercased()))], action: .add(name),
                             help: "add \(name) (an image with several cells)", hint: Hint("add", rank: 5)))
        }
        b += [
            Binding(keys: [.character("x")], action: .removeLabel, help: "remove the last of several labels, or blank the label",
                    hint: Hint("remove", rank: 8)),
            Binding(keys: [.character("u")], action: .undo, help: "undo the last decision (repeatable)", hint: Hint("undo", rank: 2),
                    galleryHint: Hint("undo", rank: 5)),
            Binding(keys: [.character("s")], action: .skip, help: "skip: next image, no decision"),
            Binding(keys: [.left, .character("k")], action: .previous, help: "previous image", hint: Hint("move", rank: 6),
                    galleryHint: Hint("move", rank: 2)),
            Binding(keys: [.right, .character("j")], action: .next, help: "next image", hint: Hint("move", rank: 6),
                    galleryHint: Hint("move", rank: 2)),
            Binding(keys: [.tab], action: .nextUnreviewed, help: "jump to the next image no reviewer has decided", hint: Hint("unreviewed", rank: 7)),
            Binding(keys: [.character("o")], action: .toggleOrder, help: "order: by name / least confident first", hint: Hint("order", rank: 9)),
            Binding(keys: [.character("f")], action: .cycleFilter, help: "filter by predicted class (cycles)", hint: Hint("filter", rank: 10),
                    galleryHint: Hint("class", rank: 4)),
            Binding(keys: [.character("c")], action: .toggleActivationMap, help: "show or hide the activation map (why this class)",
                    hint: Hint("why", rank: 11)),
            Binding(keys: [.character("z")], action: .toggleZoom, help: "zoom to the cell (none found: the middle) and back",
                    hint: Hint("zoom", rank: 12)),
            // The gallery (Gallery.swift, GalleryScreen.swift); there ← → k j move one thumbnail, f changes the class.
            Binding(keys: [.character("v")], action: .toggleGallery, help: "gallery of one predicted class / back (Esc too)",
                    hint: Hint("gallery", rank: 3), galleryHint: Hint("single view", rank: 6)),
            Binding(keys: [.up], action: .previousRow, help: "previous image (gallery: the row above)",
                    galleryHint: Hint("move", rank: 2)),
            Binding(keys: [.down], action: .nextRow, help: "next image (gallery: the row below)",
                    galleryHint: Hint("move", rank: 2)),
            Binding(keys: [.character("A")], action: .acceptPage, help: "gallery: accept every unreviewed image on the page",
                    galleryHint: Hint("accept page", rank: 0)),
            Binding(keys: [.character("[")], action: .previousPage, help: "gallery: previous page (PgUp too)",
                    galleryHint: Hint("page", rank: 3)),
            Binding(keys: [.character("]")], action: .nextPage, help: "gallery: next page (PgDn too; f: next class)",
                    galleryHint: Hint("page", rank: 3)),
            Binding(keys: [.character("?"), .character("h")], action: .toggleHelp, help: "show or hide this help (→ ← turn its pages)", hint: Hint("help", rank: 3),
                    galleryHint: Hint("help", rank: 7)),
            Binding(keys: [.escape], action: .cancel, help: "close the help, or clear the filter"),
            Binding(keys: [.control("z")], action: .suspend, help: "suspend (fg brings the review back)"),
            Binding(keys: [.character("q"), .control("c")], action: .quit, help: "quit, all saved (Ctrl-C exits with status 130)",
                    hint: Hint("quit", rank: 4), galleryHint: Hint("quit", rank: 8)),
        ]
        b += [  // navigation in a large folder, the prompt and the label filters (ReviewSession+Navigation.swift)
            Binding(keys: [.home], action: .first, help: "first image"),
            Binding(keys: [.end], action: .last, help: "last image"),
            Binding(keys: [.pageUp], action: .pageBack, help: "\(ReviewSession.pageStep) images back"),
            Binding(keys: [.pageDown], action: .pageForward, help: "\(ReviewSession.pageStep) images forward"),
            Binding(keys: [.character("g")], action: .openPrompt(.goTo), help: "go to image number: digits, Enter (Esc cancels)"),
            Binding(keys: [.character("/")], action: .openPrompt(.search), help: "search names; / then Enter again finds the next",
                    hint: Hint("find", rank: 11)),
            Binding(keys: [.character("F")], action: .cycleLabelFilter, help: "label filter: unlabelled, model ≠ label, flagged, each class"),
            Binding(keys: [.character("C")], action: .toggleCalibration, help: "blind calibration: start one, or skip the one running"),
        ]
        b += [  // the slide (ReviewSession+Flags.swift)
            Binding(keys: [.character("!")], action: .flag, help: "flag the image with a short note, Enter (! again: unflag)",
                    hint: Hint("flag", rank: 13), galleryHint: Hint("flag", rank: 10)),
            Binding(keys: [.character("S")], action: .signOff, help: "sign the slide off, after asking (then read-only)",
                    hint: Hint("sign off", rank: 14)),
        ]
        return Keymap(bindings: b)
    }()

    public func action(for key: Key) -> ReviewAction? {
        bindings.first { $0.keys.contains(key) }?.action
    }

    /// The keys a key stands for. An Alt+key that no binding names is Esc then the key: a
    /// person who types Esc and then q quickly sends the same bytes as Alt+q, and means Esc, q.
    public func resolved(_ key: Key) -> [Key] {
        guard case .alt(let inner) = key, action(for: key) == nil else { return [key] }
        return [.escape] + resolved(inner)
    }

    /// The hint bar's entries for a view, most needed first: each word once, with the first key of
    /// every binding that shares it ("e l m n b  set"). `offered` leaves out what the screen in
    /// front of the reviewer would refuse (Enter in blind review before a class is chosen).
    public func hints(in view: View = .single, offered: (ReviewAction) -> Bool = { _ in true }) -> [(keys: String, word: String)] {
        var order: [(word: String, rank: Int)] = []
        var keys: [String: [String]] = [:]
        for b in bindings where offered(b.action) {
            guard let hint = view == .single ? b.hint : b.galleryHint, let first = b.keys.first else { continue }
            if keys[hint.word] == nil { order.append((hint.word, hint.rank)) }
            keys[hint.word, default: []].append(first.label)
        }
        return order.enumerated().sorted { ($0.element.rank, $0.offset) < ($1.element.rank, $1.offset) }
            .map { (keys[$0.element.word]!.joined(separator: " "), $0.element.word) }
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
