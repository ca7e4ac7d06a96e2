import Foundation
import HematoAdapt

/// What one sitting of review did, for the lines printed when the reviewer quits: the
/// classes of the images decided in it, accepted versus corrected, and the median time per
/// decision. The same counting as `hematovision report`, over this session's journal entries.
public struct SessionSummary: Equatable, Sendable {
    /// Journal entries written in this session (undos included).
    public var entries: Int
    /// The labels this session left on the images it decided (an undone image drops out).
    public var differential: Differential
    public var agreement: Agreement
    /// The median of the seconds each decision took: the time from the previous key's entries
    /// (or from opening the folder) shared by the decisions one key made. A gallery page accepted
    /// with `A` is one key and many decisions written within milliseconds; timed apart, each
    /// took 0.0 s. Undos are not decisions but restart the clock. nil with no decisions or
    /// unreadable times.
    public var medianSeconds: Double?
    /// Entries closer together than this were written for one key (no person decides twice in 0.1 s).
    static let oneKey: TimeInterval = 0.1
    /// The sitting was a blind review, and how many of its decisions were made with the answer hidden.
    public var blind = false
    public var blindDecisions = 0

    public init(entries: [JournalEntry], openedAt: Date, blind: Bool = false) {
        self.entries = entries.count
        self.blind = blind
        // An image whose last step in this sitting is an undo was not decided in it: the undo put
        // back the label it had before (from labels.csv, or an earlier sitting), which an undo
        // entry records as its label, so counting it would call that label this sitting's decision.
        var last: [String: Int] = [:]
        for (i, e) in entries.enumerated() { last[e.image] = i }
        let undone = Set(last.filter { entries[$0.value].action == .undo }.keys)
        let decided = entries.filter { !undone.contains($0.image) }
        blindDecisions = Agreement(journal: decided, mode: .blind).decisions
        agreement = Agreement(journal: decided)
        differential = Differential(labelSets: last.filter { !undone.contains($0.key) }.values.sorted().map { entries[$0].label }
            .filter { !$0.isEmpty })
        var previous = openedAt, newKey = true
        var keys: [(seconds: Double, decisions: Int)] = []
        for e in entries {
            guard let t = Self.parse(e.time) else { continue }
            defer { previous = t }
            if e.action == .undo {
                newKey = true
                continue
            }
            let gap = max(0, t.timeIntervalSince(previous))
            if !newKey, gap < Self.oneKey, let last = keys.popLast() {
                keys.append((last.seconds, last.decisions + 1))  // the same key's next decision
            } else {
                keys.append((gap, 1))
            }
            newKey = false
        }
        medianSeconds = median(keys.flatMap { Array(repeating: $0.seconds / Double($0.decisions), count: $0.decisions) })
    }

    /// Reads the journal's ISO 8601 times, with or without fractional seconds.
    static func parse(_ time: String) -> Date? {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let d = f.date(from: time) { return d }
        f.formatOptions = [.withInternetDateTime]
        return f.date(from: time)
    }

    /// A few lines for the terminal once the screen is gone; empty when nothing was decided.
    public var text: String {
        guard entries > 0 else { return "" }
        guard agreement.decisions > 0 else { return "this session: no image decided (\(entries) step(s), each undone or an undo)" }
        var lines: [String] = []
        let perDecision = medianSeconds.map { String(format: ", median %.1f s per decision", $0) } ?? ""
        lines.append("this session: \(agreement.decisions) image(s) decided in \(entries) step(s)\(perDecision)")
        if blind {
            lines.append("  blind review: \(blindDecisions) of \(agreement.decisions) decided with the model's answer hidden")
        }
        var verdict = "  accepted \(agreement.accepted), corrected \(agreement.corrected) (against the model's top class at the time)"
        if agreement.withoutPrediction > 0 { verdict += "; \(agreement.withoutPrediction) decided without the model's answer (not ready, or the image unreadable)" }
        lines.append(verdict)
        let counted = differential.rows.filter { $0.count > 0 }
        if !counted.isEmpty {
            lines.append("  " + counted.map { String(format: "%@ %d (%.0f%%)", DisplayName.escaped($0.name) as NSString, $0.count, 100 * $0.share) }
                .joined(separator: ", "))
        }
        return lines.joined(separator: "\n")
    }
}
