/// Learning a reviewer's lab from their decisions: the head refitted towards
/// the prior, its temperature fitted on decisions it was not fitted to, and
/// the prior kept when it predicts those decisions at least as well.
///
/// A value: `refit` returns the next state, so the review can run it on a
/// background thread and adopt the result when it arrives. The state keeps
/// the last fits to warm-start the next one, which after one more decision
/// needs only a few iterations.
public struct Adaptation: Sendable {
    /// Cross-validation folds for the temperature (decision i is in fold i % folds).
    public static let folds = 4
    /// Below this many decisions the folds are too small to fit a temperature on:
    /// the refitted head is used with the prior's calibration.
    public static let minimumForTemperature = 16
    /// Cross-validation runs after every decision up to this many; beyond, whenever the
    /// decisions have grown by a thirty-second since the last time (every 31 at 1,000). In
    /// between, a refit only refits the head and keeps the last temperature and verdict:
    /// one decision more changes neither much, and this keeps a refit near 20 ms at 1,000.
    public static let validateEveryDecisionUpTo = 64

    func needsValidation(_ n: Int) -> Bool {
        n <= Self.validateEveryDecisionUpTo || validatedAt == 0 || n < validatedAt || n - validatedAt >= max(1, validatedAt / 32)
    }

    public let prior: LinearHead
    public let settings: HeadFit.Settings
    /// What to predict with now.
    public private(set) var head: LinearHead
    /// Decisions the current head was fitted on.
    public private(set) var decisions = 0
    /// True when cross-validation preferred the prior (with a refitted temperature).
    public private(set) var keptPrior = true
    private var refitted: HeadFit.FitState?
    /// The last cross-validation's verdict, reused between refreshes: how many decisions it saw,
    /// and the temperatures it fitted for the refitted head and for the prior.
    private var validatedAt = 0
    private var adaptedTemperature: Float = 1
    private var priorTemperature: Float = 1
    private var foldStates: [HeadFit.FitState?] = Array(repeating: nil, count: Adaptation.folds)

    /// `prior` must have temperature 1 (fold a lab's temperature into its weights first).
    public init(prior: LinearHead, settings: HeadFit.Settings = HeadFit.Settings()) {
        self.prior = prior
        self.settings = settings
        head = prior
    }

    public func probabilities(_ feature: [Float]) -> [Float] { head.probabilities(feature) }

    /// Whether a refit on `decisions` uses reference images at all: its smallest fit (a held-out
    /// fold, or leave-one-out below 16) is anchored. Beyond, the caller need not gather them.
    public func usesReference(decisions n: Int) -> Bool {
        settings.referenceWeight(decisions: n - (n + Self.folds - 1) / Self.folds) > 0
    }

    /// `reference`: the lab's images no decision is about (labels unused), on which the answers stay
    /// the prior's unless the decisions outweigh it (`HeadFit`).
    public func refit(_ examples: ExampleSet, reference: ExampleSet? = nil) -> Adaptation {
        var next = self
        next.decisions = examples.count
        guard examples.count > 0 else {
            next.head = prior
            next.keptPrior = true
            next.refitted = nil
            next.foldStates = Array(repeating: nil, count: Self.folds)
            return next
        }
        var quick = settings
        quick.maxIterations = min(settings.maxIterations, 40)
        let fullState = HeadFit.fit(examples, prior: prior, from: refitted, settings: settings, reference: reference)
        next.refitted = fullState
        let full = prior.withParameters(fullState.theta, temperature: 1)
        guard examples.count >= Self.minimumForTemperature else {
            // Too few to fit a temperature on, but enough to ask whether the refit predicts
            // decisions it did not see better than the prior does (leave one out).
            // With fewer than 4 there is nothing to hold out: a correction moves the head part of the
            // way (its gradient is large, against a prior that weighs as `priorDecisions` decisions),
            // a confirmation barely does (its gradient is nearly zero).
            let keep = examples.count >= 4 && priorPredictsBetter(examples, full: full, settings: quick, reference: reference)
            next.head = keep ? prior : full
            next.keptPrior = keep
            return next
        }
        guard needsValidation(examples.count) else {
            next.head = keptPrior ? prior.withTemperature(priorTemperature) : full.withTemperature(adaptedTemperature)
            return next
        }
        next.validatedAt = examples.count
        // Out-of-fold logits: each decision scored by a head that never saw it.
        let k = prior.classes
        var heldOutLogits = [Float](repeating: 0, count: examples.count * k)
        var priorLogits = [Float](repeating: 0, count: examples.count * k)
        for fold in 0..<Self.folds {
            let training = examples.subset { $0 % Self.folds != fold }
            let foldState = HeadFit.fit(training, prior: prior, from: foldStates[fold] ?? fullState, settings: quick, reference: reference)
            next.foldStates[fold] = foldState
            let foldHead = prior.withParameters(foldState.theta, temperature: 1)
            for i in stride(from: fold, to: examples.count, by: Self.folds) {
                let x = Array(examples.feature(i))
                heldOutLogits.replaceSubrange((i * k)..<((i + 1) * k), with: foldHead.rawLogits(x))
                priorLogits.replaceSubrange((i * k)..<((i + 1) * k), with: prior.rawLogits(x))
            }
        }
        let labels = examples.labels
        let adaptedT = TemperatureFit.fit(logits: heldOutLogits, labels: labels, classes: k)
        let priorT = TemperatureFit.fit(logits: priorLogits, labels: labels, classes: k)
        let adaptedLoss = TemperatureFit.negativeLogLikelihood(logits: heldOutLogits, labels: labels, classes: k, temperature: adaptedT)
        let priorLoss = TemperatureFit.negativeLogLikelihood(logits: priorLogits, labels: labels, classes: k, temperature: priorT)
        next.keptPrior = priorLoss <= adaptedLoss
        next.adaptedTemperature = adaptedT
        next.priorTemperature = priorT
        next.head = next.keptPrior ? prior.withTemperature(priorT) : full.withTemperature(adaptedT)
        return next
    }
}

extension Adaptation {
    /// Leave-one-out negative log-likelihood of the refit against the prior's, both at temperature 1.
    private func priorPredictsBetter(_ examples: ExampleSet, full: LinearHead, settings: HeadFit.Settings, reference: ExampleSet?) -> Bool {
        let k = prior.classes
        var heldOut: [Float] = [], priorLogits: [Float] = []
        for i in 0..<examples.count {
            let x = Array(examples.feature(i))
            heldOut += HeadFit.fit(examples.subset { $0 != i }, prior: prior, start: full, settings: settings, reference: reference).rawLogits(x)
            priorLogits += prior.rawLogits(x)
        }
        let labels = examples.labels
        return TemperatureFit.negativeLogLikelihood(logits: priorLogits, labels: labels, classes: k, temperature: 1)
            <= TemperatureFit.negativeLogLikelihood(logits: heldOut, labels: labels, classes: k, temperature: 1)
    }
}

extension LinearHead {
    public func withTemperature(_ t: Float) -> LinearHead {
        var copy = self
        copy.temperature = t
        return copy
    }

    /// The same predictions with temperature 1: weights and bias divided by it.
    public func foldingTemperature() -> LinearHead {
        LinearHead(classes: classes, dimensions: dimensions, weights: weights.map { $0 / temperature },
                   bias: bias.map { $0 / temperature }, temperature: 1)
    }
}
