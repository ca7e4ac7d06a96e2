import Foundation
import HematoAdapt
import HematoFiles
import HematoImage
import HematoReview
import Synchronization

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
    private let worker: BackgroundWorker<Int, Observation>
    /// Learning the reviewer's lab: what the model has seen, the adaptation in force.
    public private(set) var learner: LabLearner
    private let refitter: BackgroundWorker<Int, RefitOutcome>
    private let refitRequests = RefitRequests()
    private var refitGeneration = 0
    private let painter: BackgroundWorker<PictureKey, String>
    private let modelIdentity: String
    private var pictures = PictureCache()

    public init(session: ReviewSession, store: ReviewStore, options: Options, modelIdentity: String, learner: LabLearner,
                makeClassifier: @escaping @Sendable () throws -> any Classifying) {
        self.session = session
        self.store = store
        self.options = options
        self.modelIdentity = modelIdentity
        self.learner = learner
        let paths = session.names.map { options.folder + "/" + $0 }
        worker = BackgroundWorker(name: "classifier", setup: makeClassifier) { classifier, index in
            classifier.observe(path: paths[index])
        }
        let requests = refitRequests
        refitter = BackgroundWorker(name: "refit", setup: {}) { _, generation in
            guard let request = requests.take(generation) else { return RefitOutcome(adaptation: nil, probabilities: [:]) }
            let next = request.current.refit(request.examples)
            return RefitOutcome(adaptation: next, probabilities: request.features.mapValues { next.probabilities($0) })
        }
        let capabilities = options.capabilities
        painter = BackgroundWorker(name: "painter", setup: {}) { _, key in
            PicturePainter.paint(path: paths[key.index], pane: key.pane, capabilities: capabilities, cells: key.cells)
        }
    }

    public func run() -> (Ending, ReviewSession) {
        Signals.install()
        let backend = CursesBackend()
        defer { backend.end() }
        defer { backend.writeRaw(PicturePainter.clearing(options.capabilities)) }  // a kitty picture would outlive the screen
        defer { try? store.flush() }  // every way out (q, a signal) brings labels.csv up to date; run()'s caller reports a failure
        let screen = ReviewScreen(folderName: options.folder, graphicsMode: options.capabilities.graphics.rawValue, theme: options.theme)
        var pictureOnScreen: PictureKey?
        var wantedPicture: PictureKey?
        var dirty = true
        var sweep = ClassificationSweep()
        var outstanding = Set<Int>()
        func askForPredictions() {
            let jobs = sweep.next(session)
            outstanding = Set(jobs)
            worker.want(jobs)
        }
        askForPredictions()
        if let note = options.capabilities.note { session.message = note }
        while true {
            if let signal = Signals.pending { return (.signal(signal), session) }
            let predictions = worker.takeResults()
            var teaches = false
            for (index, observation) in predictions {
                var opinion = observation.opinion
                if let feature = observation.feature, case .predicted(_, let hash) = opinion {
                    opinion = .predicted(probabilities: learner.observe(index: index, feature: feature), imageHash: hash)
                    teaches = teaches || session.labels[index]?.source == .person
                }
                session = session.reduce(.opinion(index: index, opinion)).0
                if !observation.cells.isEmpty { session = session.reduce(.cellsFound(index: index, observation.cells)).0 }
                outstanding.remove(index)
                dirty = true
            }
            if teaches { requestRefit() }  // a reviewed image's feature arrived (a reopened folder)
            if session.trust.shiftScore == nil, let shift = learner.shift {
                session.trust.shiftScore = shift.score
                session.trust.shiftWarning = shift.warning
                if shift.warning && session.message == nil {
                    session.message = "These images do not look like the model's training images: check each prediction."
                }
            }
            for (generation, outcome) in refitter.takeResults() where generation == refitGeneration {
                guard let adaptation = outcome.adaptation else { continue }
                learner.adopt(adaptation)
                // Images classified while the refit ran were predicted with the old head.
                var updated = outcome.probabilities
                for (index, feature) in learner.features where updated[index] == nil {
                    updated[index] = adaptation.probabilities(feature)
                }
                var trust = session.trust
                trust.adaptedTo = adaptation.decisions
                trust.keptPrior = adaptation.keptPrior
                session = session.reduce(.repredicted(updated, trust: trust)).0
                dirty = true
            }
            if !predictions.isEmpty && outstanding.isEmpty { askForPredictions() }
            if let failure = worker.failure, session.message == nil {
                session.message = "the model could not be loaded: \(failure)"
                dirty = true
            }
            for (key, text) in painter.takeResults() {
                if let dropped = pictures.store(key, text) { painter.forget(dropped) }
                if key == wantedPicture { dirty = true }
            }
            if dirty {
                var grid = CellGrid(width: backend.width, height: backend.height)
                let pane = screen.draw(session, into: &grid)
                let wanted = pane.flatMap { p in session.current.map { PictureKey(index: $0, pane: p, cells: session.cells[$0] ?? []) } }
                wantedPicture = wanted
                if wanted == nil && pictureOnScreen != nil {
                    backend.invalidate()  // curses repaints every cell, wiping the old picture
                    backend.writeRaw(PicturePainter.clearing(options.capabilities))  // kitty's pictures are not cells
                    pictureOnScreen = nil
                }
                backend.show(grid)
                if let wanted, wanted != pictureOnScreen {
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
                if let wanted {
                    var jobs = [wanted]
                    if session.position + 1 < session.queue.count {
                        let next = session.queue[session.position + 1]
                        jobs.append(PictureKey(index: next, pane: wanted.pane, cells: session.cells[next] ?? []))
                    }
                    painter.want(jobs.filter { pictures[$0] == nil })
                }
                dirty = false
            }
            let pressed: Key
            switch backend.input() {
            case nil: continue
            case .resize?:
                dirty = true
                backend.invalidate()
                backend.writeRaw(PicturePainter.clearing(options.capabilities))
                pictureOnScreen = nil
                continue
            case .key(let k)?:
                dirty = true
                pressed = k
            }
            let action: ReviewAction? = session.showingHelp && pressed != .control("c") ? .toggleHelp : Keymap.review.action(for: pressed)
            guard let action else {
                session.message = "\(pressed.label) does nothing here; ? lists the keys."
                continue
            }
            if action == .suspend {
                backend.writeRaw(PicturePainter.clearing(options.capabilities))
                backend.suspend()
                pictureOnScreen = nil
                continue
            }
            let (next, decision) = session.reduce(action)
            if let decision {
                do {
                    let warning = try store.record(entry(for: decision))
                    session = next
                    if let warning { session.message = warning }
                    requestRefit()
                } catch {
                    // Not on disk, so not shown as done: the old session stays.
                    session.message = "NOT SAVED: \(error). Fix the problem (or quit and use --output) and try again."
                }
            } else {
                session = next
            }
            if session.finished { return (pressed == .control("c") ? .signal(SIGINT) : .quit, session) }
            askForPredictions()  // the reviewer moved: what is near them comes first
        }
    }

    deinit {
        worker.stop()
        painter.stop()
        refitter.stop()
    }

    /// Hands the refit worker the decisions as they are now; a newer request supersedes an older one.
    private func requestRefit() {
        refitGeneration += 1
        refitRequests.put(refitGeneration, RefitRequest(examples: learner.examples(for: session), current: learner.adaptation,
                                                        features: learner.features))
        refitter.want([refitGeneration])
    }

    /// A decision made before the prediction arrived still records which bytes were judged.
    private func hashOfFile(_ index: Int) -> String? {
        guard let bytes = try? ImageDecoding.readFile(options.folder + "/" + session.names[index]) else { return nil }
        return ContentHash.journalTag(bytes)
    }

    private func entry(for d: Decision) -> JournalEntry {
        var probabilities: [String: Float]?
        if let p = d.opinion?.probabilities {
            probabilities = Dictionary(uniqueKeysWithValues: zip(session.modelLabels, p))
        }
        return JournalEntry(time: ReviewStore.timestamp(), reviewer: options.reviewer, image: d.image,
                            imageHash: d.opinion?.imageHash ?? hashOfFile(d.index), model: modelIdentity, probabilities: probabilities,
                            action: d.action, label: d.label, blank: d.blank)
    }
}

