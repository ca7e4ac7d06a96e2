import Foundation
import HematoAdapt

/// The one reducer. Every key reaches the session as `.key`, and everything the app learns (a
/// prediction, a save that failed, the folder's shift score) as another action; `reduce` changes
/// the session and returns the effects the app must carry out. Where an action goes:
/// - a key: `reduceKey`, which picks its meaning by what is open (a question, the prompt, the help);
/// - what the app reports back: handled here, in `reduce`;
/// - a command: refused where a signed-off slide or blind review forbids it (`reduceCommand`), else
///   the slide's reducer (flags, sign-off), then the open view's: the gallery (`reduceGallery`) or
///   the single view (`reduceSingle`), with what both share (`reduceShared`).
extension ReviewSession {
    public mutating func reduce(_ action: ReviewAction) -> [Effect] {
        switch action {
        case .key(let press):
            return reduceKey(press)
        case .paste(let text, let count):
            // Never commands: one stray paste (a shell command meant for another window) would relabel
            // images. An open prompt takes the characters as typed text; line breaks do not submit.
            if prompt != nil { return text.filter { !$0.isNewline && $0 != "\t" }.flatMap { reduce(.promptType($0)) } }
            message = "Pasted text ignored (\(count) key\(count == 1 ? "" : "s") at once, faster than typing): "
                + "keys here are commands; press them one at a time."
            return []
        case .suspend:
            return [.suspend]
        case .labelsChangedOutside(let rows, let text):  // in any view, blind or not
            adoptRowsFromFile(rows)
            message = text
            return []
        case .folderLooked(let look):
            folderLooked(look)
            return []
        case .saveFailed(let effect, let reason, let saved):
            return saveFailed(effect, reason: reason, saved: saved)
        case .pageSaved(let saved):
            turnAcceptedPage()
            return saved > 0 ? [.refit] : []
        case .signedOff(let signed):
            signOff(signed)
            return []
        default:
            return reduceCommand(action)
        }
    }

    /// The reducer seen as a value: the next session and the decision it asks to save first, the
    /// other effects left out. For the unit tests, and for setup before the app runs.
    public func reduce(_ action: ReviewAction) -> (ReviewSession, Decision?) {
        var next = self
        let effects: [Effect] = next.reduce(action)
        for case .save(let decision) in effects { return (next, decision) }
        return (next, nil)
    }

    /// Where a key is decided: a question takes y or no, an open prompt takes keys as text, the
    /// help turns its pages or closes; otherwise the keymap's command. Ctrl-C and Ctrl-Z are
    /// commands whatever is open (Ctrl-C still quits while the help shows).
    mutating func reduceKey(_ press: KeyPress) -> [Effect] {
        if question != nil, !press.overridesModes { return reduce(.answer(press.yes)) }
        if prompt != nil, !press.overridesModes { return (press.promptEdit.map { reduce($0) } ?? []) + [.classifyAhead] }
        let action = showingHelp && !press.interrupts
            ? Self.helpAction(step: press.helpStep, page: helpPage, pages: press.helpPages) : press.command
        guard let action else {
            message = "\(press.label) does nothing here; ? lists the keys."
            return []
        }
        if action == .quit {
            message = nil
            finish()
            return [.quit(interrupted: press.interrupts)]
        }
        return reduce(action) + [.classifyAhead]  // the reviewer moved: what is near them comes first
    }

    /// While the help shows: a key that turns a page (`step` +1 or -1) turns it where there is a
    /// page to turn to; any other key closes the help.
    public static func helpAction(step: Int?, page: Int, pages: Int) -> ReviewAction {
        switch step {
        case .some(1) where page + 1 < pages: return .turnHelpPage(1)
        case .some(-1) where page > 0: return .turnHelpPage(-1)
        default: return .toggleHelp
        }
    }

