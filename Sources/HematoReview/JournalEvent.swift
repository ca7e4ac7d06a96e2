/// A journal line that is not a decision: a blind calibration skipped, the question `A` asked
/// while the model's measured agreement was low, and the reviewer's answer. Kept beside the
/// decisions so the record says what the reviewer was told; it changes no label. Its lines have
/// an `event` key and no `action`, so every reader of decisions passes them by.
public struct JournalEvent: Codable, Equatable, Sendable {
    public enum Kind: String, Codable, Sendable {
        case calibrationSkipped = "calibration-skipped"
        case acceptPageAsked = "accept-page-asked"
        case acceptPageAnswered = "accept-page-answered"
    }

    public var event: Kind
    public var time: String
    public var reviewer: String
    /// What the screen said (the question), or the answer ("y" or "n").
    public var text: String

    public init(event: Kind, time: String, reviewer: String, text: String) {
        self.event = event
        self.time = time
        self.reviewer = reviewer
        self.text = text
    }
}
