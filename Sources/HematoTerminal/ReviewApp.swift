import Foundation
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

    // What the effect runner (ReviewApp+Effects.swift) uses is internal, the rest private.
    var session: ReviewSession
    private let options: Options
    let recorder: ReviewRecorder
    let display: ReviewDisplay
    private let classifier: BackgroundWorker<Int, Observation>
    private var sweep = ClassificationSweep()
    private var outstanding = Set<Int>()
    let learning: LabLearning
    var backend: CursesBackend?
    var dirty = true
    var ending: Ending?

    /// Learning the reviewer's lab: what the model has seen, the adaptation in force.
    public var learner: LabLearner { learning.learner }

    public init(session: ReviewSession, store: ReviewStore, options: Options, modelIdentity: String, learner: LabLearner,
                slide: (SlideJournal, SlideRecord)? = nil,
                makeClassifier: @escaping @Sendable () throws -> any Classifying) {
        self.session = session
        self.options = options
        learning = LabLearning(learner)
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
            learning.takeNewest(trust: session.trust).forEach(send)  // the lab's head refitted
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
        for (index, observation) in predictions {
            send(.opinion(index: index, learning.opinion(observation, index: index, decided: session.labels[index]?.source == .person)))
            if !observation.cells.isEmpty { send(.cellsFound(index: index, observation.cells)) }
            if let map = observation.activationMap { send(.activationMapFound(index: index, map)) }
            outstanding.remove(index)
        }
        learning.refitIfDue(session)
        learning.folderLooked(seenAll: session.classifiedCount >= session.names.count).map(send)
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

    func askForPredictions() {
        let jobs = sweep.next(session)
        outstanding = Set(jobs)
        classifier.want(jobs)
    }
}
