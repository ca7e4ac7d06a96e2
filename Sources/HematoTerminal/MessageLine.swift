/// The line above the hint bar on every screen: the session's message, on one line; one too
/// long for it ends in "…", so a cut message never reads as whole.
enum MessageLine {
    static func draw(_ message: String?, theme: Theme, into g: inout CellGrid) {
        guard let message else { return }
        g.put(" " + message.fitted(to: g.width - 1), x: 0, y: g.height - 2, style: theme["message"])
    }
}
