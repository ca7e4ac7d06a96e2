import Foundation

/// How far to trust the model on this lab, measured: each decision is a call on the model's
/// answer, and the calls made blind (the answer hidden until the reviewer decided) measure it
/// honestly. The trust line gives their agreement with its Wilson 95 % interval; the calls made
/// with the answer showing are counted apart, since a reviewer who saw the answer first tends to
/// keep it. Each image counts once, by its last decision, as `hematovision report` counts the
/// journal, so an undone slip drops out and the sidebar, the summary and the report agree.
extension ReviewSession.Trust {
    /// One image's decision against the model.
    public struct Call: Equatable, Sendable {
        /// The label is exactly the model's top class.
        public var agreed: Bool
        /// The model's answer was hidden as the reviewer decided.
        public var blind: Bool
        /// Made during a calibration (ReviewSession+Calibration.swift).
        public var calibration = false

        public init(agreed: Bool, blind: Bool, calibration: Bool = false) {
            self.agreed = agreed
            self.blind = blind
            self.calibration = calibration
        }
    }

    /// Calls and how many of them agreed.
    public struct Tally: Equatable, Sendable {
        public var agreed = 0
        public var calls = 0

        public init(agreed: Int = 0, calls: Int = 0) {
            self.agreed = agreed
            self.calls = calls
        }

        public static func + (a: Tally, b: Tally) -> Tally { Tally(agreed: a.agreed + b.agreed, calls: a.calls + b.calls) }

        /// agreed / calls; nil with no calls.
        public var agreement: Double? { calls > 0 ? Double(agreed) / Double(calls) : nil }
        /// The Wilson score 95 % interval of the agreement; nil with no calls.
        public var interval: WilsonInterval? { WilsonInterval(successes: agreed, trials: calls) }
    }

    /// This folder's blind calls.
    public var blindHere: Tally { tally { $0.blind } }
    /// Blind calls on this lab: this folder's and those the lab carried from its other folders.
    public var blindCalls: Tally { blindHere + carried }
    /// Calls made with the model's answer showing (this folder).
    public var openCalls: Tally { tally { !$0.blind } }

    private func tally(_ which: (Call) -> Bool) -> Tally {
        var t = Tally()
        for call in calls.values where which(call) {
            t.calls += 1
            if call.agreed { t.agreed += 1 }
        }
        return t
    }

    /// Below either, `A` asks before it accepts a page.
    public static let trustedAgreement = 0.9
    public static let trustedCalls = 20

    /// Whether the blind measurement lets a page be accepted without a question.
    public var acceptPageAllowed: Bool {
        let b = blindCalls
        return b.calls >= Self.trustedCalls && (b.agreement ?? 0) >= Self.trustedAgreement
    }

    /// "model on this lab: 17 of 24 blind calls agree, 71% (95% CI 51–85%)", or what is missing.
    public var sentence: String { sentencePieces.joined(separator: " ") }

    /// The sentence in the pieces a narrow column may break it into (the interval stays whole).
    public var sentencePieces: [String] { Self.sentencePieces(blindCalls, carried: carried.calls) }

    public static func sentencePieces(_ b: Tally, carried: Int = 0) -> [String] {
        guard let interval = b.interval, let a = b.agreement else {
            return "model on this lab: not measured yet (no blind calls)".split(separator: " ").map(String.init)
        }
        var pieces = "model on this lab: \(b.agreed) of \(b.calls) blind calls agree".split(separator: " ").map(String.init)
        if carried > 0 { pieces += ["(\(carried)", "from", "earlier", "folders)"] }
        pieces[pieces.count - 1] += ","
        return pieces + [percent(a), "(95% CI \(Int((interval.lower * 100).rounded()))–\(percent(interval.upper)))"]
    }

    public static func sentence(_ b: Tally, carried: Int = 0) -> String { sentencePieces(b, carried: carried).joined(separator: " ") }

    /// "open calls: 40 of 45 agree" (made with the answer showing); nil with none.
    public var openSentence: String? {
        let o = openCalls
        return o.calls > 0 ? "open calls: \(o.agreed) of \(o.calls) agree" : nil
    }

    static func percent(_ x: Double) -> String { "\(Int((x * 100).rounded()))%" }
}

extension ReviewSession {
    /// The call a decision of `categories` on image `index` makes: asked of the session before the
    /// label is set (whether the answer was hidden then). Only a single class against a prediction is
    /// a call, as `report` counts them.
    func call(on index: Int, categories: [String]) -> Trust.Call? {
        guard categories.count == 1, let predicted = predictedClass(index) else { return nil }
        return Trust.Call(agreed: categories == [predicted], blind: hidesPrediction(index), calibration: calibrating)
    }

    /// The call a journal entry recorded (for a reopened folder): its label against the top class of
    /// the probabilities written with it. An undo, or a label that is not one class, is none.
    static func call(recordedIn e: JournalEntry) -> Trust.Call? {
        guard e.action != .undo, e.label.count == 1, let top = Agreement.topClass(e.probabilities, order: CellClass.allCases.map(\.rawValue))
        else { return nil }
        return Trust.Call(agreed: e.label == [top], blind: e.decidedIn == .blind, calibration: e.calibration == true)
    }

    /// The calls of earlier sittings, each image by its last journal entry.
    public mutating func seedTrust(fromJournal entries: [JournalStep]) {
        var index: [String: Int] = [:]
        for (i, key) in keys.enumerated() where index[key] == nil { index[key] = i }
        for e in entries {
            guard let i = index[e.image] else { continue }
            trust.reduce(.call(i, e.call))
        }
    }
}

extension ReviewSession {
    /// What `A` asks before it accepts a page while the blind agreement is under 90 % or rests on
    /// fewer than 20 calls; nil when it need not ask (or there is nothing to accept).
    public var acceptPageQuestion: String? {
        guard gallery != nil, !trust.acceptPageAllowed else { return nil }
        let n = pageAcceptances.count
        guard n > 0 else { return nil }
        let b = trust.blindCalls
        // Short enough for an 80-column message line.
        let measured = b.agreement.map { "Model agreed on \(Trust.percent($0)) of \(b.calls) blind call\(b.calls == 1 ? "" : "s") here" }
            ?? "No blind calls yet (C calibrates)"
        return "\(measured); accept \(n) image\(n == 1 ? "" : "s") anyway? y/N"
    }
}
