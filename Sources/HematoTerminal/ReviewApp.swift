import Foundation
import HematoImage
import HematoReview

/// The review loop: keys become actions, the session reduces them, each
/// decision reaches the disk before the screen moves on, pictures are
/// painted after curses has drawn the rest.
public final class ReviewApp {
    public struct Options: Sendable {
        public var folder: String
        public var theme: Theme
        public var capabilities: TerminalCapabilities
        public var reviewer: String

        public init(folder: String, theme: Theme, capabilities: TerminalCapabilities, reviewer: String) {
            self.folder = folder
            self.theme = theme
            self.capabilities = capabilities
            self.reviewer = reviewer
        }
    }

    public enum Ending: Equatable {
        case quit
        case signal(Int32)
    }

    private var session: ReviewSession
    private let store: ReviewStore
    private let options: Options
    private let worker: BackgroundClassifier
    private let modelIdentity: String
    private var pictures = PictureCache()

    public init(session: ReviewSession, store: ReviewStore, options: Options, modelIdentity: String,
                makeClassifier: @escaping @Sendable () throws -> any Classifying) {
        self.session = session
        self.store = store
        self.options = options
        self.modelIdentity = modelIdentity
        let folder = options.folder
        worker = BackgroundClassifier(paths: session.names.map { folder + "/" + $0 }, makeClassifier: makeClassifier)
    }

    public func run() -> (Ending, ReviewSession) {
        Signals.install()
        let backend = CursesBackend()
        defer { backend.end() }
        let screen = ReviewScreen(folderName: options.folder, graphicsMode: options.capabilities.graphics.rawValue, theme: options.theme)
        var pictureOnScreen: PictureKey?
        var dirty = true
        worker.want(session.classificationPriority(limit: 8))
        while true {
            if let signal = Signals.pending { return (.signal(signal), session) }
            for (index, opinion) in worker.takeResults() {
                session = session.reduce(.opinion(index: index, opinion)).0
                dirty = true
            }
            if let failure = worker.failure, session.message == nil {
                session.message = failure
                dirty = true
            }
            if dirty {
                var grid = CellGrid(width: backend.width, height: backend.height)
                let pane = screen.draw(session, into: &grid)
                let wanted = pane.flatMap { p in session.current.map { PictureKey(index: $0, pane: p) } }
                if wanted == nil && pictureOnScreen != nil {
                    backend.invalidate()  // curses repaints every cell, wiping the old picture
                    pictureOnScreen = nil
                }
                backend.show(grid)
                if let wanted, wanted != pictureOnScreen {
                    backend.writeRaw(pictures.render(wanted, path: options.folder + "/" + session.names[wanted.index],
                                                     palette: options.capabilities.palette, theme: options.theme))
                    pictureOnScreen = wanted
                }
                dirty = false
            }
            guard let key = backend.key() else { continue }
            dirty = true
            guard let pressed = key else {  // resize or an unmapped key
                backend.invalidate()
                pictureOnScreen = nil
                continue
            }
            let action: ReviewAction? = session.showingHelp ? .toggleHelp : Keymap.review.action(for: pressed)
            guard let action else {
                session.message = "\(pressed.label) does nothing here; ? lists the keys."
                continue
            }
            let (next, decision) = session.reduce(action)
            if let decision {
                do {
                    try store.record(entry(for: decision))
                    session = next
                } catch {
                    // Not on disk, so not shown as done: the old session stays.
                    session.message = "NOT SAVED: \(error). Fix the problem (or quit and use --output) and try again."
                }
            } else {
                session = next
            }
            if session.finished { return (.quit, session) }
            worker.want(session.classificationPriority(limit: 8))
        }
    }

    deinit { worker.stop() }

    private func entry(for d: Decision) -> JournalEntry {
        var probabilities: [String: Float]?
        if let p = d.opinion?.probabilities {
            probabilities = Dictionary(uniqueKeysWithValues: zip(session.modelLabels, p))
        }
        return JournalEntry(time: ReviewStore.timestamp(), reviewer: options.reviewer, image: d.image,
                            imageHash: d.opinion?.imageHash, model: modelIdentity, probabilities: probabilities,
                            action: d.action, label: d.label)
    }
}

struct PictureKey: Equatable {
    let index: Int
    let pane: ReviewScreen.Rect
}

/// Rendered pictures for the last few images and pane sizes, so moving back
/// and forth repaints without decoding again.
struct PictureCache {
    private var entries: [(PictureKey, String)] = []

    mutating func render(_ key: PictureKey, path: String, palette: BlockPicture.Palette, theme: Theme) -> String {
        if let hit = entries.first(where: { $0.0 == key }) { return hit.1 }
        let text: String
        do {
            let image = try ImageDecoding.load(path, covering: (key.pane.width, key.pane.height * 2))
            text = BlockPicture.render(image, pane: key.pane, palette: palette)
        } catch {
            text = BlockPicture.blank(pane: key.pane, message: "cannot show this file: \(error.description)")
        }
        entries.append((key, text))
        if entries.count > 6 { entries.removeFirst() }
        return text
    }
}
