import Foundation
import HematoAdapt
import HematoFiles
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
        /// The lab learnt (--lab), named in a sign-off.
        public var lab: String?
        /// The keys: the review's, with the lab's own classes (ReviewerClasses.swift).
        public var keymap: Keymap = .review

        public init(folder: String, theme: Theme, capabilities: TerminalCapabilities, reviewer: String, lab: String? = nil,
                    keymap: Keymap = .review) {
            self.lab = lab
            self.keymap = keymap
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

    // What the gallery's steps (ReviewApp+Gallery.swift) use is internal, the rest private.
    var session: ReviewSession
    let store: ReviewStore
    let options: Options
    private let worker: BackgroundWorker<Int, Observation>
    /// Learning the reviewer's lab: what the model has seen, the adaptation in force.
    public private(set) var learner: LabLearner
    private let refitter: BackgroundWorker<Int, RefitOutcome>
    private let refitRequests = RefitRequests()
    private var refitGeneration = 0
    /// How many images' features the last refit request had (its reference grows with them).
    private var featuresAtLastRefit = 0
    let painter: BackgroundWorker<PictureKey, String>
    let modelIdentity: String
    private var pictures = PictureCache()

    /// A lab whose earlier folders measured the model: a folder that looks like them starts with
    /// their blind calls and without new ones.
    public struct LabTrust: Sendable {
        public var name: String
        public var carried: ReviewSession.Trust.Tally
        public var shifts: [Float]
        /// The stain scores of the lab's measured folders (empty for a lab measured before the stain check).
        public var stains: [Float]

        public init(name: String, carried: ReviewSession.Trust.Tally, shifts: [Float], stains: [Float] = []) {
            self.name = name
            self.carried = carried
            self.stains = stains
            self.shifts = shifts
        }
    }
    public var labTrust: LabTrust?
    /// The slide's own journal (target, flags, sign-off: ReviewApp+Slide.swift) and what it holds.
    let slide: SlideJournal?
    var slideRecord: SlideRecord
    /// Whether this sitting's reopening (`amend`) is in the slide journal yet.
    var amendRecorded = false

    public init(session: ReviewSession, store: ReviewStore, options: Options, modelIdentity: String, learner: LabLearner,
                slide: (SlideJournal, SlideRecord)? = nil,
                makeClassifier: @escaping @Sendable () throws -> any Classifying) {
        self.session = session
        self.slide = slide?.0
        slideRecord = slide?.1 ?? SlideRecord()
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
            let next = request.current.refit(request.examples, reference: request.reference)
            return RefitOutcome(adaptation: next, probabilities: request.features.mapValues { next.probabilities($0) })
        }
        let capabilities = options.capabilities
        painter = BackgroundWorker(name: "painter", setup: {}) { _, key in
            PicturePainter.paint(path: paths[key.index], pane: key.pane, capabilities: capabilities, cells: key.cells,
                                 overlay: key.overlay, zoomed: key.zoomed, keepingOthers: key.thumbnail)
        }
    }

    /// The loop's state between steps: which picture the terminal shows, which one the screen
    /// wants, whether anything changed since the last draw, what the classifier is working on.
    var pictureOnScreen: PictureKey?
    /// The grid curses was last given, to find the rows a redraw changes.
    private var lastGrid: CellGrid?
    private var wantedPicture: PictureKey?
    var dirty = true
    private var sweep = ClassificationSweep()
    private var outstanding = Set<Int>()
    /// The gallery's thumbnails: painted ones (its page and the next), which one stands in each place.
    var thumbnails = PictureCache(capacity: 64)
    var thumbnailsOnScreen: [ReviewScreen.Rect: PictureKey] = [:]
    var wantedThumbnails = Set<PictureKey>()
    var galleryShown = false
    var lastGalleryGrid: CellGrid?

    /// Runs until the reviewer quits or a signal arrives. Each turn: take what the workers
    /// finished, redraw if anything changed, handle one key (or time out and go round again).
    public func run() -> (Ending, ReviewSession) {
        Signals.install()
        let backend = CursesBackend()
        defer { backend.end() }
        defer { backend.writeRaw(PicturePainter.clearing(options.capabilities)) }  // a kitty picture would outlive the screen
        defer { try? store.flush() }  // every way out (q, a signal) brings labels.csv up to date; run()'s caller reports a failure
        var screen = ReviewScreen(folderName: options.folder, graphicsMode: options.capabilities.graphics, theme: options.theme)
        screen.keymap = options.keymap
        askForPredictions()
        if let note = options.capabilities.note { apply(.notify(note, unlessBusy: false)) }
        while true {
            if let signal = Signals.pending { return (.signal(signal), session) }
            takePredictions()
            takeRefits()
            takePictures()
            if dirty { redraw(screen, backend) }
            guard let input = backend.input() else { continue }
            if let ending = handle(input, backend) { return (ending, session) }
        }
    }

    // MARK: the steps of one turn

    /// Predictions from the classifier worker: through the lab's head, into the session.
    private func takePredictions() {
        let predictions = worker.takeResults()
        var teaches = false
        for (index, observation) in predictions {
            var opinion = observation.opinion
            if let feature = observation.feature, case .predicted(_, let hash) = opinion {
                opinion = .predicted(probabilities: learner.observe(index: index, feature: feature, stain: observation.stain,
                                                                    decided: session.labels[index]?.source == .person), imageHash: hash)
                teaches = teaches || session.labels[index]?.source == .person
            }
            apply(.opinion(index: index, opinion))
            if !observation.cells.isEmpty { apply(.cellsFound(index: index, observation.cells)) }
            if let map = observation.activationMap { apply(.activationMapFound(index: index, map)) }
            outstanding.remove(index)
        }
        // A reviewed image's feature arrived (a reopened folder), or the images the refit keeps the
        // prior's answers on have doubled since it ran (decisions made as the folder opened).
        let decided = learner.adaptation.decisions
        let referenceGrew = decided > 0 && learner.adaptation.usesReference(decisions: decided)
            && learner.features.count >= 2 * max(1, featuresAtLastRefit)
        if teaches || referenceGrew { requestRefit() }
        if session.trust.shiftScore == nil, session.trust.stainScore == nil, let look = learner.look(seenAll: session.classifiedCount >= session.names.count) {
            session.trust.shiftScore = look.features?.score
            session.trust.stainScore = look.stain?.score
            session.trust.stainWarning = look.stain?.warning ?? false
            session.trust.shiftWarning = look.warning
            let calibratingBefore = session.calibration?.phase
            var match: (carried: ReviewSession.Trust.Tally, note: String)?
            if let lab = labTrust {
                if Lab.matches(shift: look.features?.score ?? 1, measured: lab.shifts),
                   Lab.matches(stain: look.stain?.score, measured: lab.stains) {
                    match = (lab.carried, "Lab \(DisplayName.escaped(lab.name)): these images look like its earlier folders; no new blind calls.")
                } else if session.calibrating {
                    apply(.notify(String(format: "These images differ from lab %@'s earlier folders (shift %.1f, stain %.1f): blind calls measure the model here.",
                                         DisplayName.escaped(lab.name), look.features?.score ?? 0, look.stain?.score ?? 0), unlessBusy: false))
                }
            }
            session.shiftKnown(warning: look.warning, why: look.reason, labMatch: match)
            dirty = true
            if look.warning, session.calibration?.phase == calibratingBefore {
                apply(.notify("These images do not look like the model's training images: \(look.reason ?? "") — check each prediction.", unlessBusy: true))
            }
        }
        if !predictions.isEmpty && outstanding.isEmpty { askForPredictions() }
        if let failure = worker.failure, session.message == nil {  // said again whenever another message has gone
            apply(.notify("the model could not be loaded: \(failure)", unlessBusy: true))
        }
    }

    /// A finished refit of the lab's head: adopted, and every kept feature predicted again.
    private func takeRefits() {
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
            apply(.repredicted(updated, trust: trust))
        }
    }

    /// Pictures the painter finished; the screen redraws when the one it waits for is among them.
    private func takePictures() {
        for (key, text) in painter.takeResults() {
            if key.thumbnail {
                if let dropped = thumbnails.store(key, text) { painter.forget(dropped) }
                if wantedThumbnails.contains(key) { dirty = true }
                continue
            }
            if let dropped = pictures.store(key, text) { painter.forget(dropped) }
            if key == wantedPicture { dirty = true }
        }
    }

    /// curses draws the cells; the picture is written after it, into the pane the screen left.
    private func redraw(_ screen: ReviewScreen, _ backend: CursesBackend) {
        if showGallery(backend) { return }
        var grid = CellGrid(width: backend.width, height: backend.height)
        let pane = screen.draw(session, into: &grid)
        let wanted = pane.flatMap { p in session.current.map { PictureKey(index: $0, pane: p, session: session) } }
        wantedPicture = wanted
        if wanted == nil && pictureOnScreen != nil {
            backend.invalidate()  // curses repaints every cell, wiping the old picture
            backend.writeRaw(PicturePainter.clearing(options.capabilities))  // kitty's pictures are not cells
            pictureOnScreen = nil
        }
        // curses may clear the cells it believes blank at the start of a row whose text moved right
        // (a clear-to-line-start is cheaper than spaces), wiping the picture there: a picture whose
        // rows changed is written again. (kitty's pictures are not in the cells.)
        if let shown = pictureOnScreen, options.capabilities.graphics != .kitty,
           Self.changedRows(from: lastGrid, to: grid).contains(where: (shown.pane.y..<(shown.pane.y + shown.pane.height)).contains) {
            pictureOnScreen = nil
        }
        lastGrid = grid
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
                jobs.append(PictureKey(index: next, pane: wanted.pane, session: session))
            }
            painter.want(jobs.filter { pictures[$0] == nil })
        }
        dirty = false
    }

    /// One key (or a resize). Returns how the review ends, when it does.
    private func handle(_ input: CursesBackend.Input, _ backend: CursesBackend) -> Ending? {
        dirty = true
        let pressed: Key
        switch input {
        case .resize:
            backend.invalidate()
            backend.writeRaw(PicturePainter.clearing(options.capabilities))
            pictureOnScreen = nil
            thumbnailsOnScreen = [:]
            return nil
        case .paste(let text, let count):
            takePaste(text, count: count)
            return nil
        case .key(let k):
            let meant = Keymap.review.resolved(k)  // an Alt+key that means nothing: Esc, then the key
            guard meant == [k] else {
                for key in meant { if let ending = handle(.key(key), backend) { return ending } }
                return nil
            }
            pressed = k
        }
        if session.question != nil, pressed != .control("c"), pressed != .control("z") {  // y answers yes; any other key no
            answer(pressed == .character("y") || pressed == .character("Y"))
            return nil
        }
        if session.prompt != nil, pressed != .control("c"), pressed != .control("z") {  // an open prompt takes the keys as text
            Keymap.promptAction(for: pressed).map(perform)
            askForPredictions()
            return nil
        }
        let action: ReviewAction? = session.showingHelp && pressed != .control("c")
            ? HelpPages(keymap: options.keymap, width: backend.width, height: backend.height).action(for: pressed, onPage: session.helpPage)
            : options.keymap.action(for: pressed)
        guard let action else {
            apply(.notify("\(pressed.label) does nothing here; ? lists the keys.", unlessBusy: false))
            return nil
        }
        if action == .suspend {
            backend.writeRaw(PicturePainter.clearing(options.capabilities))
            backend.suspend()
            pictureOnScreen = nil
            thumbnailsOnScreen = [:]
            return nil
        }
        if action == .acceptPage {
            acceptPage()
            return nil
        }
        if action == .toggleCalibration, session.calibrating {
            note(.calibrationSkipped, "skipped after \(session.trust.blindHere.calls) blind call(s)")
        }
        if let (next, change) = session.reduceSlide(action) {  // a flag (ReviewApp+Slide.swift)
            saveSlide(change, then: next)
            return nil
        }
        let (next, decision) = session.reduce(action)
        if let decision {
            save(decision, then: next)
        } else {
            session = next
        }
        if session.finished { return pressed == .control("c") ? .signal(SIGINT) : .quit }
        askForPredictions()  // the reviewer moved: what is near them comes first
        return nil
    }

    /// The decision reaches the journal before the session that shows it is adopted.
    private func save(_ decision: Decision, then next: ReviewSession) {
        do {
            try recordTargetIfNew()
            var warning = try store.record(entry(for: decision))
            warning = recordAmendment(decision) ?? warning
            session = next
            keepFeature(of: decision.index)
            adoptOutsideChange()
            if let warning { apply(.notify(warning, unlessBusy: false)) }
            requestRefit()
        } catch {
            // Not on disk, so not shown as done: the old session stays.
            apply(.notify("NOT SAVED: \(error). Fix the problem (or quit and use --output) and try again.", unlessBusy: false))
        }
    }

    /// A decided image's feature is what the head is fitted on: kept for good.
    func keepFeature(of index: Int) { learner.keep(index) }

    /// Rows another program changed in labels.csv, found while saving: shown as labels.csv now has them.
    func adoptOutsideChange() {
        guard let change = store.takeOutsideChange() else { return }
        apply(.labelsChangedOutside(change.rows, message: change.message))
    }

    /// An action that decides nothing (a prediction arriving, a message): reduced, and drawn next turn.
    func apply(_ action: ReviewAction) {
        session = session.reduce(action).0
        dirty = true
    }

    private func askForPredictions() {
        let jobs = sweep.next(session)
        outstanding = Set(jobs)
        worker.want(jobs)
    }

    deinit {
        worker.stop()
        painter.stop()
        refitter.stop()
    }

    /// Hands the refit worker the decisions as they are now; a newer request supersedes an older one.
    func requestRefit() {
        refitGeneration += 1
        featuresAtLastRefit = learner.features.count
        let examples = learner.examples(for: session)
        // Sorting and copying the folder's features is the loop's work: only while a fit uses them.
        let reference = learner.adaptation.usesReference(decisions: examples.count) ? learner.reference(for: session) : nil
        refitRequests.put(refitGeneration, RefitRequest(examples: examples, reference: reference, current: learner.adaptation,
                                                        features: learner.features))
        refitter.want([refitGeneration])
    }

    /// A decision made before the prediction arrived still records which bytes were judged.
    private func hashOfFile(_ index: Int) -> String? {
        guard let bytes = try? ImageDecoding.readFile(options.folder + "/" + session.names[index]) else { return nil }
        return ContentHash.journalTag(bytes)
    }

    func entry(for d: Decision) -> JournalEntry {
        var probabilities: [String: Float]?
        if let p = d.opinion?.probabilities {
            probabilities = Dictionary(uniqueKeysWithValues: zip(session.modelLabels, p))
        }
        return JournalEntry(time: ReviewStore.timestamp(), reviewer: options.reviewer, image: d.image,
                            imageHash: d.opinion?.imageHash ?? hashOfFile(d.index), model: modelIdentity, probabilities: probabilities,
                            action: d.action, label: d.label, blank: d.blank,
                            mode: session.mode(of: d), before: session.labelBefore(d),  // `session` is still the one before it
                            calibration: session.calibrating && d.action != .undo)
    }
}
