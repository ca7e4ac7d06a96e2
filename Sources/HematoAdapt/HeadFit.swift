import Foundation

/// Decisions as training examples: one pooled feature and one class each.
public struct ExampleSet: Sendable {
    public let dimensions: Int
    /// count × dimensions, row-major.
    public private(set) var features: [Float] = []
    public private(set) var labels: [Int] = []

    public init(dimensions: Int) { self.dimensions = dimensions }

    /// Features without decisions (reference images: labels unused, all 0). At most
    /// `HeadFit.referenceLimit` of them, evenly spread, are kept: a fit uses no more.
    public init(features: [[Float]]) {
        dimensions = features.first?.count ?? 0
        for i in HeadFit.evenlySpread(features.count) { append(features[i], label: 0) }
    }

    public var count: Int { labels.count }

    public mutating func append(_ feature: [Float], label: Int) {
        precondition(feature.count == dimensions, "feature has \(feature.count) values, expected \(dimensions)")
        features += feature
        labels.append(label)
    }

    public func feature(_ i: Int) -> ArraySlice<Float> { features[(i * dimensions)..<((i + 1) * dimensions)] }

    /// The examples whose index satisfies `keep`, in order.
    mutating func subtractFromEveryFeature(_ v: [Float]) {
        let d = dimensions
        let n = count
        v.withUnsafeBufferPointer { mean in
            features.withUnsafeMutableBufferPointer { x in
                for i in 0..<n { VectorMath.axpy(-1, mean, UnsafeMutableBufferPointer(rebasing: x[(i * d)..<((i + 1) * d)])) }
            }
        }
    }

    public func subset(_ keep: (Int) -> Bool) -> ExampleSet {
        var out = ExampleSet(dimensions: dimensions)
        for i in 0..<count where keep(i) {
            out.features += feature(i)
            out.labels.append(labels[i])
        }
        return out
    }
}

/// Refits a head on a reviewer's decisions: the mean cross-entropy of the
/// decisions, plus a small ridge, `strength` × the squared distance to the
/// prior's parameters (the bundled head, or a lab's), plus, for the first
/// decisions, a weight × the mean divergence of the head's answers from the
/// prior's on reference images (the lab's images no decision is about). The
/// weight starts at `priorDecisions / n` and fades to nothing at
/// `anchoredUntil` decisions, where cross-validation takes over: the prior
/// weighs as `priorDecisions` decisions measured in what it predicts, so a
/// handful of decisions cannot undo what the network learned, whatever the
/// scale of the features. (The ridge alone did not hold them: the pooled
/// features are large, so a small change of weights is a large change of
/// answers, and three decisions took an 85 % eosinophil to 100 % lymphocyte.)
/// When the decisions agree with the prior's confident answers the gradient is
/// nearly zero and the head stays where it was.
///
/// Minimised with L-BFGS (6 curvature pairs, backtracking line search). The
/// objective is smooth and strongly convex. In review each refit adds one
/// decision to the last, so a fit starts from the last one's parameters *and*
/// curvature pairs (`FitState`), and converges in a few iterations.
public enum HeadFit {
    public struct Settings: Sendable {
        /// The ridge on the parameters' distance to the prior's, for directions no reference
        /// image measures.
        public var strength: Float = 0.01
        /// How many decisions the prior's answers on the reference images weigh as at first: one
        /// correction (or one slip of a key) nudges the answers instead of overturning a class.
        /// 0 leaves the ridge alone.
        public var priorDecisions = 32
        /// The weight fades to nothing at this many decisions, where cross-validation starts to
        /// judge a refit and fit its temperature (`Adaptation.minimumForTemperature`). Chosen on the
        /// `dev2` stand-in (Training/shifted_sets.py): still anchored at 32 decisions, the head
        /// learned a shifted lab far more slowly (accuracy 0.842 against 0.941).
        public var anchoredUntil = 16
        public var maxIterations = 100
        /// Stop when the gradient's norm falls below this (the loss is a mean, so this is per decision).
        public var tolerance: Float = 1e-3
        public init() {}

