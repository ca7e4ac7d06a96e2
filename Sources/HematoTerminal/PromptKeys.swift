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