struct RefitRequest: Sendable {
    let examples: ExampleSet
    let current: Adaptation
    let features: [Int: [Float]]
}

struct RefitOutcome: Sendable {
    let adaptation: Adaptation?
    /// New probabilities for every image whose feature is kept.
    let probabilities: [Int: [Float]]
}

/// The newest refit request, waiting for the refit worker (older ones are dropped unread).
final class RefitRequests: Sendable {
    private let pending = Mutex<(Int, RefitRequest)?>(nil)
    func put(_ generation: Int, _ request: RefitRequest) { pending.withLock { $0 = (generation, request) } }
    func take(_ generation: Int) -> RefitRequest? {
        pending.withLock { p in
            guard let (g, r) = p, g == generation else { return nil }
            p = nil
            return r
        }
    }
}

struct PictureKey: Hashable, Sendable {
    let index: Int
    let pane: ReviewScreen.Rect
    /// The cells to outline: when they arrive after a first paint, the picture is painted again.
    let cells: [CellOpinion]
}

/// Painted pictures for the last few images and pane sizes, so moving back
/// and forth repaints without decoding or encoding again.
struct PictureCache {
    private var entries: [(PictureKey, String)] = []

    subscript(key: PictureKey) -> String? { entries.first { $0.0 == key }?.1 }

