/// What the reducer asks of the world, as a value. `ReviewSession.reduce` changes the session and
/// returns these; the app (HematoTerminal's ReviewApp) carries them out in order and sends what
/// came of them back as actions. Nothing here decides anything: the reducer has.
///
/// The ones that write the decision or the slide journal (`persists`) are carried out before the
/// changed session is adopted: when one fails, the app keeps the session it had and sends
/// `.saveFailed`, so nothing is shown as done that is not on disk.
public enum Effect: Equatable, Sendable {
    /// The decision's journal line (and labels.csv, as the store keeps it).
    case save(Decision)
    /// A flag, an unflag or the sign-off in the slide journal; the sign-off's success comes back
    /// as `.signedOff`.
    case saveSlide(ReviewSession.SlideChange)
    /// A journal line that decides nothing (a calibration skipped, `A`'s question and answer).
    case note(JournalEvent.Kind, String)
    /// `A`: each of these actions in turn, each one's decision on disk before the next is reduced;
    /// then `.pageSaved`, or at the first failure `.saveFailed` with how many were saved.
    case acceptEach([ReviewAction])
    /// Fit the lab's head again on the decisions as they are now.
    case refit
    /// Ask the classifier for what lies near the reviewer first.
    case classifyAhead
    /// Stop the process (Ctrl-Z); the screen is painted afresh when it comes back.
    case suspend
    /// The review ends: by Ctrl-C (`interrupted`, status 130) or by `q`.
    case quit(interrupted: Bool)

    /// Must be on disk before the session that shows it is adopted.
    public var persists: Bool {
        switch self {
        case .save, .saveSlide: return true
        default: return false
        }
    }
}

/// A key as the reducer needs it: what each of the terminal's tables makes of it. The reducer
/// picks the meaning by the session's mode (a question, the prompt, the help, the view), so the
/// mode decides a key in one place (`ReviewSession.reduceKey`).
public struct KeyPress: Equatable, Sendable {
    /// How the message line names it ("F5 does nothing here").
    public var label: String
    /// The keymap's action for it; nil when no binding has it.
    public var command: ReviewAction?
    /// What it does to the prompt's text (Enter submits, Esc closes, Backspace erases, a character types).
    public var promptEdit: ReviewAction?
    /// In the help: +1 for the keys that turn a page on, -1 for those that turn back, nil for the rest.
    public var helpStep: Int?
    /// How many pages the help has at the terminal's size.
    public var helpPages: Int
    /// y or Y: yes to the question on the message line.
    public var yes: Bool
    /// Ctrl-C: ends the review as an interrupt. With Ctrl-Z, a command in every mode.
    public var interrupts: Bool
    /// A command whatever is open (Ctrl-C, Ctrl-Z).
    public var overridesModes: Bool

    public init(label: String, command: ReviewAction?, promptEdit: ReviewAction? = nil, helpStep: Int? = nil, helpPages: Int = 1,
                yes: Bool = false, interrupts: Bool = false, overridesModes: Bool = false) {
        self.label = label
        self.command = command
        self.promptEdit = promptEdit
        self.helpStep = helpStep
        self.helpPages = helpPages
        self.yes = yes
        self.interrupts = interrupts
        self.overridesModes = overridesModes
    }
}
