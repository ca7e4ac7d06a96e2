import HematoReview

/// Draws the gallery (a page of thumbnails of one predicted class) into a grid: a frame round
/// the cursor's thumbnail, a caption under each (name, confidence, the label a reviewer gave).
/// Reads the session, changes nothing. Returns where each thumbnail goes; the painter fills them.
public struct GalleryScreen {
    public var folderName: String
    public var graphicsMode: GraphicsMode
    public var theme: Theme
    public var keymap: Keymap = .review

    public init(folderName: String, graphicsMode: GraphicsMode, theme: Theme) {
        self.folderName = folderName
        self.graphicsMode = graphicsMode
        self.theme = theme
    }

    /// Thumbnails per row and rows per page for a terminal this size: tiles at least 18 columns
    /// by 8 rows, at most 6 × 4 (24 a page); 110×32 holds 6 × 3, 80×24 holds 4 × 2.
    public static func layout(width: Int, height: Int) -> (columns: Int, rows: Int) {
        (max(1, min(6, width / 18)), max(1, min(4, (height - 3) / 8)))
    }

    /// The tile at `slot` (row by row): its frame and the picture's place inside it.
    static func tile(_ slot: Int, columns: Int, rows: Int, width: Int, height: Int) -> (frame: ReviewScreen.Rect, picture: ReviewScreen.Rect) {
        let w = width / columns, h = (height - 3) / rows
        let x = (slot % columns) * w, y = 1 + (slot / columns) * h
        return (ReviewScreen.Rect(x: x, y: y, width: w, height: h),
                ReviewScreen.Rect(x: x + 1, y: y + 1, width: max(1, w - 2), height: max(1, h - 3)))
    }

    /// Draws everything; returns each thumbnail's image index and place (none when the terminal
    /// is too small, pictures are off, or the gallery is closed).
    @discardableResult
    public func draw(_ s: ReviewSession, into g: inout CellGrid) -> [(index: Int, pane: ReviewScreen.Rect)] {
        g.fill(x: 0, y: 0, width: g.width, height: g.height, style: theme["text"])
        guard let gallery = s.gallery else { return [] }
        guard g.width >= ReviewScreen.minimumSize.width, g.height >= ReviewScreen.minimumSize.height else {
            let text = "Terminal too small: \(g.width)×\(g.height), need \(ReviewScreen.minimumSize.width)×\(ReviewScreen.minimumSize.height)"
            g.put(text, x: max(0, (g.width - text.count) / 2), y: g.height / 2, style: theme["warning"])
            return []
        }
        drawTitle(s, gallery, &g)
        MessageLine.draw(s.message, theme: theme, into: &g)
        HintBar.draw(keymap.hints(in: .gallery) { s.signedOffRefusal($0) == nil }, theme: theme, into: &g)
        if gallery.members.isEmpty {
            g.put("No image is predicted \(gallery.predicted) now; f shows another class.", x: 2, y: g.height / 2, style: theme["message"])
            return []
        }
        var panes: [(index: Int, pane: ReviewScreen.Rect)] = []
        let first = gallery.page * gallery.pageSize
        for (slot, index) in gallery.pageMembers.enumerated() {
            let (frame, picture) = Self.tile(slot, columns: gallery.columns, rows: gallery.rows, width: g.width, height: g.height)
            let here = first + slot == gallery.cursor
            if here { drawFrame(frame, &g) }
            drawCaption(s, index, gallery.predicted, x: picture.x, y: picture.y + picture.height, width: picture.width, here: here, &g)
            if graphicsMode == .none {
                g.put("(pictures off)", x: picture.x, y: picture.y + picture.height / 2, style: theme["dim"], maxWidth: picture.width)
            } else {
                panes.append((index, picture))
            }
        }
        return panes
    }

    private func drawTitle(_ s: ReviewSession, _ gallery: Gallery, _ g: inout CellGrid) {
        let reviewed = gallery.members.filter { s.labels[$0]?.source == .person }.count
        let right = "gallery \(gallery.predicted) · page \(gallery.page + 1) of \(gallery.pageCount) · "
            + "\(reviewed)/\(gallery.members.count) reviewed · \(graphicsMode.rawValue) "
        TitleBar.draw(folder: folderName, right: right, theme: theme, into: &g)
    }

