import Foundation
import HematoAdapt
import HematoReview

/// The review loop. It decides nothing: keys and what the workers finish become actions, the
/// session's reducer (`ReviewSession.reduce`) decides, and the loop carries out the effects it
/// returns. A decision reaches the disk (ReviewRecorder) before the session that shows it is
/// adopted; the screen (ReviewDisplay) is drawn after each change.
public final class ReviewApp {
    public enum Ending: Equatable {
        case quit
        case signal(Int32)
    }

    private(set) var session: ReviewSession
    private let options: Options
    private let recorder: ReviewRecorder
    private let display: ReviewDisplay
    private let classifier: BackgroundWorker<Int, Observation>
    private var sweep = ClassificationSweep()
    private var outstanding = Set<Int>()
    /// Learning the reviewer's lab: what the model has seen, the adaptation in force.
    public private(set) var learner: LabLearner
    private let refits = LabRefitter()
    private var backend: CursesBackend?
    private var dirty = true
    private var ending: Ending?

    public init(session: ReviewSession, store: ReviewStore, options: Options, modelIdentity: String, learner: LabLearner,
                slide: (SlideJournal, SlideRecord)? = nil,
                makeClassifier: @escaping @Sendable () throws -> any Classifying) {
        self.session = session
        self.options = options
        self.learner = learner
        recorder = ReviewRecorder(store: store, slide: slide, options: options, modelIdentity: modelIdentity)
        let paths = session.names.map { options.folder + "/" + $0 }
        display = ReviewDisplay(options: options, paths: paths)
        classifier = BackgroundWorker(name: "classifier", setup: makeClassifier) { classifier, index in
            classifier.observe(path: paths[index])
        }
    }

    deinit { classifier.stop() }

    /// Runs until the reviewer quits or a signal arrives. Each turn: take what the workers
    /// finished, redraw if anything changed, handle one key (or time out and go round again).
    public func run() -> (Ending, ReviewSession) {
        Signals.install()
        let backend = CursesBackend()
        self.backend = backend
        defer { backend.end() }
        defer { backend.writeRaw(PicturePainter.clearing(options.capabilities)) }  // a kitty picture would outlive the screen
        defer { try? recorder.store.flush() }  // every way out (q, a signal) brings labels.csv up to date; run()'s caller reports a failure
        askForPredictions()
        if let note = options.capabilities.note { send(.notify(note, unlessBusy: false)) }
        while true {
            if let signal = Signals.pending { return (.signal(signal), session) }
            takePredictions()
            refits.takeNewest(into: &learner, trust: session.trust).forEach(send)  // the lab's head refitted
            if display.takePictures() { dirty = true }
            if dirty {
                if let layout = display.galleryLayout(session, backend) { send(layout) }
                display.draw(session, backend)
                dirty = false
            }
            guard let input = backend.input() else { continue }
            handle(input, backend)
            if let ending { return (ending, session) }
        }
    }

    /// Predictions from the classifier: through the lab's head, into the session.
    private func takePredictions() {
        let predictions = classifier.takeResults()
        var teaches = false
        for (index, observation) in predictions {
            var opinion = observation.opinion
            if let feature = observation.feature, case .predicted(_, let hash) = opinion {
                let decided = session.labels[index]?.source == .person
                opinion = .predicted(probabilities: learner.observe(index: index, feature: feature, decided: decided), imageHash: hash)
                teaches = teaches || decided
            }
            send(.opinion(index: index, opinion))
            if !observation.cells.isEmpty { send(.cellsFound(index: index, observation.cells)) }
            if let map = observation.activationMap { send(.activationMapFound(index: index, map)) }
            outstanding.remove(index)
        }
        // A reviewed image's feature arrived (a reopened folder), or the images the refit keeps the
        // prior's answers on have doubled since it ran (decisions made as the folder opened).
        let decided = learner.adaptation.decisions
        let referenceGrew = decided > 0 && learner.adaptation.usesReference(decisions: decided)
            && learner.features.count >= 2 * max(1, refits.featuresAtLastRequest)
        if teaches || referenceGrew { refits.request(learner, session) }
        if session.trust.shiftScore == nil, let shift = learner.shift { send(.shiftMeasured(score: shift.score, warning: shift.warning)) }
        if !predictions.isEmpty && outstanding.isEmpty { askForPredictions() }
        if let failure = classifier.failure, session.message == nil {  // said again whenever another message has gone
            send(.notify("the model could not be loaded: \(failure)", unlessBusy: true))
        }
    }