        /// The weight of the divergence from the prior's answers in a fit on `decisions` examples:
        /// `priorDecisions / n`, fading linearly to 0 at `anchoredUntil`.
        public func referenceWeight(decisions: Int) -> Float {
            let n = Float(max(1, decisions))
            return Float(max(0, priorDecisions)) / n * max(0, 1 - n / Float(max(1, anchoredUntil)))
        }
    }

    /// At most this many reference images are used (the divergence's cost grows with them).
    public static let referenceLimit = 256

    /// Which of `count` reference images a fit uses: every one up to `referenceLimit`, beyond that
    /// `referenceLimit` of them at an even, fractional step, the same ones every time. (A whole
    /// step aliases with images that repeat a pattern: every 4th of a set cycling through four
    /// classes is one class.)
    static func evenlySpread(_ count: Int) -> [Int] {
        guard count > referenceLimit else { return Array(0..<count) }
        let step = Double(count) / Double(referenceLimit)
        return (0..<referenceLimit).map { Int(Double($0) * step) }
    }

    /// Where a fit ended: its parameters and the curvature it learned on the way.
    public struct FitState: Sendable {
        public let theta: [Float]
        let history: [CurvaturePair]
        /// Objective evaluations the fit took (for benchmarks).
        public let evaluations: Int
    }

    struct CurvaturePair: Sendable {
        let s: [Float], y: [Float], rho: Float
    }

    /// The head's temperature is not fitted here (see `TemperatureFit`); the result keeps 1.
    /// `reference`: images no decision is about, whose answers should stay the prior's unless the
    /// decisions outweigh it (labels unused). Without it (or with none left) only the ridge pulls.
    public static func fit(_ examples: ExampleSet, prior: LinearHead, start: LinearHead? = nil,
                           settings: Settings = Settings(), reference: ExampleSet? = nil) -> LinearHead {
        let begin = start.map { FitState(theta: $0.weights + $0.bias, history: [], evaluations: 0) }
        return prior.withParameters(fit(examples, prior: prior, from: begin, settings: settings, reference: reference).theta, temperature: 1)
    }

    public static func fit(_ examples: ExampleSet, prior: LinearHead, from begin: FitState?,
                           settings: Settings = Settings(), reference: ExampleSet? = nil) -> FitState {
        precondition(examples.dimensions == prior.dimensions, "examples and head disagree on the feature size")
        var history = begin?.history ?? []
        guard examples.count > 0 else {
            return FitState(theta: begin?.theta ?? (prior.weights + prior.bias), history: [], evaluations: 0)
        }
        // The features share a large common component (they are ReLU6 outputs, all positive), which
        // makes the problem badly conditioned: one direction of the Hessian dwarfs the rest. Fitting on
        // features centred on their mean, with the bias absorbing W·mean, takes far fewer iterations.
        let centring = Centring(examples)
        let centredPrior = centring.centred(prior.weights + prior.bias, classes: prior.classes)
        var theta = centring.centred(begin?.theta ?? (prior.weights + prior.bias), classes: prior.classes)
        let weight = settings.referenceWeight(decisions: examples.count)
        let anchors = reference.flatMap { r in
            weight > 0 && r.count > 0 && r.dimensions == examples.dimensions ? Anchors(r, prior: prior, centring: centring, weight: weight) : nil
        }
        let objective = Objective(examples: centring.examples, anchors: anchors, prior: centredPrior, classes: prior.classes,
                                  strength: settings.strength)
        var (value, gradient) = objective.evaluate(theta)
        var evaluations = 1
        for _ in 0..<settings.maxIterations {
            if norm(gradient) < settings.tolerance { break }
            var direction = twoLoop(gradient, history)
            var slope = VectorMath.dot(direction, gradient)
            if slope >= 0 {  // not a descent direction: forget the curvature and go downhill
                history.removeAll()
                direction = gradient.map { -$0 }
                slope = -VectorMath.dot(gradient, gradient)
            }
            // Without curvature the gradient's scale says nothing about the step; start small.
            var step: Float = history.isEmpty ? min(1, 1 / max(norm(gradient), 1e-12)) : 1
            var accepted: ([Float], Float, [Float])?
            for _ in 0..<30 {
                let trial = zip(theta, direction).map { $0 + step * $1 }
                let (v, g) = objective.evaluate(trial)
                evaluations += 1
                if v <= value + 1e-4 * step * slope { accepted = (trial, v, g); break }
                step *= 0.5
            }
            guard let (next, nextValue, nextGradient) = accepted else { break }
            let s = zip(next, theta).map { $0 - $1 }
            let y = zip(nextGradient, gradient).map { $0 - $1 }
            let sy = VectorMath.dot(s, y)
            if sy > 1e-10 {
                history.append(CurvaturePair(s: s, y: y, rho: 1 / sy))
                if history.count > 6 { history.removeFirst() }
            }
            theta = next
            value = nextValue
            gradient = nextGradient
        }
        return FitState(theta: centring.uncentred(theta, classes: prior.classes), history: history, evaluations: evaluations)
    }