    /// Returns the key it dropped to make room, if any.
    mutating func store(_ key: PictureKey, _ text: String) -> PictureKey? {
        guard self[key] == nil else { return nil }
        entries.append((key, text))
        return entries.count > 8 ? entries.removeFirst().0 : nil
    }
}

/// Turns a file into the escape sequences that paint it in the pane: half blocks, sixel or kitty.
public enum PicturePainter {
    /// tmux drops passthrough sequences over 1 MB.
    static let tmuxLimit = 1_000_000

    public static func paint(path: String, pane: ReviewScreen.Rect, capabilities: TerminalCapabilities,
                             cells: [CellOpinion] = []) -> String {
        do {
            switch capabilities.graphics {
            case .sixel:
                let target = (pane.width * capabilities.cellWidth, pane.height * capabilities.cellHeight)
                let image = CellOutlines.drawn(cells, on: try ImageDecoding.load(path, covering: target))
                return try sixel(image, pane: pane, capabilities: capabilities)
            case .kitty:
                let target = (pane.width * capabilities.cellWidth, pane.height * capabilities.cellHeight)
                let image = CellOutlines.drawn(cells, on: try ImageDecoding.load(path, covering: target))
                return kitty(image, pane: pane, capabilities: capabilities)
            default:
                let image = CellOutlines.drawn(cells, on: try ImageDecoding.load(path, covering: (pane.width, pane.height * 2)))
                return BlockPicture.render(image, pane: pane, palette: capabilities.palette)
            }
        } catch {
            return BlockPicture.blank(pane: pane, message: "cannot show this file: \(error)")
        }
    }