    /// A command (from the keymap, or one of `A`'s steps) or a result the views both receive.
    mutating func reduceCommand(_ action: ReviewAction) -> [Effect] {
        if let refusal = signedOffRefusal(action) ?? blindRefusal(action) {
            message = refusal
            return []
        }
        if let (next, change) = reduceSlide(action) {
            self = next
            return change.map { [.saveSlide($0)] } ?? []
        }
        if gallery != nil, let effects = reduceGallery(action) { return effects }
        return reduceShared(action) ?? reduceSingle(action)
    }

    /// What an action does in either view; nil for those the view decides.
    mutating func reduceShared(_ action: ReviewAction) -> [Effect]? {
        switch action {
        case .opinion(let index, let opinion):
            // A late answer about an index this session does not have is dropped, not stored.
            guard names.indices.contains(index) else { return [] }
            let first = opinions[index] == nil
            setOpinion(opinion, at: index)
            if first { joinLabelFilter(index) }
            advanceCalibration()  // the message stays
        case .cellsFound(let index, let found):
            guard names.indices.contains(index) else {
                message = nil
                return []
            }
            setCells(found, at: index)
        case .repredicted(let updated, let trust):
            // An image a person labelled keeps the answer it was decided against: the head was
            // refitted on that label, so its new answer there would only echo the reviewer.
            // Undoing the label lets the next refit update it again.
            setProbabilities(updated.filter { labels[$0.key]?.source != .person })
            self.trust = trust
            if order == .leastConfident || filter != nil { rebuildQueue(order: order, filter: filter) }
        case .toggleHelp:
            message = nil
            showingHelp.toggle()
            helpPage = 0
        case .turnHelpPage(let step):
            helpPage = max(0, helpPage + step)
        case .toggleActivationMap, .toggleZoom, .activationMapFound:
            self = reducedPictureView(action)
        case .notify(let text, let unlessBusy):
            message = unlessBusy && message != nil ? message : text
        case .quit:
            message = nil
            finish()
            return [.quit(interrupted: false)]
        case .toggleCalibration:
            let skipped = calibrating ? [Effect.note(.calibrationSkipped, "skipped after \(trust.blindHere.calls) blind call(s)")] : []
            self = toggledCalibration()
            return skipped
        case .answer(let yes):
            question = nil
            message = yes ? nil : "Nothing accepted."
            return [.note(.acceptPageAnswered, yes ? "y" : "n")] + (yes ? [.acceptEach(pageAcceptances)] : [])
        case .promptType, .promptErase, .promptSubmit, .promptClose:
            message = nil
            navigate(action)
        default:
            return nil
        }
        return []
    }

    /// The single view's part: one image at a time, in the queue's order.
    mutating func reduceSingle(_ action: ReviewAction) -> [Effect] {
        switch action {
        case .galleryLayout, .acceptImage: return []
        case .toggleGallery: return openGallery()
        case .previousRow: return reduceSingle(.previous)  // the gallery's row keys move as previous/next do
        case .nextRow: return reduceSingle(.next)
        default: break
        }
        message = nil
        switch action {
        case .nextPage, .previousPage, .acceptPage:
            message = "Pages are the gallery's: v opens it."
            return []
        case .cancel:
            if showingHelp {
                showingHelp = false
            } else if filter != nil || labelFilter != nil {
                labelFilter = nil
                rebuildQueue(order: order, filter: nil)
                message = "Showing all images"
            } else {
                message = "Esc closes the help or clears the filter; q quits."
            }
            return []
        case .first, .last, .pageBack, .pageForward, .openPrompt, .cycleLabelFilter:
            navigate(action)
            return []
        default:
            break
        }
        showingHelp = false
        // A filter can leave nothing to show (one image, predicted another class). Every
        // action below must then do nothing, with a word, rather than index an empty queue.
        let nothingHere = filter.map { "No image here is predicted \($0); press f for the next filter." } ?? "There are no images here."
        if queue.isEmpty, [.skip, .next, .previous, .nextUnreviewed].contains(action) {
            message = nothingHere
            return []
        }
        switch action {
        case .accept, .set, .add, .removeLabel:
            guard let i = current else {
                message = nothingHere
                return []
            }
            return Self.saving(action == .accept ? accept(i) : relabel(action, at: i, advancingOnSet: true))
        case .undo:
            return Self.saving(undo())
        case .skip, .next:
            message = navigation.reduce(.step(1))
        case .previous:
            message = navigation.reduce(.step(-1))
        case .nextUnreviewed:
            let n = queue.count
            if let step = (1...n).first(where: { labels[queue[(position + $0) % n]]?.source != .person }) {
                move(to: (position + step) % n)
            } else {
                message = "Every image here has a reviewer's label."
            }
        case .toggleOrder:
            rebuildQueue(order: order == .name ? .leastConfident : .name, filter: filter)
            message = "Order: \(order.rawValue)" + (order == .leastConfident ? " (of \(classifiedCount) classified so far)" : "")
        case .cycleFilter:
            let choices: [String?] = [nil] + modelLabels
            let at = choices.firstIndex { $0 == filter } ?? 0
            rebuildQueue(order: order, filter: choices[(at + 1) % choices.count])
            message = filter.map { "Showing images predicted \($0) (\(queue.count))" } ?? "Showing all images"
        default:
            break
        }
        return []
    }