    /// Features minus their mean, and the change of bias that keeps logits equal: b' = b + W·mean.
    struct Centring {
        let mean: [Float]
        let examples: ExampleSet

        init(_ original: ExampleSet) {
            let d = original.dimensions, n = original.count
            var mean = [Float](repeating: 0, count: d)
            original.features.withUnsafeBufferPointer { x in
                mean.withUnsafeMutableBufferPointer { m in
                    for i in 0..<n { VectorMath.axpy(1 / Float(n), UnsafeBufferPointer(rebasing: x[(i * d)..<((i + 1) * d)]), m) }
                }
            }
            var centred = original
            centred.subtractFromEveryFeature(mean)
            self.mean = mean
            examples = centred
        }

        /// Another set's features minus the same mean (the reference images).
        func centring(_ other: ExampleSet) -> ExampleSet {
            var out = other
            out.subtractFromEveryFeature(mean)
            return out
        }

        func centred(_ theta: [Float], classes: Int) -> [Float] { shiftBias(theta, classes: classes, sign: 1) }
        func uncentred(_ theta: [Float], classes: Int) -> [Float] { shiftBias(theta, classes: classes, sign: -1) }

        private func shiftBias(_ theta: [Float], classes: Int, sign: Float) -> [Float] {
            let d = mean.count
            var out = theta
            for c in 0..<classes { out[classes * d + c] += sign * VectorMath.dot(Array(theta[(c * d)..<((c + 1) * d)]), mean) }
            return out
        }
    }

    private static func norm(_ v: [Float]) -> Float { VectorMath.dot(v, v).squareRoot() }

    /// L-BFGS's two-loop recursion: −H·g from the stored curvature pairs.
    private static func twoLoop(_ gradient: [Float], _ history: [CurvaturePair]) -> [Float] {
        var q = gradient
        var alphas: [Float] = []
        for pair in history.reversed() {
            let a = pair.rho * VectorMath.dot(pair.s, q)
            alphas.append(a)
            for i in q.indices { q[i] -= a * pair.y[i] }
        }
        if let last = history.last {
            let gamma = VectorMath.dot(last.s, last.y) / max(VectorMath.dot(last.y, last.y), 1e-12)
            for i in q.indices { q[i] *= gamma }
        }
        for (pair, a) in zip(history, alphas.reversed()) {
            let b = pair.rho * VectorMath.dot(pair.y, q)
            for i in q.indices { q[i] += (a - b) * pair.s[i] }
        }
        return q.map { -$0 }
    }

    /// The reference images, centred as the decisions are, with the prior's answers on them
    /// (the targets the divergence is measured from) and the divergence's weight.
    struct Anchors {
        let features: ExampleSet
        let targets: [Float]
        let weight: Float

        init(_ reference: ExampleSet, prior: LinearHead, centring: Centring, weight: Float) {
            var sample = reference
            if reference.count > HeadFit.referenceLimit {
                let picked = Set(HeadFit.evenlySpread(reference.count))
                sample = reference.subset(picked.contains)
            }
            targets = (0..<sample.count).flatMap { prior.probabilities(Array(sample.feature($0))) }
            features = centring.centring(sample)
            self.weight = weight
        }
    }