    /// Blanks the pane's cells (which erases the last picture), then places the new one, centred.
    static func sixel(_ image: RGBImage, pane: ReviewScreen.Rect, capabilities: TerminalCapabilities) throws -> String {
        let cw = capabilities.cellWidth, ch = capabilities.cellHeight
        let scale = min(Double(pane.width * cw) / Double(image.width), Double(pane.height * ch) / Double(image.height))
        let (bytes, w, h) = try sixelSequence(image, width: Int(Double(image.width) * scale),
                                              height: Int(Double(image.height) * scale), viaTmux: capabilities.viaTmux)
        let columns = (w + cw - 1) / cw, rows = (h + ch - 1) / ch
        let left = pane.x + (pane.width - columns) / 2, top = pane.y + (pane.height - rows) / 2
        return BlockPicture.blank(pane: pane, message: "") + "\u{1B}[\(top + 1);\(left + 1)H" + String(decoding: bytes, as: UTF8.self)
    }

    /// Deletes the last kitty picture (text written over it would not), blanks the pane, then places
    /// the new one, centred, in the cells a sixel picture of the same size would cover.
    static func kitty(_ image: RGBImage, pane: ReviewScreen.Rect, capabilities: TerminalCapabilities) -> String {
        let cw = capabilities.cellWidth, ch = capabilities.cellHeight
        let scale = min(Double(pane.width * cw) / Double(image.width), Double(pane.height * ch) / Double(image.height))
        let (bytes, columns, rows) = kittySequence(image, width: Int(Double(image.width) * scale), height: Int(Double(image.height) * scale),
                                                   capabilities: capabilities, moveCursor: false)
        let left = pane.x + (pane.width - columns) / 2, top = pane.y + (pane.height - rows) / 2
        return clearing(capabilities) + BlockPicture.blank(pane: pane, message: "") + "\u{1B}[\(top + 1);\(left + 1)H"
            + String(decoding: bytes, as: UTF8.self)
    }

    /// What removes pictures that curses cannot see: kitty's delete (wrapped for tmux when it must be);
    /// nothing for sixel and blocks, which are text cells that curses repaints.
    public static func clearing(_ capabilities: TerminalCapabilities) -> String {
        guard capabilities.graphics == .kitty else { return "" }
        let bytes = capabilities.viaTmux ? SixelEncoder.tmuxPassthrough(KittyGraphics.deleteAll) : KittyGraphics.deleteAll
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The picture resampled to `width`×`height` pixels and sent as kitty graphics, scaled into the
    /// cells those pixels cover; wrapped for tmux when asked, halved until it fits tmux's limit.
    /// Returns the sequence and the cells it covers.
    public static func kittySequence(_ image: RGBImage, width: Int, height: Int, capabilities: TerminalCapabilities,
                                     moveCursor: Bool) -> ([UInt8], Int, Int) {
        let cw = max(1, capabilities.cellWidth), ch = max(1, capabilities.cellHeight)
        var w = max(1, width), h = max(1, height)
        var bytes: [UInt8] = []
        repeat {
            bytes = KittyGraphics.display(Resampling.resized(image, width: w, height: h),
                                          columns: (width + cw - 1) / cw, rows: (height + ch - 1) / ch, moveCursor: moveCursor)
            if capabilities.viaTmux { bytes = SixelEncoder.tmuxPassthrough(bytes) }
            if capabilities.viaTmux && bytes.count > tmuxLimit { w /= 2; h /= 2 } else { break }
        } while w > 16
        return (bytes, (width + cw - 1) / cw, (height + ch - 1) / ch)
    }

    /// The picture at `width`×`height` as one sixel sequence, wrapped for tmux when asked,
    /// halved until it fits tmux's limit. Returns the size it was finally encoded at.
    public static func sixelSequence(_ image: RGBImage, width: Int, height: Int, viaTmux: Bool) throws -> ([UInt8], Int, Int) {
        var w = max(1, width), h = max(1, height)
        var bytes: [UInt8] = []
        repeat {
            bytes = try SixelEncoder.encode(Resampling.resized(image, width: w, height: h))
            if viaTmux { bytes = SixelEncoder.tmuxPassthrough(bytes) }
            if viaTmux && bytes.count > tmuxLimit { w /= 2; h /= 2 } else { break }
        } while w > 16
        return (bytes, w, h)
    }
}
