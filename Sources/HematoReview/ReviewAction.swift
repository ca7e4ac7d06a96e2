/// Everything a reviewer (or the background classifier) can do to a session.
public enum ReviewAction: Equatable, Sendable {
    case accept                  // confirm the image's label, or take the model's prediction if it has none; move on
    case set(String)             // label with this class and move on
    case add(String)             // add a class to the label (several cells), stay
    case removeLabel             // drop the last class of several, or blank a single one; stay
    case undo                    // put back the label before the last decision, go there
    case skip                    // move on without deciding
    case previous
    case next
    case nextUnreviewed
    case toggleOrder             // by name ↔ least confident first
    case cycleFilter             // all → each predicted class → all
    case toggleHelp
    case turnHelpPage(Int)       // while the help shows: a page on (1) or back (-1); the screen knows how many
    case cancel                  // Esc: close the help, clear the filter; never quits
    case suspend                 // Ctrl-Z: the terminal side stops the process; the session is unchanged
    case quit
    /// A word for the reviewer on the message line; `unlessBusy` keeps a message already showing.
    case notify(String, unlessBusy: Bool)
    case opinion(index: Int, ModelOpinion)
    /// The white cells the model's view found in an image.
    case cellsFound(index: Int, [CellOpinion])
    /// The model adapted: new probabilities for images already classified (those a person labelled keep theirs).
    case repredicted([Int: [Float]], trust: ReviewSession.Trust)
    // Navigation, the one-line prompt and the label filters (ReviewSession+Navigation.swift).
    case first, last
    case pageBack, pageForward   // ReviewSession.pageStep images
    case openPrompt(ReviewSession.Prompt.Kind)
    case promptType(Character), promptErase, promptSubmit, promptClose
    case cycleLabelFilter        // all → unlabelled → model and label disagree → each labelled class → all
    case toggleActivationMap     // c: the heat map of the predicted class over the picture
    case toggleZoom              // z: the picture zoomed to the cell
    /// Where the evidence for the predicted class lies in an image (PictureView.swift).
    case activationMapFound(index: Int, ActivationMap)
    // The gallery (Gallery.swift). In the single view the row keys move as previous/next do.
    case toggleGallery
    case previousRow, nextRow, previousPage, nextPage
    /// A: the app saves `pageAcceptances` one by one (`acceptingPage`), then the page turns.
    case acceptPage
    /// Accept this image (one of A's steps) and stay.
    case acceptImage(Int)
    /// The thumbnails the terminal has room for.
    case galleryLayout(columns: Int, rows: Int)
    /// Another program changed labels.csv during the review: these images' rows (labels.csv key →
    /// row, nil for none) are now as it left them, and the reviewer hears `message`.
    case labelsChangedOutside([String: [String]?], message: String)
    /// C: stop a running blind calibration, or start one (ReviewSession+Calibration.swift).
    case toggleCalibration
    /// The reviewer's answer to the question on the message line (y, or anything else for no).
    case answer(Bool)
    /// !: flag the image with a note (a prompt), or take its flag off (ReviewSession+Flags.swift).
    case flag
    /// S: sign the slide off, after a confirmation (ReviewSession+SignOff.swift).
    case signOff
}

/// A decision to put on disk before the session that contains it is shown.
public struct Decision: Equatable, Sendable {
    public let index: Int
    public let image: String
    public let action: JournalEntry.Action
    public let label: [String]
    public let opinion: ModelOpinion?
    /// The label is a blank Category row in labels.csv, not no row (`JournalEntry.blank`).
    public var blank = false
}