    /// Value and gradient of the objective, parameters as one vector: the weights (classes ×
    /// dimensions), then the bias. The decisions' cross-entropy and the divergence from the
    /// prior's answers are one computation, a cross-entropy against targets (one class for a
    /// decision, the prior's probabilities for a reference image); the divergence differs from
    /// that cross-entropy by the prior's entropy, a constant. Classes are taken four at a time so
    /// each feature is read once per pass.
    struct Objective {
        let examples: ExampleSet
        let decisionTargets: [Float]
        let anchors: Anchors?
        let prior: [Float]
        let strength: Float
        let classes: Int

        init(examples: ExampleSet, anchors: Anchors?, prior: [Float], classes: Int, strength: Float) {
            self.examples = examples
            self.anchors = anchors
            self.prior = prior
            self.strength = strength
            self.classes = classes
            decisionTargets = examples.labels.flatMap { label in (0..<classes).map { $0 == label ? Float(1) : 0 } }
        }

        func evaluate(_ theta: [Float]) -> (Float, [Float]) {
            var gradient = [Float](repeating: 0, count: theta.count)
            var loss = crossEntropy(examples, decisionTargets, weight: 1 / Float(max(examples.count, 1)), theta, &gradient)
            if let anchors, anchors.features.count > 0 {
                loss += crossEntropy(anchors.features, anchors.targets, weight: anchors.weight / Float(anchors.features.count), theta, &gradient)
            }
            var penalty: Double = 0
            for i in theta.indices {
                let delta = theta[i] - prior[i]
                penalty += Double(delta * delta)
                gradient[i] += 2 * strength * delta
            }
            return (Float(loss + Double(strength) * penalty), gradient)
        }

        /// `weight` × Σ over rows of the cross-entropy of softmax(W·x + b) against the row's
        /// targets; its gradient is added to `gradient`.
        private func crossEntropy(_ rows: ExampleSet, _ targets: [Float], weight: Float, _ theta: [Float], _ gradient: inout [Float]) -> Double {
            let d = rows.dimensions, n = rows.count, k = classes
            var loss: Double = 0
            var logits = [Float](repeating: 0, count: k)
            theta.withUnsafeBufferPointer { t in
                rows.features.withUnsafeBufferPointer { x in
                    gradient.withUnsafeMutableBufferPointer { g in
                        let w = t.baseAddress!, gw = g.baseAddress!
                        for i in 0..<n {
                            let row = x.baseAddress! + i * d
                            var c = 0
                            while c + 4 <= k {
                                let four = VectorMath.dot4(w + c * d, row, d)
                                for j in 0..<4 { logits[c + j] = four[j] + t[k * d + c + j] }
                                c += 4
                            }
                            while c < k {
                                logits[c] = VectorMath.dot(UnsafeBufferPointer(start: w + c * d, count: d),
                                                           UnsafeBufferPointer(start: row, count: d)) + t[k * d + c]
                                c += 1
                            }
                            // Softmax in place: logits become residuals p − target, scaled by the weight.
                            let top = logits.max()!
                            var total: Float = 0
                            for c in 0..<k { logits[c] = expf(logits[c] - top); total += logits[c] }
                            for c in 0..<k where targets[i * k + c] > 0 {
                                loss -= Double(weight * targets[i * k + c] * logf(max(logits[c] / total, 1e-30)))
                            }
                            for c in 0..<k { logits[c] = (logits[c] / total - targets[i * k + c]) * weight }
                            c = 0
                            while c + 4 <= k {
                                VectorMath.axpy4(SIMD4(logits[c], logits[c + 1], logits[c + 2], logits[c + 3]), row, gw + c * d, d)
                                c += 4
                            }
                            while c < k {
                                VectorMath.axpy(logits[c], UnsafeBufferPointer(start: row, count: d),
                                                UnsafeMutableBufferPointer(start: gw + c * d, count: d))
                                c += 1
                            }
                            for c in 0..<k { g[k * d + c] += logits[c] }
                        }
                    }
                }
            }
            return loss
        }
    }
}

extension LinearHead {
    func withParameters(_ theta: [Float], temperature: Float) -> LinearHead {
        let split = classes * dimensions
        return LinearHead(classes: classes, dimensions: dimensions, weights: Array(theta[..<split]),
                          bias: Array(theta[split...]), temperature: temperature)
    }
}
