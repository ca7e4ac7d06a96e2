import HematoReview

/// Draws a review session into a grid. Reads the session, changes nothing.
/// Returns where the picture goes; the image presenter paints that area.
public struct ReviewScreen {
    public struct Rect: Hashable, Sendable {
        public let x, y, width, height: Int
    }

    public static let sidebarWidth = 38
    public static let minimumSize = (width: 64, height: 14)

    public var folderName: String
    public var graphicsMode: GraphicsMode
    public var theme: Theme
    public var keymap: Keymap = .review

    public init(folderName: String, graphicsMode: GraphicsMode, theme: Theme) {
        self.folderName = folderName
        self.graphicsMode = graphicsMode
        self.theme = theme
    }

    /// Draws everything; returns the image pane (nil when the terminal is too small or nothing is shown).
    @discardableResult
    public func draw(_ s: ReviewSession, into g: inout CellGrid) -> Rect? {
        g.fill(x: 0, y: 0, width: g.width, height: g.height, style: theme["text"])
        guard g.width >= Self.minimumSize.width, g.height >= Self.minimumSize.height else {
            let text = "Terminal too small: \(g.width)×\(g.height), need \(Self.minimumSize.width)×\(Self.minimumSize.height)"
            g.put(text, x: max(0, (g.width - text.count) / 2), y: g.height / 2, style: theme["warning"])
            return nil
        }
        drawTitle(s, &g)
        let pane = Rect(x: 0, y: 1, width: g.width - Self.sidebarWidth - 1, height: g.height - 3)
        drawSidebar(s, &g, x: g.width - Self.sidebarWidth, y: 2)
        drawMessage(s, &g)
        HintBar.draw(keymap.hints(in: .single) { s.blindRefusal($0) == nil && s.signedOffRefusal($0) == nil }, theme: theme, into: &g)
        if s.queue.isEmpty {
            let text = s.labelFilter.map { "No image here is \($0.title). Press F for the next filter, Esc for all." }
                ?? s.filter.map { "No image is predicted \($0). Press f to change the filter." } ?? "No images in this folder."
            let lines = Self.wrapped(text.split(separator: " ").map(String.init), width: pane.width - 4, maxLines: pane.height)
            for (k, line) in lines.enumerated() {
                g.put(line, x: 2, y: pane.y + (pane.height - lines.count) / 2 + k, style: theme["message"])
            }
            return nil
        }
        if s.showingHelp {
            drawHelp(s, &g)
            return nil
        }
        if graphicsMode == .none {
            g.put("(pictures off: --graphics none)", x: 2, y: pane.y + pane.height / 2, style: theme["dim"])
            return nil
        }
        return pane
    }

    private func drawTitle(_ s: ReviewSession, _ g: inout CellGrid) {
        var right = s.progressText
        if s.classifiedCount < s.names.count { right += " · \(s.classifiedCount) classified" }
        right += " · \(s.order.rawValue)"
        if let f = s.filter { right += " · only \(f)" }
        if let f = s.labelFilter { right += " · only \(f.title)" }
        if s.blind { right += " · BLIND" }
        if s.signedOff != nil { right += s.amending ? " · AMENDING" : " · SIGNED OFF" }
        right += " · \(graphicsMode.rawValue) "
        TitleBar.draw(folder: folderName, right: right, theme: theme, into: &g)
    }