extension ReviewSession {
    /// The next session, and the decision that must be persisted first (if any).
    /// When persisting fails, the caller keeps the old session: nothing is shown
    /// as done that is not on disk.
    public func reduce(_ action: ReviewAction) -> (ReviewSession, Decision?) {
        if case .labelsChangedOutside(let rows, let text) = action {  // in any view, blind or not
            var next = self
            next.adoptRowsFromFile(rows)
            next.message = text
            return (next, nil)
        }
        if let refusal = signedOffRefusal(action) ?? blindRefusal(action) {
            var next = self
            next.message = refusal
            return (next, nil)
        }
        if let handled = reduceInGallery(action) { return handled }
        var next = self
        next.message = nil
        switch action {
        case .opinion(let index, let opinion):
            // A late answer about an index this session does not have is dropped, not stored.
            guard names.indices.contains(index) else { return (self, nil) }
            let first = opinions[index] == nil
            next.setOpinion(opinion, at: index)
            if first { next.joinLabelFilter(index) }
            next.message = message
            next.advanceCalibration()
            return (next, nil)
        case .cellsFound(let index, let found):
            guard names.indices.contains(index) else { return (next, nil) }
            next.setCells(found, at: index)
            next.message = message
            return (next, nil)
        case .repredicted(let updated, let trust):
            // An image a person labelled keeps the answer it was decided against: the head was
            // refitted on that label, so its new answer there would only echo the reviewer
            // (one correction turned image 6's 0.4 % MONOCYTE into 87 %). Undoing the label
            // lets the next refit update it again.
            next.setProbabilities(updated.filter { labels[$0.key]?.source != .person })
            next.trust = trust
            next.message = message
            if order == .leastConfident || filter != nil { next.rebuildQueue(order: order, filter: filter) }
            return (next, nil)
        case .toggleHelp:
            next.showingHelp.toggle()
            next.helpPage = 0
            return (next, nil)
        case .turnHelpPage(let step):
            next.helpPage = max(0, helpPage + step)
            next.message = message
            return (next, nil)
        case .toggleActivationMap, .toggleZoom, .activationMapFound:
            return (reducedPictureView(action), nil)
        case .cancel:
            if next.showingHelp {
                next.showingHelp = false
            } else if filter != nil || labelFilter != nil {
                next.labelFilter = nil
                next.rebuildQueue(order: order, filter: nil)
                next.message = "Showing all images"
            } else {
                next.message = "Esc closes the help or clears the filter; q quits."
            }
            return (next, nil)
        case .notify(let text, let unlessBusy):
            next.message = unlessBusy && message != nil ? message : text
            return (next, nil)
        case .suspend:
            return (next, nil)
        case .quit:
            next.finish()
            return (next, nil)
        case .toggleCalibration:
            return (toggledCalibration(), nil)
        case .answer(let yes):
            next.question = nil
            next.message = yes ? nil : "Nothing accepted."
            return (next, nil)
        case .first, .last, .pageBack, .pageForward, .openPrompt, .promptType, .promptErase, .promptSubmit, .promptClose, .cycleLabelFilter:
            return next.navigate(action)
        default:
            break
        }
        if next.showingHelp { next.showingHelp = false }
        // A filter can leave nothing to show (one image, predicted another class). Every
        // action below must then do nothing, with a word, rather than index an empty queue.
        let nothingHere = filter.map { "No image here is predicted \($0); press f for the next filter." } ?? "There are no images here."
        if queue.isEmpty, [.skip, .next, .previous, .nextUnreviewed].contains(action) {
            next.message = nothingHere
            return (next, nil)
        }
        switch action {
        case .accept:
            guard let i = current else {
                next.message = nothingHere
                return (next, nil)
            }
            // Enter on a labelled image confirms the label it has (from labels.csv or a
            // reviewer); replacing it takes a class key, never a silent swap for the model's guess.
            if let existing = labels[i], !existing.categories.isEmpty {
                return next.decide(index: i, categories: existing.categories, action: .accept, advance: true)
            }
            switch opinions[i] {
            case nil:
                next.message = "The prediction is not ready yet; choose a class or wait a moment."
                return (next, nil)
            case .unreadable(let reason)?:
                next.message = "Unreadable image, choose a class or skip it: \(reason)"
                return (next, nil)
            case .predicted?:
                guard let predicted = predictedClass(i) else {
                    next.message = "The prediction names no class this model has; choose a class."
                    return (next, nil)
                }
                return next.decide(index: i, categories: [predicted], action: .accept, advance: true)
            }
        case .set, .add, .removeLabel:
            guard let i = current else {
                next.message = nothingHere
                return (next, nil)
            }
            return next.relabel(action, at: i, advancingOnSet: true)
        case .undo:
            guard let undo = next.popUndo() else {
                next.message = "Nothing to undo."
                return (next, nil)
            }
            guard undo.known, names.indices.contains(undo.index) else {  // kept, so every older step stays out of reach too
                next.pushUndo(undo)
                next.message = next.unrecoverableUndoMessage(undo)
                return (next, nil)
            }
            next.setLabel(undo.previous, at: undo.index)
            next.trust.calls[undo.index] = undo.previousCall
            if let p = next.queue.firstIndex(of: undo.index) { next.move(to: p) }
            // Said, because undoing an Enter that confirmed a labels.csv label changes nothing on screen.
            var restored = "no label"
            if let previous = undo.previous {
                restored = previous.categories.isEmpty ? "a blank label" : previous.categories.map(DisplayName.escaped).joined(separator: ", ")
                if previous.source == .file { restored += " from labels.csv" }
                if previous.source == .model { restored += ", the model's label" }
            }
            next.message = "Undone: \(DisplayName.escaped(names[undo.index])) has \(restored) again."
            let decision = Decision(index: undo.index, image: keys[undo.index], action: .undo,
                                    label: undo.previous?.categories ?? [], opinion: opinions[undo.index],
                                    blank: undo.previous?.categories.isEmpty == true)
            return (next, decision)
        case .skip, .next:
            if position + 1 >= queue.count { next.message = "This is the last image." }
            next.move(to: position + 1)
        case .previous:
            if position == 0 { next.message = "This is the first image." }
            next.move(to: position - 1)
        case .nextUnreviewed:
            let n = queue.count
            if let step = (1...n).first(where: { labels[queue[(position + $0) % n]]?.source != .person }) {
                next.move(to: (position + step) % n)
            } else {
                next.message = "Every image here has a reviewer's label."
            }
        case .toggleOrder:
            next.rebuildQueue(order: order == .name ? .leastConfident : .name, filter: filter)
            next.message = "Order: \(next.order.rawValue)" + (next.order == .leastConfident ? " (of \(classifiedCount) classified so far)" : "")
        case .cycleFilter:
            let choices: [String?] = [nil] + modelLabels
            let at = choices.firstIndex { $0 == filter } ?? 0
            next.rebuildQueue(order: order, filter: choices[(at + 1) % choices.count])
            next.message = next.filter.map { "Showing images predicted \($0) (\(next.queue.count))" } ?? "Showing all images"
        default:
            break
        }
        return (next, nil)
    }

