import HematoReview

extension Keymap {
    /// While the one-line prompt (`g` go to, `/` search) is open, keys are text for it, not
    /// commands: Enter submits, Esc closes, Backspace (DEL, ^H or curses' KEY_BACKSPACE) erases.
    public static func promptAction(for key: Key) -> ReviewAction? {
        switch key {
        case .enter: return .promptSubmit
        case .escape: return .promptClose
        case .control("h"), .unknown("^?"), .unknown("KEY_BACKSPACE"): return .promptErase
        case .character(let c): return .promptType(c)
        default: return nil
        }
    }
}

extension Keymap {
    /// A key as the reducer needs it (`KeyPress`): what this keymap, the prompt's keys and the help's
    /// page keys each make of it. The reducer picks one by what is open (`ReviewSession.reduceKey`).
    public func press(_ key: Key, helpPages: Int) -> KeyPress {
        KeyPress(label: key.label, command: action(for: key), promptEdit: Self.promptAction(for: key),
                 helpStep: HelpPages.step(for: key), helpPages: helpPages,
                 yes: key == .character("y") || key == .character("Y"),
                 interrupts: key == .control("c"), overridesModes: key == .control("c") || key == .control("z"))
    }
}
