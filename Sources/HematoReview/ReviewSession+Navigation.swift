/// Moving through a large folder: first and last image, a page at a time, to a number, to
/// the next name that matches a search; and filtering by the label (unlabelled, model and
/// label disagree, one labelled class). The prompt is a small input mode on the message line,
/// reduced like every other action: the terminal routes keys to it while it is open.
extension ReviewSession {
    /// PgUp and PgDn move this many images (the review screen shows one image, so a "page" is a fixed step).
    public static let pageStep = 10

    public struct Prompt: Equatable, Sendable {
        public enum Kind: Equatable, Sendable {
            case goTo    // an image's number in the queue, as "Image N of M" shows it
            case search  // part of a file name
            case flagNote  // the note of a flag (ReviewSession+Flags.swift)
            case signOff   // y to sign the slide off (ReviewSession+SignOff.swift)
        }
        public var kind: Kind
        public var text = ""

        /// What a key does to the text: the prompt's own reducer.
        public enum Edit: Equatable, Sendable {
            case type(Character)
            case erase
        }

        /// The longest text a prompt takes.
        public static let textLimit = 200

        /// Returns what the reviewer is told (a letter where a number goes), or nil.
        @discardableResult
        public mutating func reduce(_ edit: Edit) -> String? {
            switch edit {
            case .type(let c) where kind == .goTo && !c.isNumber:
                return "Digits only; Enter goes, Esc cancels."
            case .type(let c):
                if text.count < Self.textLimit { text.append(c) }
            case .erase:
                if !text.isEmpty { text.removeLast() }
            }
            return nil
        }

        /// What the message line shows before the text.
        public var title: String {
            switch kind {
            case .goTo: return "Go to image number: "
            case .search: return "Search names: "
            case .flagNote: return "Flag note (Enter flags, Esc cancels): "
            case .signOff: return "Sign off the slide? It is read-only after. y, Enter signs; Esc cancels: "
            }
        }
    }

    /// Which images a label filter keeps (F cycles them; Esc clears).
    public enum LabelFilter: Equatable, Sendable {
        case unlabelled
        case disagree            // a label that is not exactly the model's top class
        case labelled(String)    // the label holds this class
        case flagged             // the reviewer flagged it

        public var title: String {
            switch self {
            case .unlabelled: return "unlabelled"
            case .disagree: return "model ≠ label"
            case .labelled(let c): return "labelled \(c)"
            case .flagged: return "flagged"
            }
        }
    }

    func matches(_ filter: LabelFilter, _ index: Int) -> Bool {
        switch filter {
        case .unlabelled:
            return labels[index] == nil || labels[index]?.categories.isEmpty == true
        case .disagree:
            // In blind review an image whose answer is still hidden is never listed: that would tell it.
            guard let label = labels[index], !label.categories.isEmpty, let p = predictedClass(index),
                  !hidesPrediction(index) else { return false }
            return label.categories != [p]
        case .labelled(let c):
            return labels[index]?.categories.contains(c) == true && !hidesLabel(index)
        case .flagged:
            return flags[index] != nil
        }
    }

    /// The label filters in the order F cycles them: unlabelled, disagreeing, then each class some
    /// image is labelled with (the model's classes first); a class nobody used would show nothing.
    var labelFilterChoices: [LabelFilter?] {
        let used = Set(differential.rows.filter { $0.count > 0 }.map(\.name))
        var classes: [String] = []
        for c in modelLabels + CellClass.allCases.map(\.rawValue) + differential.rows.map(\.name)
        where used.contains(c) && !classes.contains(c) {
            classes.append(c)
        }
        return [nil, .unlabelled, .disagree] + (flags.isEmpty ? [] : [.flagged]) + classes.map { .labelled($0) }
    }

    /// Labelled images the model has not answered yet: the "model ≠ label" filter cannot tell
    /// whether they belong until it has.
    var labelledUnclassified: Int { labels.keys.filter { opinions[$0] == nil }.count }

    /// An image the model has just answered joins the "model ≠ label" list when it belongs there,
    /// so the list does not depend on how far classification had got when it was chosen: once
    /// every image is classified it holds what choosing it then would have. (It joins in its place
    /// by name; in least-confident order, at the end.)
    mutating func joinLabelFilter(_ index: Int) {
        guard labelFilter == .disagree, filter.map({ predictedClass(index) == $0 }) ?? true, matches(.disagree, index),
              !queue.contains(index) else { return }
        let at = order == .name ? (queue.firstIndex { $0 > index } ?? queue.count) : queue.count
        navigation.reduce(.insert(index, at: at))
    }

    mutating func navigate(_ action: ReviewAction) {
        showingHelp = false
        switch action {
        case .openPrompt(let kind):
            prompt = Prompt(kind: kind)
        case .promptType(let c):
            message = prompt?.reduce(.type(c))
        case .promptErase:
            prompt?.reduce(.erase)
        case .promptClose:
            prompt = nil
        case .promptSubmit:
            guard let p = prompt else { break }
            prompt = nil
            switch p.kind {
            case .goTo: goTo(p.text)
            case .search: search(p.text.isEmpty ? lastSearch : p.text)
            case .flagNote, .signOff: break  // reduceSlide submits them
            }
        case .cycleLabelFilter:
            let choices = labelFilterChoices
            let at = choices.firstIndex { $0 == labelFilter } ?? 0
            labelFilter = choices[(at + 1) % choices.count]
            rebuildQueue(order: order, filter: filter)
            message = labelFilter.map { "Showing \($0.title) images (\(queue.count)); F for the next filter, Esc for all" } ?? "Showing all images"
            if labelFilter == .disagree {
                let waiting = labelledUnclassified
                if waiting > 0 { message = "Showing model ≠ label images (\(queue.count) so far); still classifying \(waiting) labelled, which join as they are classified" }
            }
        case _ where queue.isEmpty:
            message = "There are no images here."
        case .first:
            message = navigation.reduce(.first)
        case .last:
            message = navigation.reduce(.last)
        case .pageBack:
            message = navigation.reduce(.step(-Self.pageStep))
        case .pageForward:
            message = navigation.reduce(.step(Self.pageStep))
        default:
            break
        }
    }

    private mutating func goTo(_ text: String) {
        guard !text.isEmpty else { return }
        guard let n = Int(text), n >= 1, n <= queue.count else {
            message = "There is no image \(DisplayName.escaped(text)) here: 1 to \(queue.count)."
            return
        }
        move(to: n - 1)
    }

    /// The next image after the current one whose shown name contains `text` (any case), wrapping round.
    private mutating func search(_ text: String?) {
        guard let text, !text.isEmpty else {
            message = "Type part of a name after /; / then Enter repeats the last search."
            return
        }
        lastSearch = text
        let shown = DisplayName.escaped(text)
        guard !queue.isEmpty else {
            message = "There are no images here."
            return
        }
        let needle = text.lowercased()
        let n = queue.count
        guard let step = (1...n).first(where: { DisplayName.escaped(names[queue[(position + $0) % n]]).lowercased().contains(needle) }) else {
            message = "No name here contains \"\(shown)\"."
            return
        }
        move(to: (position + step) % n)
        message = step == n ? "Only this image's name contains \"\(shown)\"." : "\"\(shown)\": / then Enter finds the next."
    }
}
