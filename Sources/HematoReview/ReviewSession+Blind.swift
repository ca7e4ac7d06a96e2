/// Blind review: the model's answer (class, percentages, near-tie, cells, the note beside a
/// label) is hidden on an image until the reviewer has decided it, so the decision is theirs
/// alone; then it is shown, and the message line compares the two, so they learn. Only blind
/// decisions measure the model honestly (`hematovision report` gives agreement by mode).
extension ReviewSession {
    /// Whether the screen must hide the model's answer on this image: in blind review, until a
    /// person has decided it (in this sitting or an earlier one; labels.csv's own labels do not count).
    public func hidesPrediction(_ index: Int) -> Bool {
        blind && labels[index]?.source != .person && !revealed.contains(index)
    }

    /// What blind review says instead of doing `action`, or nil when it is allowed: the order, the
    /// filter by prediction and the gallery would tell the answers, and Enter on an image without
    /// a label would take the hidden one. The reducer refuses with it and the hint bar leaves out
    /// what it names, so the two cannot disagree.
    public func blindRefusal(_ action: ReviewAction) -> String? {
        guard blind else { return nil }
        switch action {
        case .toggleOrder, .cycleFilter:
            return "Blind review: order and filter would tell the answers; F filters by label."
        case .toggleGallery where gallery == nil:
            return "Blind review: the gallery would show the model's answer; F filters by label."
        case .accept where current.map({ labels[$0]?.categories.isEmpty ?? true || hidesLabel($0) }) == true:
            return "Blind review: choose a class (e l m n b); the answer shows once you have."
        default:
            return nil
        }
    }

    /// Called by `decide` in blind review: the image's answer may now be shown, and the reviewer hears it.
    mutating func revealAfterBlindDecision(_ index: Int) {
        let first = revealed.insert(index).inserted
        guard first, let predicted = predictedClass(index), let p = confidence(index) else { return }
        let mine = labels[index]?.categories.map(DisplayName.escaped).joined(separator: ", ") ?? ""
        let verdict = labels[index]?.categories == [predicted] ? "agrees" : "said \(predicted)"
        message = "You: \(mine). The model \(verdict) (\(Int((p * 100).rounded()))%)." + (message.map { " " + $0 } ?? "")
    }
}
