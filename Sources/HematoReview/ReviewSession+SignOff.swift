/// Sign-off: `S` and a confirmation sign the slide off. The slide journal then holds the sign-off
/// (the app writes it: reviewer, time, labels.csv's SHA-256, the counts, the model and lab, the
/// measured agreement), and the folder opens read-only: every key that would change a label or
/// a flag is refused with a message. `review --amend` reopens it; each change is journaled as an
/// amendment, and `S` signs it off again.
extension ReviewSession {
    public struct SignedOff: Equatable, Sendable {
        public var reviewer: String
        /// ISO 8601, as the journals write times.
        public var time: String

        public init(reviewer: String, time: String) {
            self.reviewer = reviewer
            self.time = time
        }

        /// "signed off by ann on 2026-12-07"
        public var text: String { "signed off by \(DisplayName.escaped(reviewer)) on \(String(time.prefix(10)))" }
    }

    /// Signed off and not reopened with --amend: nothing may change.
    public var readOnly: Bool { signedOff != nil && !amending }

    /// What a signed-off slide says instead of doing `action`; nil when the action changes nothing
    /// (moving, looking, filtering, help) or the slide is open. The hint bar leaves out what it names.
    public func signedOffRefusal(_ action: ReviewAction) -> String? {
        guard readOnly, let signedOff else { return nil }
        switch action {
        case .accept, .set, .add, .removeLabel, .undo, .acceptPage, .acceptImage, .flag, .signOff:
            return "This slide is \(signedOff.text): read-only. review --amend reopens it for changes."
        default:
            return nil
        }
    }

    /// S opens the confirmation; `y` and Enter sign. Called by `reduceSlide` for what flags do not handle.
    func reduceSignOff(_ action: ReviewAction) -> (ReviewSession, SlideChange?)? {
        var next = self
        next.message = nil
        switch action {
        case .signOff:
            next.showingHelp = false
            next.prompt = Prompt(kind: .signOff)
            next.message = target.map { differential.cells < $0 ? "Only \(differential.cells) of \($0) cells are counted." : "" }
                .flatMap { $0.isEmpty ? nil : $0 }
            return (next, nil)
        case .promptSubmit where prompt?.kind == .signOff:
            next.prompt = nil
            guard ["y", "yes"].contains(prompt!.text.lowercased()) else {
                next.message = "Not signed off (y and Enter sign)."
                return (next, nil)
            }
            return (next, .signOff)
        default:
            return nil
        }
    }

    /// Once the sign-off is on disk (`.signedOff`): the slide is read-only from now on.
    public mutating func signOff(_ signed: SignedOff) {
        signedOff = signed
        amending = false
        message = "Slide \(signed.text): read-only now; review --amend reopens it."
    }
}
