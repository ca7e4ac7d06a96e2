import Foundation

/// Flags: the reviewer marks an odd image with a short note (`!`, a prompt line, Enter). A flag is
/// no label: it is written to the slide journal (SlideJournal.swift), shown beside the image, and
/// `F` can list the flagged images. `!` on a flagged image takes the flag off.
extension ReviewSession {
    /// What the app must write to the slide journal before it shows the session that holds it.
    public enum SlideChange: Equatable, Sendable {
        case flag(index: Int, note: String)
        case unflag(index: Int)
        case signOff
    }

    /// The longest note kept (the prompt takes no more).
    public static let noteLimit = 200

    /// Flags read from the slide journal, by image key (labels.csv's Image column).
    public mutating func loadFlags(_ notes: [String: String]) {
        for (i, key) in keys.enumerated() { if let note = notes[key] { flags[i] = note } }
    }

    public var flaggedCount: Int { flags.count }

    /// The slide's own actions (flags, sign-off: ReviewSession+SignOff.swift) and the prompts they open;
    /// nil for every other action, which `reduce` handles. Each change returned must be on disk
    /// before the session is shown.
    public func reduceSlide(_ action: ReviewAction) -> (ReviewSession, SlideChange?)? {
        if let refusal = signedOffRefusal(action) {
            var next = self
            next.message = refusal
            return (next, nil)
        }
        var next = self
        next.message = nil
        switch action {
        case .flag:
            guard let i = current else {
                next.message = "There are no images here."
                return (next, nil)
            }
            next.showingHelp = false
            if flags[i] != nil {
                next.flags[i] = nil
                next.message = "Flag taken off \(DisplayName.escaped(names[i])); ! flags it again."
                return (next, .unflag(index: i))
            }
            next.prompt = Prompt(kind: .flagNote)
            return (next, nil)
        case .promptSubmit where prompt?.kind == .flagNote:
            next.prompt = nil
            guard let i = current else { return (next, nil) }
            let note = String(prompt!.text.trimmingCharacters(in: .whitespaces).prefix(Self.noteLimit))
            next.flags[i] = note
            next.message = "Flagged \(DisplayName.escaped(names[i]))" + (note.isEmpty ? "" : ": \(DisplayName.escaped(note))")
                + " (! again takes the flag off)."
            return (next, .flag(index: i, note: note))
        default:
            return reduceSignOff(action)
        }
    }
}
