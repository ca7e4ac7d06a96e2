import HematoReview

extension ReviewApp {
    /// Pasted text, or keys that came faster than anyone types (InputDecoder): never commands,
    /// since one stray paste (a shell command meant for another window) would relabel images.
    /// An open prompt takes its characters as typed text; line breaks in it do not submit.
    func takePaste(_ text: String, count: Int) {
        if session.prompt != nil {
            for c in text where !c.isNewline && c != "\t" { apply(.promptType(c)) }
            return
        }
        apply(.notify("Pasted text ignored (\(count) key\(count == 1 ? "" : "s") at once, faster than typing): "
                      + "keys here are commands; press them one at a time.", unlessBusy: false))
    }
}
