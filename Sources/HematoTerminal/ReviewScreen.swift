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

    /// Where things sit in the sidebar, in columns from its left edge. Each block is a label
    /// ("File", "Label", "Model", "Count") with its values in a column to the right of the
    /// longest label; the prediction block is a row per class: name, bar, percentage.
    enum SidebarLayout {
        /// The columns the sidebar draws in: one is left blank between it and the picture.
        static let contentWidth = ReviewScreen.sidebarWidth - 1
        /// Where values start: two columns after the longest label ("Image", "Label", "Count", "Model").
        static let valueColumn = 7
        static let valueWidth = contentWidth - valueColumn
        /// Lines under "Prediction" that are sentences, not bars, are indented this much.
        static let messageIndent = 2
        /// A class name is cut to this, then a space before its bar.
        static let classNameWidth = 10
        static let barColumn = classNameWidth + 1
        /// "%5.1f%%" ("100.0%" at most), a space after the bar, two blank columns after it.
        static let percentWidth = 6
        static let percentGap = 1
        static let rightMargin = 2
        /// The bar takes what the name, the percentage and the margins leave.
        static let barWidth = contentWidth - barColumn - percentGap - percentWidth - rightMargin
        static let percentColumn = barColumn + barWidth + percentGap
        /// A label wraps onto at most this many lines, the model's trust sentence onto this many,
        /// and this many cells of the canonical view are listed.
        static let labelLines = 2
        static let trustLines = 4
        static let listedCells = 4
    }

    private func drawSidebar(_ session: ReviewSession, _ grid: inout CellGrid, x left: Int, y top: Int) {
        typealias Layout = SidebarLayout
        guard let image = session.current else { return }
        let valueX = left + Layout.valueColumn
        var row = top
        func line(_ label: String, _ value: String, _ valueStyle: Style) {
            grid.put(label, x: left, y: row, style: theme["label"])
            grid.put(value, x: valueX, y: row, style: valueStyle, maxWidth: Layout.valueWidth)
            row += 1
        }
        let name = DisplayName.escaped(session.names[image])
        line("File", name, theme["value"])
        if name.count > Layout.valueWidth {  // long names continue on the next line rather than vanish
            grid.put(String(name.dropFirst(Layout.valueWidth)), x: valueX, y: row, style: theme["value"], maxWidth: Layout.valueWidth)
            row += 1
        }
        line("Image", "\(session.position + 1) of \(session.queue.count)" + (session.queue.count < session.names.count ? " (filtered)" : ""), theme["text"])
        if let note = session.flags[image] {
            line("Flag", note.isEmpty ? "flagged" : "flagged: " + DisplayName.escaped(note), theme["warning"])
        }
        for (index, text) in session.pictureViewLines(image).enumerated() {  // the heat map or zoom is never mistaken for the picture
            line(index == 0 ? "View" : "", text, theme["model"])
        }
        row += 1
        grid.put("Prediction", x: left, y: row, style: theme["label"])
        row += 1
        let messageX = left + Layout.messageIndent, messageWidth = Layout.contentWidth - Layout.messageIndent
        switch session.opinions[image] {
        case .predicted? where session.hidesPrediction(image):  // blind review: nothing of the answer until the reviewer decides
            grid.put("hidden until you decide (blind)", x: messageX, y: row, style: theme["dim"], maxWidth: messageWidth)
            row += session.modelLabels.count
        case nil:
            grid.put("classifying…", x: messageX, y: row, style: theme["dim"])
            row += session.modelLabels.count
        case .unreadable(let reason)?:
            grid.put("cannot read this image:", x: messageX, y: row, style: theme["warning"])
            grid.put(reason, x: messageX, y: row + 1, style: theme["warning"], maxWidth: messageWidth)
            row += session.modelLabels.count
        case .predicted(let probabilities, _)?:
            let top = probabilities.indices.max { probabilities[$0] < probabilities[$1] }!
            for (classIndex, label) in session.modelLabels.enumerated() {
                let isTop = classIndex == top
                let filled = Int((Double(probabilities[classIndex]) * Double(Layout.barWidth)).rounded())
                let name = label.prefix(Layout.classNameWidth).padding(toLength: Layout.barColumn, withPad: " ", startingAt: 0)
                grid.put(name, x: left, y: row, style: isTop ? theme["value"] : theme["text"])
                grid.put(String(repeating: "█", count: filled), x: left + Layout.barColumn, y: row, style: isTop ? theme["bar_top"] : theme["bar"])
                grid.put(String(repeating: "░", count: Layout.barWidth - filled), x: left + Layout.barColumn + filled, y: row, style: theme["bar_empty"])
                let percent = String(format: "%5.1f%%", Double(probabilities[classIndex]) * 100)
                grid.put(percent, x: left + Layout.percentColumn, y: row, style: isTop ? theme["value"] : theme["text"])
                row += 1
            }
            if session.isNearTie(image) {
                grid.put("≈ near tie: the model cannot choose", x: left, y: row, style: theme["warning"], maxWidth: Layout.contentWidth)
                row += 1
            }
            // With the canonical cell view: each cell found, in its outline's colour.
            let cells = session.cellLines(image)
            for (index, cell) in cells.prefix(Layout.listedCells).enumerated() {
                let text = "cell \(index + 1) \(CellOutlines.colour(index).name) \(cell.label) \(cell.percent)%" + (cell.shipped ? " shipped" : "")
                grid.put(text, x: left, y: row, style: cell.shipped ? theme["dim"] : theme["text"], maxWidth: Layout.contentWidth)
                row += 1
            }
        }
        row += 1
        grid.put("Label", x: left, y: row, style: theme["label"])
        if let label = session.labels[image], !session.hidesLabel(image) {
            let text = label.categories.isEmpty ? ["(blank)"] : Self.labelLines(label.categories, width: Layout.valueWidth, maxLines: Layout.labelLines)
            for line in text {
                grid.put(line, x: valueX, y: row, style: theme["value"], maxWidth: Layout.valueWidth)
                row += 1
            }
            let origin = session.originLines(label)
            for (index, text) in origin.enumerated() {
                grid.put(text, x: valueX, y: row + index, style: label.source == .person ? theme["person"] : theme["file"], maxWidth: Layout.valueWidth)
            }
            row += origin.count - 1
            if let predicted = session.predictedClass(image), label.categories != [predicted], !session.hidesPrediction(image) {  // Enter keeps the label, so say so
                grid.put("model says \(predicted)", x: valueX, y: row + 1, style: theme["model"], maxWidth: Layout.valueWidth)
            }
        } else {
            grid.put(session.hidesLabel(image) ? "the model's, hidden" : "none yet", x: valueX, y: row, style: theme["dim"])
            row += 1
            if session.hidesPrediction(image) {
                grid.put("choose a class (blind)", x: valueX, y: row, style: theme["dim"], maxWidth: Layout.valueWidth)
            } else if let predicted = session.predictedClass(image) {
                grid.put("Enter accepts \(predicted)", x: valueX, y: row, style: theme["model"], maxWidth: Layout.valueWidth)
            }
        }
        // Below the label block's last line, the line "model says" may take, and a blank one.
        row = drawTrust(session.trust, &grid, x: left, y: row + 2)
        drawDifferential(session.differential, modelLabels: session.modelLabels, target: session.target, &grid, x: left, y: row)
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
        let lines = DifferentialText.lines(d, always: modelLabels, width: SidebarLayout.valueWidth, rows: bottom - row, target: target)
        guard !lines.isEmpty else { return }
        g.put("Count", x: x, y: row, style: theme["label"])
        for (n, line) in lines.enumerated() {
            g.put(line, x: x + SidebarLayout.valueColumn, y: row + n, style: d.cells == 0 ? theme["dim"] : theme["text"])
        }
    }

    /// How far to trust the model here: the blind calls' agreement with its interval (wrapped over
    /// the sidebar's lines, never cut), the open decisions apart, whether it has adapted, and a
    /// shift warning. Returns the row below what it drew.
    private func drawTrust(_ t: ReviewSession.Trust, _ g: inout CellGrid, x: Int, y: Int) -> Int {
        let valueX = x + SidebarLayout.valueColumn, width = SidebarLayout.valueWidth
        var row = y
        g.put("Model", x: x, y: row, style: theme["label"])
        let measured = t.blindCalls.calls > 0
        let pieces = measured ? t.sentencePieces : ["not", "measured:", "no", "blind", "calls"]  // one line, not two
        for line in Self.wrapped(pieces, width: width, maxLines: SidebarLayout.trustLines) {
            g.put(line, x: valueX, y: row, style: measured ? theme["text"] : theme["dim"], maxWidth: width)
            row += 1
        }
        if let open = t.openSentence {
            g.put(open, x: valueX, y: row, style: theme["dim"], maxWidth: width)
            row += 1
        }
        let adapted = t.adaptedTo == 0 ? "as shipped" : t.keptPrior ? "as shipped (checked on \(t.adaptedTo))" : "adapted to \(t.adaptedTo) decision\(t.adaptedTo == 1 ? "" : "s")"
        g.put(adapted, x: valueX, y: row, style: t.keptPrior ? theme["dim"] : theme["model"], maxWidth: width)
        row += 1
        if t.stainWarning, let score = t.stainScore {  // the stain says more to a person than the features do
            g.put(String(format: "STAIN %.1f: new to the model", score), x: valueX, y: row, style: theme["warning"], maxWidth: width)
            row += 1
        } else if t.shiftWarning, let score = t.shiftScore {
            g.put(String(format: "SHIFT %.1f: unlike training images", score), x: valueX, y: row, style: theme["warning"], maxWidth: width)
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
