import Foundation
import HematoReview

/// The review loop's effect runner: it carries out what the reducer returned, in order, and sends
/// what came of it back as actions. It decides nothing about the review.
extension ReviewApp {
    /// One action through the reducer. What must reach the disk is written first; when that fails the
    /// session stays as it was and the failure is reduced instead. Then the session is adopted, what
    /// the writes reported is sent on, and the other effects are carried out in order.
    func send(_ action: ReviewAction) {
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
            learning.keep(decision.index)
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
            learning.refit(session)
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
            if let warning = try recorder.save(decision, madeIn: before) { warnings.append(warning) }
            learning.keep(decision.index)
        }
        session = series
        dirty = true
        [recorder.outsideChange(), warnings.last.map { .notify($0, unlessBusy: true) }].compactMap { $0 }.forEach(send)
        outcome.effects.forEach(carryOut)
    }
}