    /// Enter on image `i`: a labelled image's label is confirmed (from labels.csv or a reviewer);
    /// replacing it takes a class key, never a silent swap for the model's guess. Otherwise the
    /// model's answer is taken, once there is one.
    mutating func accept(_ i: Int) -> Decision? {
        if let existing = labels[i], !existing.categories.isEmpty {
            return decide(index: i, categories: existing.categories, action: .accept, advance: true)
        }
        switch opinions[i] {
        case nil:
            message = "The prediction is not ready yet; choose a class or wait a moment."
        case .unreadable(let reason)?:
            message = "Unreadable image, choose a class or skip it: \(reason)"
        case .predicted?:
            guard let predicted = predictedClass(i) else {
                message = "The prediction names no class this model has; choose a class."
                return nil
            }
            return decide(index: i, categories: [predicted], action: .accept, advance: true)
        }
        return nil
    }

    /// A decision to put on disk, and the refit it asks for once it is there.
    static func saving(_ decision: Decision?) -> [Effect] { decision.map { [.save($0), .refit] } ?? [] }

    /// `u`: the label before the last decision comes back, and the image is shown.
    mutating func undo() -> Decision? {
        guard let undo = popUndo() else {
            message = "Nothing to undo."
            return nil
        }
        guard undo.known, names.indices.contains(undo.index) else {  // kept, so every older step stays out of reach too
            pushUndo(undo)
            message = unrecoverableUndoMessage(undo)
            return nil
        }
        let decidedAgainst = opinions[undo.index]
        setLabel(undo.previous, at: undo.index)
        trust.reduce(.call(undo.index, undo.previousCall))
        if let p = queue.firstIndex(of: undo.index) { move(to: p) }
        // Said, because undoing an Enter that confirmed a labels.csv label changes nothing on screen.
        var restored = "no label"
        if let previous = undo.previous {
            restored = previous.categories.isEmpty ? "a blank label" : previous.categories.map(DisplayName.escaped).joined(separator: ", ")
            if previous.source == .file { restored += " from labels.csv" }
            if previous.source == .model { restored += ", the model's label" }
        }
        message = "Undone: \(DisplayName.escaped(names[undo.index])) has \(restored) again."
        return Decision(index: undo.index, image: keys[undo.index], action: .undo, label: undo.previous?.categories ?? [],
                        opinion: decidedAgainst, blank: undo.previous?.categories.isEmpty == true)
    }

