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
        if let note = options.capabilities.note { session.message = note }
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
                                                     capabilities: options.capabilities))
                    pictureOnScreen = wanted
                }
                dirty = false
            }
            guard let key = backend.key() else {
                // Idle: paint the next picture into the cache, so the next key press shows it at once.
                if let pane = pictureOnScreen?.pane, session.position + 1 < session.queue.count {
                    let next = session.queue[session.position + 1]
                    pictures.prefetch(PictureKey(index: next, pane: pane), path: options.folder + "/" + session.names[next],
                                      capabilities: options.capabilities)
                }
                continue
            }
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
/// and forth repaints without decoding or encoding again.
struct PictureCache {
    private var entries: [(PictureKey, String)] = []

    mutating func render(_ key: PictureKey, path: String, capabilities: TerminalCapabilities) -> String {
        if let hit = entries.first(where: { $0.0 == key }) { return hit.1 }
        let text = PicturePainter.paint(path: path, pane: key.pane, capabilities: capabilities)
        entries.append((key, text))
        if entries.count > 6 { entries.removeFirst() }
        return text
    }

    mutating func prefetch(_ key: PictureKey, path: String, capabilities: TerminalCapabilities) {
        if !entries.contains(where: { $0.0 == key }) { _ = render(key, path: path, capabilities: capabilities) }
    }
}

/// Turns a file into the escape sequences that paint it in the pane: half blocks, or sixel.
public enum PicturePainter {
    /// tmux drops passthrough sequences over 1 MB.
    static let tmuxLimit = 1_000_000

    public static func paint(path: String, pane: ReviewScreen.Rect, capabilities: TerminalCapabilities) -> String {
        do {
            switch capabilities.graphics {
            case .sixel:
                let target = (pane.width * capabilities.cellWidth, pane.height * capabilities.cellHeight)
                let image = try ImageDecoding.load(path, covering: target)
                return try sixel(image, pane: pane, capabilities: capabilities)
            default:
                let image = try ImageDecoding.load(path, covering: (pane.width, pane.height * 2))
                return BlockPicture.render(image, pane: pane, palette: capabilities.palette)
            }
        } catch let error as ImageError {
            return BlockPicture.blank(pane: pane, message: "cannot show this file: \(error.description)")
        } catch {
            return BlockPicture.blank(pane: pane, message: "cannot show this file: \(error)")
        }
    }

    /// Blanks the pane's cells (which erases the last picture), then places the new one, centred.
    static func sixel(_ image: RGBImage, pane: ReviewScreen.Rect, capabilities: TerminalCapabilities) throws -> String {
        let cw = capabilities.cellWidth, ch = capabilities.cellHeight
        let scale = min(Double(pane.width * cw) / Double(image.width), Double(pane.height * ch) / Double(image.height))
        var w = max(1, Int(Double(image.width) * scale)), h = max(1, Int(Double(image.height) * scale))
        var bytes: [UInt8] = []
        repeat {
            bytes = try SixelEncoder.encode(Resampling.resized(image, width: w, height: h))
            if capabilities.viaTmux { bytes = SixelEncoder.tmuxPassthrough(bytes) }
            if capabilities.viaTmux && bytes.count > tmuxLimit { w /= 2; h /= 2 } else { break }
        } while w > 16
        let columns = (w + cw - 1) / cw, rows = (h + ch - 1) / ch
        let left = pane.x + (pane.width - columns) / 2, top = pane.y + (pane.height - rows) / 2
        return BlockPicture.blank(pane: pane, message: "") + "\u{1B}[\(top + 1);\(left + 1)H" + String(decoding: bytes, as: UTF8.self)
    }
}
