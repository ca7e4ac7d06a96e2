import HematoReview

/// The review loop's gallery steps: drawing a page of thumbnails (painted ahead on the painter worker)
/// and `A`, which saves one decision per image of the page.
extension ReviewApp {
    /// Draws the gallery when it is open (returns false otherwise). Switching views repaints the
    /// whole screen; a place whose thumbnail changes is blanked until the new one is painted.
    func showGallery(_ backend: CursesBackend) -> Bool {
        let open = session.gallery != nil && !session.showingHelp
        if open != galleryShown {
            backend.invalidate()
            backend.writeRaw(PicturePainter.clearing(options.capabilities))
            pictureOnScreen = nil
            thumbnailsOnScreen = [:]
            lastGalleryGrid = nil
            galleryShown = open
        }
        guard open, let shown = session.gallery else { return false }
        let shape = GalleryScreen.layout(width: backend.width, height: backend.height)
        if shown.columns != shape.columns || shown.rows != shape.rows {
            apply(.galleryLayout(columns: shape.columns, rows: shape.rows))
        }
        var screen = GalleryScreen(folderName: options.folder, graphicsMode: options.capabilities.graphics, theme: options.theme)
        screen.keymap = options.keymap
        var grid = CellGrid(width: backend.width, height: backend.height)
        let wanted = screen.draw(session, into: &grid).map { PictureKey(index: $0.index, pane: $0.pane, cells: [], thumbnail: true) }
        wantedThumbnails = Set(wanted)
        let places = Dictionary(wanted.map { ($0.pane, $0) }, uniquingKeysWith: { a, _ in a })
        let stale = thumbnailsOnScreen.filter { places[$0.key] != $0.value }
        var raw = ""
        if !stale.isEmpty && options.capabilities.graphics == .kitty {
            raw += PicturePainter.clearing(options.capabilities)  // kitty's pictures are not cells: all go, the rest come back
            thumbnailsOnScreen = [:]
        } else {
            for place in stale.keys {
                raw += BlockPicture.blank(pane: place, message: "")
                thumbnailsOnScreen[place] = nil
            }
        }
        // curses may rewrite the blank cells it believes lie between two changes on a row (a
        // frame moving, a mark appearing), which wipes sixel and block pictures there: those on
        // a changed row are written again. (kitty's pictures are not in the cells.)
        if options.capabilities.graphics != .kitty {
            let changed = Self.changedRows(from: lastGalleryGrid, to: grid)
            for place in thumbnailsOnScreen.keys where (place.y..<(place.y + place.height)).contains(where: changed.contains) {
                thumbnailsOnScreen[place] = nil
            }
        }
        lastGalleryGrid = grid
        backend.show(grid)
        for key in wanted where thumbnailsOnScreen[key.pane] != key {
            if let text = thumbnails[key] {
                raw += text
                thumbnailsOnScreen[key.pane] = key
            }
        }
        if !raw.isEmpty { backend.writeRaw(raw) }
        // Painted on the painter thread: this page first, then the next.
        if let g = session.gallery {
            var jobs = wanted
            for (slot, index) in g.members.dropFirst((g.page + 1) * g.pageSize).prefix(g.pageSize).enumerated() {
                let place = GalleryScreen.tile(slot, columns: g.columns, rows: g.rows, width: backend.width, height: backend.height).picture
                jobs.append(PictureKey(index: index, pane: place, cells: [], thumbnail: true))
            }
            painter.want(jobs.filter { thumbnails[$0] == nil })
        }
        dirty = false
        return true
    }

    /// The rows where two grids differ (all of them when there is no last grid or its size differs).
    static func changedRows(from old: CellGrid?, to new: CellGrid) -> Set<Int> {
        guard let old, old.width == new.width, old.height == new.height else { return Set(0..<new.height) }
        return Set((0..<new.height).filter { y in (0..<new.width).contains { old[$0, y] != new[$0, y] } })
    }

    /// A: one journal line per image on the page, each on disk before it counts; a failure
    /// part way keeps the ones saved and says so (ReviewSession.acceptingPage).
    func acceptPage(confirmed: Bool = false) {
        var warnings: [String] = []
        let (next, saved, _) = session.acceptingPage(confirmed: confirmed) { decision in
            if let warning = try store.record(entry(for: decision)) { warnings.append(warning) }
            keepFeature(of: decision.index)
            if let warning = recordAmendment(decision) { warnings.append(warning) }
        }
        let asked = next.question != nil && session.question == nil
        session = next
        adoptOutsideChange()
        if asked, let question = next.question { note(.acceptPageAsked, question) }
        if let warning = warnings.last { apply(.notify(warning, unlessBusy: true)) }
        if saved > 0 { requestRefit() }
    }

    /// The reviewer's answer to `A`'s question: journaled, then the page is accepted or nothing is.
    func answer(_ yes: Bool) {
        note(.acceptPageAnswered, yes ? "y" : "n")
        session = session.reduce(.answer(yes)).0
        if yes { acceptPage(confirmed: true) }
    }

    /// A journal line that decides nothing; a failure to write it is said, and changes nothing else.
    func note(_ kind: JournalEvent.Kind, _ text: String) {
        do {
            try store.note(JournalEvent(event: kind, time: ReviewStore.timestamp(), reviewer: options.reviewer, text: text))
        } catch {
            apply(.notify("NOT SAVED in the journal: \(error).", unlessBusy: false))
        }
    }
}