    private func drawSidebar(_ s: ReviewSession, _ g: inout CellGrid, x: Int, y: Int) {
        let w = Self.sidebarWidth - 1
        guard let i = s.current else { return }
        var row = y
        func line(_ label: String, _ value: String, _ valueStyle: Style) {
            g.put(label, x: x, y: row, style: theme["label"])
            g.put(value, x: x + 7, y: row, style: valueStyle, maxWidth: w - 7)
            row += 1
        }
        let name = DisplayName.escaped(s.names[i])
        line("File", name, theme["value"])
        if name.count > w - 7 {  // long names continue on the next line rather than vanish
            g.put(String(name.dropFirst(w - 7)), x: x + 7, y: row, style: theme["value"], maxWidth: w - 7)
            row += 1
        }
        line("Image", "\(s.position + 1) of \(s.queue.count)" + (s.queue.count < s.names.count ? " (filtered)" : ""), theme["text"])
        if let note = s.flags[i] {
            line("Flag", note.isEmpty ? "flagged" : "flagged: " + DisplayName.escaped(note), theme["warning"])
        }
        for (n, text) in s.pictureViewLines(i).enumerated() {  // the heat map or zoom is never mistaken for the picture
            line(n == 0 ? "View" : "", text, theme["model"])
        }
        row += 1
        g.put("Prediction", x: x, y: row, style: theme["label"])
        row += 1
        switch s.opinions[i] {
        case .predicted? where s.hidesPrediction(i):  // blind review: nothing of the answer until the reviewer decides
            g.put("hidden until you decide (blind)", x: x + 2, y: row, style: theme["dim"], maxWidth: w - 2)
            row += s.modelLabels.count
        case nil:
            g.put("classifying…", x: x + 2, y: row, style: theme["dim"])
            row += s.modelLabels.count
        case .unreadable(let reason)?:
            g.put("cannot read this image:", x: x + 2, y: row, style: theme["warning"])
            g.put(reason, x: x + 2, y: row + 1, style: theme["warning"], maxWidth: w - 2)
            row += s.modelLabels.count
        case .predicted(let p, _)?:
            let top = p.indices.max { p[$0] < p[$1] }!
            for (k, label) in s.modelLabels.enumerated() {
                let barWidth = w - 20
                let filled = Int((Double(p[k]) * Double(barWidth)).rounded())
                g.put(label.prefix(10).padding(toLength: 11, withPad: " ", startingAt: 0), x: x, y: row, style: k == top ? theme["value"] : theme["text"])
                g.put(String(repeating: "█", count: filled), x: x + 11, y: row, style: k == top ? theme["bar_top"] : theme["bar"])
                g.put(String(repeating: "░", count: barWidth - filled), x: x + 11 + filled, y: row, style: theme["bar_empty"])
                let pct = String(format: "%5.1f%%", Double(p[k]) * 100)
                g.put(pct, x: x + 12 + barWidth, y: row, style: k == top ? theme["value"] : theme["text"])
                row += 1
            }
            if s.isNearTie(i) {
                g.put("≈ near tie: the model cannot choose", x: x, y: row, style: theme["warning"], maxWidth: w)
                row += 1
            }
            // With the canonical cell view: each cell found, in its outline's colour.
            let cells = s.cellLines(i)
            for (n, cell) in cells.prefix(4).enumerated() {
                let text = "cell \(n + 1) \(CellOutlines.colour(n).name) \(cell.label) \(cell.percent)%" + (cell.shipped ? " shipped" : "")
                g.put(text, x: x, y: row, style: cell.shipped ? theme["dim"] : theme["text"], maxWidth: w)
                row += 1
            }
        }
        row += 1
        g.put("Label", x: x, y: row, style: theme["label"])
        if let label = s.labels[i], !s.hidesLabel(i) {
            let text = label.categories.isEmpty ? ["(blank)"] : Self.labelLines(label.categories, width: w - 7, maxLines: 2)
            for line in text {
                g.put(line, x: x + 7, y: row, style: theme["value"], maxWidth: w - 7)
                row += 1
            }
            let origin = s.originLines(label)
            for (n, text) in origin.enumerated() {
                g.put(text, x: x + 7, y: row + n, style: label.source == .person ? theme["person"] : theme["file"], maxWidth: w - 7)
            }
            row += origin.count - 1
            if let predicted = s.predictedClass(i), label.categories != [predicted], !s.hidesPrediction(i) {  // Enter keeps the label, so say so
                g.put("model says \(predicted)", x: x + 7, y: row + 1, style: theme["model"], maxWidth: w - 7)
            }
        } else {
            g.put(s.hidesLabel(i) ? "the model's, hidden" : "none yet", x: x + 7, y: row, style: theme["dim"])
            row += 1
            if s.hidesPrediction(i) {
                g.put("choose a class (blind)", x: x + 7, y: row, style: theme["dim"], maxWidth: w - 7)
            } else if let predicted = s.predictedClass(i) {
                g.put("Enter accepts \(predicted)", x: x + 7, y: row, style: theme["model"], maxWidth: w - 7)
            }
        }
        row = drawTrust(s.trust, &g, x: x, y: row + 2, width: w)
        drawDifferential(s.differential, modelLabels: s.modelLabels, target: s.target, &g, x: x, y: row)
    }

    /// A label's classes, escaped, wrapped after a comma onto at most `maxLines` lines of `width`;
    /// what does not fit ends in an ellipsis, so a cut label never looks whole.
    static func labelLines(_ categories: [String], width: Int, maxLines: Int) -> [String] {
        wrapped(categories.enumerated().map { k, c in DisplayName.escaped(c) + (k < categories.count - 1 ? "," : "") },
                width: width, maxLines: maxLines)
    }