    /// A class key on image `i`, in either view: `set` replaces its label (and moves on when
    /// `advancingOnSet`), `add` appends a class, `removeLabel` drops the last class or blanks a single one.
    mutating func relabel(_ action: ReviewAction, at i: Int, advancingOnSet: Bool) -> Decision? {
        let existing = labels[i]?.categories ?? []
        switch action {
        case .set(let cls):
            return decide(index: i, categories: [cls], action: .set, advance: advancingOnSet)
        case .add(let cls):
            return decide(index: i, categories: existing + [cls], action: existing.isEmpty ? .set : .add, advance: false)
        default:
            guard !existing.isEmpty else {
                message = labels[i] == nil ? "This image has no label to remove." : "The label is already blank."
                return nil
            }
            return decide(index: i, categories: Array(existing.dropLast()), action: .remove, advance: false)
        }
    }

    mutating func decide(index: Int, categories: [String], action: JournalEntry.Action, advance: Bool) -> Decision {
        pushUndo(Undo(index: index, previous: labels[index], previousCall: trust.calls[index]))
        trust.reduce(.call(index, call(on: index, categories: categories)))  // asked before the label is set: was the answer hidden?
        let cellsBefore = differential.cells
        setLabel(Label(categories: categories, source: .person), at: index)
        if advance {
            if position + 1 < queue.count { move(to: position + 1) } else { message = "Last image labelled. Press q to quit (all saved)." }
        }
        noteTarget(cellsBefore: cellsBefore)
        if blind { revealAfterBlindDecision(index) }
        if calibrating { advanceCalibration() }
        return Decision(index: index, image: keys[index], action: action, label: categories, opinion: opinions[index],
                        blank: categories.isEmpty)
    }

    /// What the reviewer hears when an effect that had to reach the disk did not. The app has kept
    /// the session it had, so nothing the failed write holds is shown as done.
    mutating func saveFailed(_ effect: Effect, reason: String, saved: Int) -> [Effect] {
        switch effect {
        case .acceptEach(let steps):
            message = "NOT SAVED: \(reason). \(saved) of \(steps.count) on this page are saved; the other \(steps.count - saved) are not accepted."
            return saved > 0 ? [.refit] : []
        case .saveSlide:
            message = "NOT SAVED: \(reason). Fix the problem and try again."
        case .note:
            message = "NOT SAVED in the journal: \(reason)."
        default:
            message = "NOT SAVED: \(reason). Fix the problem (or quit and use --output) and try again."
        }
        return []
    }

    /// Both checks have spoken (a model without a stain reference: the shift check alone): the scores
    /// are kept for the trust line, and they decide whether the folder needs blind calls (`shiftKnown`),
    /// saying why. Said once; a later look changes nothing.
    mutating func folderLooked(_ look: FolderLook) {
        guard trust.shiftScore == nil, trust.stainScore == nil else { return }
        let shift = look.features?.score, stain = look.stain?.score, point = look.stainPoint
        let warning = look.warning, why = look.reason
        trust.reduce(.look(shift: shift, stain: stain, warning: warning, stainWarning: look.stain?.warning ?? false, stainPoint: point))
        let calibratingBefore = calibration?.phase
        var match: (carried: Trust.Tally, note: String)?
        if let lab = labTrust {
            // A folder matches its lab when each score it has is like the lab's measured folders'.
            if shift.map({ Lab.matches(shift: $0, measured: lab.shifts) }) ?? !lab.shifts.isEmpty,
               Lab.matches(stainPoint: point, measured: lab.stainPoints) {
                match = (lab.carried, "Lab \(DisplayName.escaped(lab.name)): these images look like its earlier folders; no new blind calls.")
            } else if calibrating {
                let scores = [shift.map { String(format: "shift %.1f", $0) }, stain.map { String(format: "stain %.1f", $0) }]
                message = "These images differ from lab \(DisplayName.escaped(lab.name))'s earlier folders ("
                    + scores.compactMap { $0 }.joined(separator: ", ") + "): blind calls measure the model here."
            }
        }
        shiftKnown(warning: warning, why: why, labMatch: match)
        if warning, calibration?.phase == calibratingBefore, message == nil {
            message = "These images do not look like the model's training images" + (why.map { ": " + $0 } ?? "") + "; check each prediction."
        }
    }
}