    /// A class key on image `i`, in either view: `set` replaces its label (and moves on when
    /// `advancingOnSet`), `add` appends a class, `removeLabel` drops the last class or blanks a single one.
    mutating func relabel(_ action: ReviewAction, at i: Int, advancingOnSet: Bool) -> (ReviewSession, Decision?) {
        let existing = labels[i]?.categories ?? []
        switch action {
        case .set(let cls):
            return decide(index: i, categories: [cls], action: .set, advance: advancingOnSet)
        case .add(let cls):
            return decide(index: i, categories: existing + [cls], action: existing.isEmpty ? .set : .add, advance: false)
        default:
            guard !existing.isEmpty else {
                message = labels[i] == nil ? "This image has no label to remove." : "The label is already blank."
                return (self, nil)
            }
            return decide(index: i, categories: Array(existing.dropLast()), action: .remove, advance: false)
        }
    }

    mutating func decide(index: Int, categories: [String], action: JournalEntry.Action, advance: Bool) -> (ReviewSession, Decision?) {
        pushUndo(Undo(index: index, previous: labels[index], previousCall: trust.calls[index]))
        trust.calls[index] = call(on: index, categories: categories)  // asked before the label is set: was the answer hidden?
        let cellsBefore = differential.cells
        setLabel(Label(categories: categories, source: .person), at: index)
        if advance {
            if position + 1 < queue.count { move(to: position + 1) } else { message = "Last image labelled. Press q to quit (all saved)." }
        }
        noteTarget(cellsBefore: cellsBefore)
        if blind { revealAfterBlindDecision(index) }
        if calibrating { advanceCalibration() }
        return (self, Decision(index: index, image: keys[index], action: action, label: categories, opinion: opinions[index],
                               blank: categories.isEmpty))
    }
}
