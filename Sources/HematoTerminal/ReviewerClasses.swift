import HematoReview

/// The lab's own classes (BAND, BLAST, NRBC, SMUDGE, ARTEFACT…), named with their keys in the config
/// file: labels a person sets like the model's, written to labels.csv by name and counted in the
/// differential. The model never predicts them, and learning the lab leaves them out of its head
/// (LabLearner takes only decisions of the model's classes).
extension Keymap {
    /// What is wrong with giving `key` to a class of the lab's own; nil when it is free.
    public func problem(givingKey key: Character, to name: String) -> String? {
        if let taken = action(for: .character(key)) { return "\(key) is already a key (\(Self.describe(taken)))" }
        if name.isEmpty { return "a class needs a name" }
        if name.contains(where: { $0.isNewline || $0 == "\"" }) { return "a class name is one line without quotes" }
        return nil
    }

    private static func describe(_ action: ReviewAction) -> String {
        if case .set(let name) = action { return "label \(name)" }
        return "\(action)"
    }

    /// The review keymap with a `set` binding for each of the lab's classes after the model's classes.
    public static func review(extraClasses: [(key: Character, name: String)]) -> Keymap {
        guard !extraClasses.isEmpty else { return review }
        var bindings = review.bindings
        let after = (bindings.lastIndex { if case .set = $0.action { return true } else { return false } } ?? 0) + 1
        bindings.insert(contentsOf: extraClasses.map { c in
            Binding(keys: [.character(c.key)], action: .set(c.name), help: "label \(c.name) (the lab's own class), next image",
                    hint: Hint("set", rank: 1), galleryHint: Hint("correct", rank: 1))
        }, at: after)
        return Keymap(bindings: bindings)
    }
}