    private func handle(_ input: CursesBackend.Input, _ backend: CursesBackend) {
        switch input {
        case .resize:
            dirty = true
            backend.invalidate()
            display.clear(backend)
        case .paste(let text, let count):
            send(.paste(text, count: count))
        case .key(let key):
            let helpPages = HelpPages(keymap: options.keymap, width: backend.width, height: backend.height).count
            // An Alt+key that means nothing is Esc, then the key.
            for key in Keymap.review.resolved(key) where ending == nil { send(.key(options.keymap.press(key, helpPages: helpPages))) }
        }
    }

    /// One action through the reducer. What must reach the disk is written first; when that fails the
    /// session stays as it was and the failure is reduced instead. Then the session is adopted, what
    /// the writes reported is sent on, and the other effects are carried out in order.
    private func send(_ action: ReviewAction) {
        dirty = true
        var next = session
        let effects: [Effect] = next.reduce(action)
        var reported: [ReviewAction] = []
        for effect in effects where effect.persists {
            do {
                reported += try persist(effect)
            } catch {
                return send(.saveFailed(effect, reason: "\(error)", saved: 0))
            }
        }
        session = next
        reported.forEach(send)
        effects.filter { !$0.persists }.forEach(carryOut)
    }

    /// Writes what `session` (still the one before the change) decided; returns what the write reported.
    private func persist(_ effect: Effect) throws -> [ReviewAction] {
        switch effect {
        case .save(let decision):
            let warning = try recorder.save(decision, madeIn: session)
            learner.keep(decision.index)  // a decided image's feature is what the head is fitted on: kept for good
            return [recorder.outsideChange(), warning.map { .notify($0, unlessBusy: false) }].compactMap { $0 }
        case .saveSlide(let change):
            return try recorder.save(change, madeIn: session).map { [$0] } ?? []
        default:
            return []
        }
    }

    private func carryOut(_ effect: Effect) {
        switch effect {
        case .save, .saveSlide:
            break  // on disk before the session was adopted
        case .note(let kind, let text):
            do { try recorder.note(kind, text) } catch { send(.saveFailed(effect, reason: "\(error)", saved: 0)) }
        case .acceptEach(let steps):
            acceptEach(steps)
        case .refit:
            refits.request(learner, session)
        case .classifyAhead:
            askForPredictions()
        case .suspend:
            guard let backend else { return }
            display.clear(backend)
            backend.suspend()
        case .quit(let interrupted):
            ending = interrupted ? .signal(SIGINT) : .quit
        }
    }

    /// `A`'s series: each step's decision on disk before the next is reduced (`ReviewSession.acceptEach`).
    private func acceptEach(_ steps: [ReviewAction]) {
        let before = session
        var series = session
        var warnings: [String] = []
        let outcome = series.acceptEach(steps) { decision in
            if let warning = try recorder.save(decision, madeIn: before, recordingTarget: false) { warnings.append(warning) }
            learner.keep(decision.index)
        }
        session = series
        dirty = true
        [recorder.outsideChange(), warnings.last.map { .notify($0, unlessBusy: true) }].compactMap { $0 }.forEach(send)
        outcome.effects.forEach(carryOut)
    }

    private func askForPredictions() {
        let jobs = sweep.next(session)
        outstanding = Set(jobs)
        classifier.want(jobs)
    }
}
