import HematoFiles
import HematoImage
import HematoReview

/// Where the review's effects reach the disk: decisions in the journal and labels.csv (the store),
/// flags, the target and the sign-off in the slide journal, notes in the journal. Each method
/// returns once its line is written, or throws; the app adopts the session that shows the change
/// only after that.
final class ReviewRecorder {
    let store: ReviewStore
    private let slide: SlideJournal?
    private var slideRecord: SlideRecord
    /// Whether this sitting's reopening (`amend`) is in the slide journal yet.
    private var amendRecorded = false
    private let options: ReviewApp.Options
    private let modelIdentity: String

    init(store: ReviewStore, slide: (SlideJournal, SlideRecord)?, options: ReviewApp.Options, modelIdentity: String) {
        self.store = store
        self.slide = slide?.0
        slideRecord = slide?.1 ?? SlideRecord()
        self.options = options
        self.modelIdentity = modelIdentity
    }

    /// A decision's journal line; `s` is the session it was made in (the one before it). The target
    /// goes to the slide journal with the first decision made under it, whether one key's or `A`'s,
    /// so `report` can show it. Returns a warning to show.
    func save(_ d: Decision, madeIn s: ReviewSession) throws -> String? {
        try recordTargetIfNew(s)
        let warning = try store.record(entry(for: d, madeIn: s))
        return recordAmendment(d, madeIn: s) ?? warning
    }

    /// A flag, an unflag or the sign-off; the sign-off returns the action that makes the session read-only.
    func save(_ change: ReviewSession.SlideChange, madeIn s: ReviewSession) throws -> ReviewAction? {
        let time = ReviewStore.timestamp()
        switch change {
        case .flag(let index, let note):
            try slide?.append(SlideEntry(kind: .flag, time: time, reviewer: options.reviewer, image: s.keys[index], note: note))
        case .unflag(let index):
            try slide?.append(SlideEntry(kind: .unflag, time: time, reviewer: options.reviewer, image: s.keys[index]))
        case .signOff:
            return .signedOff(try signOff(s))
        }
        return nil
    }

    /// A journal line that decides nothing.
    func note(_ kind: JournalEvent.Kind, _ text: String) throws {
        try store.note(JournalEvent(event: kind, time: ReviewStore.timestamp(), reviewer: options.reviewer, text: text))
    }

    /// Rows another program changed in labels.csv, found while saving: shown as labels.csv now has them.
    func outsideChange() -> ReviewAction? {
        store.takeOutsideChange().map { .labelsChangedOutside($0.rows, message: $0.message) }
    }

    private func recordTargetIfNew(_ s: ReviewSession) throws(JournalError) {
        guard let slide, let target = s.target, target != slideRecord.target else { return }
        try slide.append(SlideEntry(kind: .target, time: ReviewStore.timestamp(), reviewer: options.reviewer, target: target))
        slideRecord.target = target
    }

    private func entry(for d: Decision, madeIn s: ReviewSession) -> JournalEntry {
        var probabilities: [String: Float]?
        if let p = d.opinion?.probabilities {
            probabilities = Dictionary(uniqueKeysWithValues: zip(s.modelLabels, p))
        }
        return JournalEntry(time: ReviewStore.timestamp(), reviewer: options.reviewer, image: d.image,
                            imageHash: d.opinion?.imageHash ?? hashOfFile(s.names[d.index]), model: modelIdentity,
                            probabilities: probabilities, action: d.action, label: d.label, blank: d.blank,
                            mode: s.mode(of: d), before: s.labelBefore(d), calibration: s.calibrating && d.action != .undo)
    }

    /// A decision made before the prediction arrived still records which bytes were judged.
    private func hashOfFile(_ name: String) -> String? {
        guard let bytes = try? ImageDecoding.readFile(options.folder + "/" + name) else { return nil }
        return ContentHash.journalTag(bytes)
    }

    /// While amending, each decision saved is journaled as an amendment too (after the decision, which
    /// is what counts: a failure here is said, and `report` counts changes after the sign-off anyway).
    private func recordAmendment(_ decision: Decision, madeIn s: ReviewSession) -> String? {
        guard s.amending, let slide else { return nil }
        let time = ReviewStore.timestamp()
        do {
            if !amendRecorded {
                try slide.append(SlideEntry(kind: .amend, time: time, reviewer: options.reviewer))
                amendRecorded = true
            }
            try slide.append(SlideEntry(kind: .amendment, time: time, reviewer: options.reviewer, image: decision.image,
                                        before: s.labels[decision.index]?.categories ?? [], after: decision.label))
            return nil
        } catch {
            return "saved, but the amendment is not in the slide journal: \(error)"
        }
    }

    /// The sign-off's entry: labels.csv brought up to date and fingerprinted, the counts, the model and
    /// lab, and the agreement measured as `report` measures it (from the decision journal on disk).
    private func signOff(_ s: ReviewSession) throws -> ReviewSession.SignedOff {
        guard let slide else { throw SignOffFailure("this review has no slide journal") }
        try store.flush()
        guard let bytes = try RegularFile.contentsIfPresent(store.labelsPath, followLinks: true) else {
            throw SignOffFailure("there is no labels.csv to sign (no label yet)")
        }
        let journal = try Journal.contents(path: store.journalPath).entries
        let measured = ReviewReport(imageKeys: s.keys, labels: store.labels, journal: journal, classOrder: s.modelLabels)
        let blind = measured.agreementByMode[.blind]
        let d = s.differential
        let time = ReviewStore.timestamp()
        let record = SlideEntry.SignOff(
            labelsSHA256: SHA256.hex(bytes), counts: d.counts.filter { $0.value > 0 }, cells: d.cells,
            labelled: s.labelledCount, images: s.names.count, target: s.target, model: modelIdentity, lab: options.lab,
            agreement: .init(decisions: measured.agreement.decisions, accuracy: measured.agreement.matrix.accuracy,
                             kappa: measured.agreement.matrix.kappa, blindDecisions: blind?.decisions ?? 0,
                             blindAccuracy: blind?.matrix.accuracy),
            journalEntries: journal.count)
        let entry = SlideEntry(kind: .signoff, time: time, reviewer: options.reviewer, signoff: record)
        try slide.append(entry)
        slideRecord.signoffs.append(entry)
        return .init(reviewer: options.reviewer, time: time)
    }
}

struct SignOffFailure: Error, CustomStringConvertible {
    let description: String
    init(_ text: String) { description = text }
}
