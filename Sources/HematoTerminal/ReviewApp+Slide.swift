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
        }
    }
}
