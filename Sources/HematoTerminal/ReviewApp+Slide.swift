import HematoFiles
import HematoReview

/// The slide journal's entries the review writes: each on disk before the screen shows it.
extension ReviewApp {
    /// The target is recorded with the first decision made under it, so `report` can show it;
    /// opening a folder to look writes nothing.
    func recordTargetIfNew() throws(JournalError) {
        guard let slide, let target = session.target, target != slideRecord.target else { return }
        let entry = SlideEntry(kind: .target, time: ReviewStore.timestamp(), reviewer: options.reviewer, target: target)
        try slide.append(entry)
        slideRecord.target = target
    }
}

extension ReviewApp {
    /// An action typed into a prompt: the flag's note is the slide's, the rest the session's.
    func perform(_ action: ReviewAction) {
        if let (next, change) = session.reduceSlide(action) {
            saveSlide(change, then: next)
        } else {
            apply(action)
        }
    }

    /// The slide journal's line is on disk before the session that shows the change is adopted.
    func saveSlide(_ change: ReviewSession.SlideChange?, then next: ReviewSession) {
        dirty = true
        guard let change else {
            session = next
            return
        }
        do {
            if change == .signOff {
                try signOff(then: next)
                return
            }
            try slideEntry(for: change).map { entry throws(JournalError) in
                guard let slide else { return }
                try slide.append(entry)
            }
            session = next
        } catch {
            apply(.notify("NOT SAVED: \(error). Fix the problem and try again.", unlessBusy: false))
        }
    }

    private func slideEntry(for change: ReviewSession.SlideChange) -> SlideEntry? {
        let time = ReviewStore.timestamp()
        switch change {
        case .flag(let index, let note):
            return SlideEntry(kind: .flag, time: time, reviewer: options.reviewer, image: session.keys[index], note: note)
        case .unflag(let index):
            return SlideEntry(kind: .unflag, time: time, reviewer: options.reviewer, image: session.keys[index])
        case .signOff:
            return nil
        }
    }

    /// The sign-off's entry: labels.csv brought up to date and fingerprinted, the counts, the model and
    /// lab, and the agreement measured as `report` measures it (from the decision journal on disk).
    private func signOff(then next: ReviewSession) throws {
        guard let slide else { throw SignOffFailure("this review has no slide journal") }
        try store.flush()
        guard let bytes = try RegularFile.contentsIfPresent(store.labelsPath, followLinks: true) else {
            throw SignOffFailure("there is no labels.csv to sign (no label yet)")
        }
        let journal = try Journal.contents(path: store.journalPath).entries
        let measured = ReviewReport(imageKeys: session.keys, labels: store.labels, journal: journal, classOrder: session.modelLabels)
        let blind = measured.agreementByMode[.blind]
        let d = session.differential
        let time = ReviewStore.timestamp()
        let record = SlideEntry.SignOff(
            labelsSHA256: SHA256.hex(bytes), counts: d.counts.filter { $0.value > 0 }, cells: d.cells,
            labelled: session.labelledCount, images: session.names.count, target: session.target, model: modelIdentity, lab: options.lab,
            agreement: .init(decisions: measured.agreement.decisions, accuracy: measured.agreement.matrix.accuracy,
                             kappa: measured.agreement.matrix.kappa, blindDecisions: blind?.decisions ?? 0,
                             blindAccuracy: blind?.matrix.accuracy),
            journalEntries: journal.count)
        let entry = SlideEntry(kind: .signoff, time: time, reviewer: options.reviewer, signoff: record)
        try slide.append(entry)
        slideRecord.signoffs.append(entry)
        session = next
        session.signOff(.init(reviewer: options.reviewer, time: time))
    }

    /// While amending, each decision saved is journaled as an amendment too (after the decision, which
    /// is what counts: a failure here is said, and `report` counts changes after the sign-off anyway).
    /// Returns a warning when it could not be written.
    func recordAmendment(_ decision: Decision) -> String? {
        guard session.amending, let slide else { return nil }
        let time = ReviewStore.timestamp()
        do {
            if !amendRecorded {
                try slide.append(SlideEntry(kind: .amend, time: time, reviewer: options.reviewer))
                amendRecorded = true
            }
            try slide.append(SlideEntry(kind: .amendment, time: time, reviewer: options.reviewer, image: decision.image,
                                        before: session.labels[decision.index]?.categories ?? [], after: decision.label))
            return nil
        } catch {
            return "saved, but the amendment is not in the slide journal: \(error)"
        }
    }
}

struct SignOffFailure: Error, CustomStringConvertible {
    let description: String
    init(_ text: String) { description = text }
}