    /// Pieces (words, a label's classes) joined by spaces onto at most `maxLines` lines of `width`;
    /// what does not fit ends in an ellipsis.
    static func wrapped(_ pieces: [String], width: Int, maxLines: Int) -> [String] {
        guard width > 1, maxLines > 0 else { return [] }
        var lines: [String] = []
        var current = ""
        for piece in pieces {
            let candidate = current.isEmpty ? piece : current + " " + piece
            if candidate.count <= width || current.isEmpty {
                current = candidate
            } else {
                lines.append(current)
                current = piece
            }
        }
        lines.append(current)
        if lines.count > maxLines {
            lines = Array(lines.prefix(maxLines - 1)) + [lines[(maxLines - 1)...].joined(separator: " ")]
        }
        return lines.map { $0.fitted(to: width) }
    }

    /// The counts per class of the labels so far (updated with each decision), in the rows left
    /// above the message line; a short terminal shows fewer of them, or none.
    private func drawDifferential(_ d: Differential, modelLabels: [String], target: Int?, _ g: inout CellGrid, x: Int, y: Int) {
        let bottom = g.height - 2  // the message line
        var row = y + 1            // a blank line before, as between the other blocks
        if bottom - row < 2 { row = y }
        let lines = DifferentialText.lines(d, always: modelLabels, width: Self.sidebarWidth - 1 - 7, rows: bottom - row, target: target)
        guard !lines.isEmpty else { return }
        g.put("Count", x: x, y: row, style: theme["label"])
        for (n, line) in lines.enumerated() {
            g.put(line, x: x + 7, y: row + n, style: d.cells == 0 ? theme["dim"] : theme["text"])
        }
    }

    /// How far to trust the model here: the blind calls' agreement with its interval (wrapped over
    /// the sidebar's lines, never cut), the open decisions apart, whether it has adapted, and a
    /// shift warning. Returns the row below what it drew.
    private func drawTrust(_ t: ReviewSession.Trust, _ g: inout CellGrid, x: Int, y: Int, width: Int) -> Int {
        var row = y
        g.put("Model", x: x, y: row, style: theme["label"])
        let measured = t.blindCalls.calls > 0
        let pieces = measured ? t.sentencePieces : ["not", "measured:", "no", "blind", "calls"]  // one line, not two
        for line in Self.wrapped(pieces, width: width - 7, maxLines: 4) {
            g.put(line, x: x + 7, y: row, style: measured ? theme["text"] : theme["dim"], maxWidth: width - 7)
            row += 1
        }
        if let open = t.openSentence {
            g.put(open, x: x + 7, y: row, style: theme["dim"], maxWidth: width - 7)
            row += 1
        }
        let adapted = t.adaptedTo == 0 ? "as shipped" : t.keptPrior ? "as shipped (checked on \(t.adaptedTo))" : "adapted to \(t.adaptedTo) decision\(t.adaptedTo == 1 ? "" : "s")"
        g.put(adapted, x: x + 7, y: row, style: t.keptPrior ? theme["dim"] : theme["model"], maxWidth: width - 7)
        row += 1
        if t.stainWarning, let score = t.stainScore {  // the stain says more to a person than the features do
            g.put(String(format: "STAIN %.1f: new to the model", score), x: x + 7, y: row, style: theme["warning"], maxWidth: width - 7)
            row += 1
        } else if t.shiftWarning, let score = t.shiftScore {
            g.put(String(format: "SHIFT %.1f: unlike training images", score), x: x + 7, y: row, style: theme["warning"], maxWidth: width - 7)
            row += 1
        }
        return row
    }

    private func drawMessage(_ s: ReviewSession, _ g: inout CellGrid) {
        if let p = s.prompt {  // the one-line prompt replaces the message while it is open; typed text shown escaped
            g.put(" " + p.title + DisplayName.escaped(p.text) + "▏", x: 0, y: g.height - 2, style: theme["message"])
        } else {
            MessageLine.draw(s.message, theme: theme, into: &g)
        }
    }

    private func drawHelp(_ s: ReviewSession, _ g: inout CellGrid) {
        HelpPages(keymap: keymap, width: g.width, height: g.height).draw(page: s.helpPage, theme: theme, into: &g)
    }
}

import Foundation
