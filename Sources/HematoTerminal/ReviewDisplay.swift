import HematoReview

/// What the terminal shows: curses draws the cells, and the pictures (painted ahead on the painter
/// worker) are written after it, into the panes the screen left: the current image in the single
/// view, a page of thumbnails in the gallery. It keeps what stands on the screen so a picture is
/// written only when its place or content changes. It decides nothing about the review.
final class ReviewDisplay {
    private let options: ReviewApp.Options
    private let painter: BackgroundWorker<PictureKey, String>
    private var pictures = PictureCache()
    /// The gallery's thumbnails: painted ones (its page and the next), which one stands in each place.
    private var thumbnails = PictureCache(capacity: 64)
    private var pictureOnScreen: PictureKey?
    private var wantedPicture: PictureKey?
    private var thumbnailsOnScreen: [ReviewScreen.Rect: PictureKey] = [:]
    private var wantedThumbnails = Set<PictureKey>()
    /// The grids curses was last given, to find the rows a redraw changes.
    private var lastGrid: CellGrid?
    private var lastGalleryGrid: CellGrid?
    private var galleryShown = false

    init(options: ReviewApp.Options, paths: [String]) {
        self.options = options
        let capabilities = options.capabilities
        painter = BackgroundWorker(name: "painter", setup: {}) { _, key in
            PicturePainter.paint(path: paths[key.index], pane: key.pane, capabilities: capabilities, cells: key.cells,
                                 overlay: key.overlay, zoomed: key.zoomed, keepingOthers: key.thumbnail)
        }
    }

    deinit { painter.stop() }

    /// Pictures the painter finished; true when one the screen waits for is among them.
    func takePictures() -> Bool {
        var awaited = false
        for (key, text) in painter.takeResults() {
            if key.thumbnail {
                if let dropped = thumbnails.store(key, text) { painter.forget(dropped) }
                awaited = awaited || wantedThumbnails.contains(key)
            } else {
                if let dropped = pictures.store(key, text) { painter.forget(dropped) }
                awaited = awaited || key == wantedPicture
            }
        }
        return awaited
    }

    /// The pictures are gone from the terminal (a resize, a suspend): each is written again.
    func clear(_ backend: CursesBackend) {
        backend.writeRaw(PicturePainter.clearing(options.capabilities))  // kitty's pictures are not cells
        pictureOnScreen = nil
        thumbnailsOnScreen = [:]
    }

    /// The thumbnails the terminal has room for, when the open gallery has another shape.
    func galleryLayout(_ session: ReviewSession, _ backend: CursesBackend) -> ReviewAction? {
        guard let shown = session.gallery, !session.showingHelp else { return nil }
        let shape = GalleryScreen.layout(width: backend.width, height: backend.height)
        return shown.columns != shape.columns || shown.rows != shape.rows ? .galleryLayout(columns: shape.columns, rows: shape.rows) : nil
    }

    func draw(_ session: ReviewSession, _ backend: CursesBackend) {
        let galleryOpen = session.gallery != nil && !session.showingHelp
        if galleryOpen != galleryShown {  // switching views repaints the whole screen
            backend.invalidate()
            clear(backend)
            lastGalleryGrid = nil
            galleryShown = galleryOpen
        }
        if galleryOpen { drawGallery(session, backend) } else { drawSingle(session, backend) }
    }

    private func drawSingle(_ session: ReviewSession, _ backend: CursesBackend) {
        var screen = ReviewScreen(folderName: options.folder, graphicsMode: options.capabilities.graphics, theme: options.theme)
        screen.keymap = options.keymap
        var grid = CellGrid(width: backend.width, height: backend.height)
        let pane = screen.draw(session, into: &grid)
        let wanted = pane.flatMap { p in session.current.map { PictureKey(index: $0, pane: p, session: session) } }
        wantedPicture = wanted
        if wanted == nil && pictureOnScreen != nil {
            backend.invalidate()  // curses repaints every cell, wiping the old picture
            clear(backend)
        }
        // curses may clear the cells it believes blank at the start of a row whose text moved right
        // (a clear-to-line-start is cheaper than spaces), wiping the picture there: a picture whose
        // rows changed is written again. (kitty's pictures are not in the cells.)
        if let shown = pictureOnScreen, options.capabilities.graphics != .kitty,
           ReviewApp.changedRows(from: lastGrid, to: grid).contains(where: (shown.pane.y..<(shown.pane.y + shown.pane.height)).contains) {
            pictureOnScreen = nil
        }
        lastGrid = grid
        backend.show(grid)
        guard let wanted else { return }
        if wanted != pictureOnScreen {
            if let text = pictures[wanted] {
                backend.writeRaw(text)
                pictureOnScreen = wanted
            } else if pictureOnScreen != nil {
                // The old picture must not stand beside the new image's name while the new one is painted.
                backend.writeRaw(PicturePainter.clearing(options.capabilities) + BlockPicture.blank(pane: wanted.pane, message: ""))
                pictureOnScreen = nil
            }
        }
        // Decoding and encoding happen on the painter thread: this picture first, then the next one.
        var jobs = [wanted]
        if session.position + 1 < session.queue.count {
            jobs.append(PictureKey(index: session.queue[session.position + 1], pane: wanted.pane, session: session))
        }
        painter.want(jobs.filter { pictures[$0] == nil })
    }

    /// A place whose thumbnail changes is blanked until the new one is painted.
    private func drawGallery(_ session: ReviewSession, _ backend: CursesBackend) {
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
            let changed = ReviewApp.changedRows(from: lastGalleryGrid, to: grid)
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
        guard let g = session.gallery else { return }
        var jobs = wanted
        for (slot, index) in g.members.dropFirst((g.page + 1) * g.pageSize).prefix(g.pageSize).enumerated() {
            let place = GalleryScreen.tile(slot, columns: g.columns, rows: g.rows, width: backend.width, height: backend.height).picture
            jobs.append(PictureKey(index: index, pane: place, cells: [], thumbnail: true))
        }
        painter.want(jobs.filter { thumbnails[$0] == nil })
    }
}

extension ReviewApp {
    /// The rows where two grids differ (all of them when there is no last grid or its size differs).
    static func changedRows(from old: CellGrid?, to new: CellGrid) -> Set<Int> {
        guard let old, old.width == new.width, old.height == new.height else { return Set(0..<new.height) }
        return Set((0..<new.height).filter { y in (0..<new.width).contains { old[$0, y] != new[$0, y] } })
    }
}