    /// Above and below the thumbnail, and beside its caption; none of it on the picture's rows, so
    /// moving the cursor changes no cell there and no picture has to be sent again (a row of sixel
    /// thumbnails is 70–500 KB).
    private func drawFrame(_ r: ReviewScreen.Rect, _ g: inout CellGrid) {
        let style = theme["bar_top"]
        let bottom = r.y + r.height - 1, right = r.x + r.width - 1
        // No corners on top: xterm draws a corner's stroke a pixel into the picture below, and
        // erasing the corner later leaves that pixel behind.
        g.put(String(repeating: "─", count: r.width), x: r.x, y: r.y, style: style)
        g.put("└" + String(repeating: "─", count: max(0, r.width - 2)) + "┘", x: r.x, y: bottom, style: style)
        g.put("│", x: r.x, y: bottom - 1, style: style)
        g.put("│", x: right, y: bottom - 1, style: style)
    }

    /// "#26  62%" (the labels.csv key, escaped, or the file's name; the model's confidence now, as the
    /// single view's bars give it, with the class first when the model now answers another class
    /// than the page's: "#26 MON 92%"), then on the right what a person made of it: "ok" when they
    /// kept the class shown, "->LYM" when they chose another, "csv MON" for a label from labels.csv.
    /// ASCII, so a terminal font without arrows or check marks (xterm's default) still shows them.
    private func drawCaption(_ s: ReviewSession, _ index: Int, _ pageClass: String, x: Int, y: Int, width: Int, here: Bool,
                             _ g: inout CellGrid) {
        let predicted = s.predictedClass(index) ?? pageClass
        let confidence = s.confidence(index) ?? 0
        let base = here ? theme["title"] : theme["text"]
        g.fill(x: x, y: y, width: width, height: 1, style: base)
        var mark = "", markStyle = base
        if let label = s.labels[index] {
            let short = label.categories.isEmpty ? "blank" : label.categories.map { String(DisplayName.escaped($0).prefix(3)) }.joined(separator: "+")
            switch (label.source, label.categories == [predicted]) {
            case (.person, true): (mark, markStyle) = ("ok", theme["person"])
            case (.person, false): (mark, markStyle) = ("->" + short, theme["warning"])
            case (.file, _): (mark, markStyle) = ("csv " + short, theme["file"])
            case (.model, true): (mark, markStyle) = ("", base)  // the model's answer, as on an unlabelled image
            case (.model, false): (mark, markStyle) = ("pre " + short, theme["file"])
            }
            if here { markStyle.background = base.background }
        }
        if s.flags[index] != nil { mark = "!" + mark }  // flagged (the single view shows the note)
        let percent = (predicted == pageClass ? "" : String(DisplayName.escaped(predicted).prefix(3)) + " ")
            + String(format: "%3.0f%%", Double(confidence) * 100)
        let key = s.keys[index]
        let name = DisplayName.escaped(key.allSatisfy(\.isNumber) ? "#" + key : key)
        // Which image it is matters most. When the name does not fit, its extension goes first, then
        // the percentage unless the file's name fits whole beside it, and only then the path's front:
        // "…field_002 ->MON", not "….bmp 50% ->MON" (which could be 002, 102 or 202).
        let room = max(0, width - (mark.isEmpty ? 0 : mark.count + 1))
        var stem = name, tail = " " + percent
        if name.count + tail.count > room {
            if let dot = name.lastIndex(of: "."), dot > name.startIndex, !name[dot...].contains("/") { stem = String(name[..<dot]) }
            let file = stem.split(separator: "/").last.map(String.init) ?? stem
            if file.count + (file.count < stem.count ? 1 : 0) + tail.count > room { tail = "" }
        }
        let shown = stem.fitted(to: max(0, room - tail.count), keepingEnd: true)  // "…EO_106191", not "EOSINOPHIL/E…"
        g.put(shown + tail, x: x, y: y, style: base, maxWidth: width)
        if !mark.isEmpty { g.put(mark, x: x + width - mark.count, y: y, style: markStyle, maxWidth: mark.count) }
    }

}
