import HematoAdapt

/// The review's side of a blind calibration (Calibration.swift): its candidates are classified
/// first and shown blind while the calls are drawn; then the calls alone are the queue, blind,
/// until each is decided (or `C` stops it); then the folder opens as usual with the trust line.
extension ReviewSession {
    /// A calibration's calls are being made: each decision is journaled as a calibration call.
    public var calibrating: Bool { calibration?.active == true }

    /// Starts a calibration of `count` calls (`offerOnly`: only offer it on the message line).
    /// `seed` draws the candidates and the calls.
    public mutating func startCalibration(count: Int, seed: UInt64, reason: String, offerOnly: Bool = false) {
        guard count > 0 else { return }
        var generator = SeededRandom(seed: seed)
        let open = names.indices.filter { labels[$0] == nil }
        guard !open.isEmpty else {
            message = "Every image here has a label: there is nothing to calibrate on."
            return
        }
        let candidates = Array(open.shuffled(using: &generator).prefix(count * Calibration.candidatesPerCall))
        calibration = Calibration(phase: offerOnly ? .offered : .sampling, wanted: count, candidates: candidates, reason: reason,
                                  wasBlind: calibration?.wasBlind ?? blind)
        calibrationSeed = generator.next()  // the calls are drawn with it; a later C draws afresh
        if offerOnly {
            message = ([reason, "C starts \(count) blind calls to measure the model here."].filter { !$0.isEmpty }).joined(separator: " ")
            return
        }
        blind = true
        labelFilter = nil
        rebuildQueue(order: .name, filter: nil)
        move(to: 0)
        message = ([reason, "Calibration: \(count) blind calls (C skips)."].filter { !$0.isEmpty }).joined(separator: " ")
        advanceCalibration()
    }

    /// What the queue holds while a calibration runs: the candidates while sampling, then the calls.
    var calibrationQueue: [Int]? {
        guard let c = calibration, c.active else { return nil }
        return c.phase == .sampling ? c.candidates : c.calls
    }

    /// Draws the calls once every candidate is classified, and ends the calibration once each call is decided.
    mutating func advanceCalibration() {
        guard var c = calibration, c.active else { return }
        if c.phase == .sampling {
            guard c.candidates.allSatisfy({ opinions[$0] != nil }) else { return }
            // Candidates decided while the rest were classified were shown blind: they are calls already.
            let decided = c.candidates.filter { labels[$0]?.source == .person }
            var items: [(image: Int, predicted: Int)] = []
            for i in c.candidates where labels[i] == nil {
                if let p = predictedClass(i), let k = modelLabels.firstIndex(of: p) { items.append((i, k)) }
            }
            var generator = SeededRandom(seed: calibrationSeed)
            c.calls = decided + Calibration.stratifiedSample(items, count: max(0, c.wanted - decided.count), using: &generator)
            c.phase = .calling
            calibration = c
            // The calls start at the first one still to make, whatever image showed while they were
            // drawn: keeping that image (when the draw happened to pick it) opened the calls at a
            // random place, "2 of 4", and the order of the calls is the draw's, not the screen's.
            rebuildQueue(order: .name, filter: nil)
            move(to: queue.firstIndex { labels[$0] == nil } ?? 0)
        }
        if c.phase == .calling, c.calls.allSatisfy({ labels[$0]?.source == .person }) {
            endCalibration(.done, saying: "Calibration done: \(trust.sentence).")
        }
    }

    /// Back to the whole folder, in blind review only if it was before.
    mutating func endCalibration(_ phase: Calibration.Phase, saying text: String) {
        guard var c = calibration else { return }
        let wasActive = c.active
        c.phase = phase
        calibration = c
        guard wasActive else {
            message = text
            return
        }
        blind = c.wasBlind
        let at = current
        rebuildQueue(order: order, filter: filter)
        move(to: queue.firstIndex { labels[$0] == nil } ?? at.flatMap { queue.firstIndex(of: $0) } ?? 0)
        message = text
    }

    /// `C`: stops a running calibration (the reducer journals it as skipped), or starts one.
    func toggledCalibration() -> ReviewSession {
        var next = self
        if calibrating {
            next.endCalibration(.skipped, saying: "Calibration skipped: \(trust.sentence).")
        } else {
            next.startCalibration(count: calibration?.wanted ?? Calibration.defaultCalls, seed: calibrationSeed, reason: "")
        }
        return next
    }
}

extension ReviewSession {
    /// The folder's shift check has spoken (`folderLooked`): `warning` starts a calibration only offered
    /// (a small folder), saying `why`; `labMatch` (a lab's earlier folders measured, and these images
    /// look like theirs) carries the lab's calls and ends a calibration that has no calls of its own yet.
    public mutating func shiftKnown(warning: Bool, why: String? = nil, labMatch: (carried: Trust.Tally, note: String)?) {
        if let labMatch, trust.blindHere.calls == 0 {
            trust.reduce(.carry(labMatch.carried))
            if calibration != nil {
                endCalibration(.done, saying: labMatch.note)  // the sidebar gives the carried calls
            }
            return
        }
        if warning, let c = calibration, c.phase == .offered {
            startCalibration(count: c.wanted, seed: calibrationSeed,
                             reason: "These images do not look like the model's training images" + (why.map { ": " + $0 } ?? "") + ".")
        }
    }
}
