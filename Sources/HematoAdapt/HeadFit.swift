import Foundation

/// Decisions as training examples: one pooled feature and one class each.
public struct ExampleSet: Sendable {
    public let dimensions: Int
    /// count × dimensions, row-major.
    public private(set) var features: [Float] = []
    public private(set) var labels: [Int] = []

    public init(dimensions: Int) { self.dimensions = dimensions }

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

/// Refits a head on a reviewer's decisions: mean cross-entropy plus
/// `strength` × the squared distance to a prior head (the bundled one, or a
/// lab's). The pull towards the prior is what keeps a handful of decisions
/// from undoing what the network learned; when the decisions agree with the
/// prior's confident answers the gradient there is nearly zero and the head
/// stays where it was.
///
/// Minimised with L-BFGS (6 curvature pairs, backtracking line search). The
/// objective is smooth and strongly convex. In review each refit adds one
/// decision to the last, so a fit starts from the last one's parameters *and*
/// curvature pairs (`FitState`), and converges in a few iterations.
public enum HeadFit {
    public struct Settings: Sendable {
        public var strength: Float = 0.01
        /// Below this many decisions the pull grows as `strength × priorDecisions / n`: the prior
        /// weighs as much as this many decisions would, so one correction (or one slip of a key)
        /// nudges the head instead of overturning a whole class. From here on the pull is `strength`.
        public var priorDecisions = 32
        public var maxIterations = 100
        /// Stop when the gradient's norm falls below this (the loss is a mean, so this is per decision).
        public var tolerance: Float = 1e-3
        public init() {}

        /// The pull towards the prior for a fit on `decisions` examples.
        public func strength(decisions: Int) -> Float {
            strength * Float(max(1, priorDecisions)) / Float(min(max(1, priorDecisions), max(1, decisions)))
        }
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
    public static func fit(_ examples: ExampleSet, prior: LinearHead, start: LinearHead? = nil,
                           settings: Settings = Settings()) -> LinearHead {
        let begin = start.map { FitState(theta: $0.weights + $0.bias, history: [], evaluations: 0) }
        return prior.withParameters(fit(examples, prior: prior, from: begin, settings: settings).theta, temperature: 1)
    }

    public static func fit(_ examples: ExampleSet, prior: LinearHead, from begin: FitState?,
                           settings: Settings = Settings()) -> FitState {
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
        let objective = Objective(examples: centring.examples, prior: centredPrior, classes: prior.classes, strength: settings.strength(decisions: examples.count))
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

    /// Value and gradient of the penalised mean cross-entropy, parameters as
    /// one vector: the weights (classes × dimensions), then the bias. Classes
    /// are taken four at a time so each feature is read once per pass.
    struct Objective {
        let examples: ExampleSet
        let prior: [Float]
        let strength: Float
        let classes: Int

        init(examples: ExampleSet, prior: [Float], classes: Int, strength: Float) {
            self.examples = examples
            self.prior = prior
            self.strength = strength
            self.classes = classes
        }

        func evaluate(_ theta: [Float]) -> (Float, [Float]) {
            let d = examples.dimensions, n = examples.count, k = classes
            var gradient = [Float](repeating: 0, count: theta.count)
            var loss: Double = 0
            var logits = [Float](repeating: 0, count: k)
            theta.withUnsafeBufferPointer { t in
                examples.features.withUnsafeBufferPointer { x in
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
                            // Softmax in place: logits become residuals p − onehot, scaled by 1/n.
                            let label = examples.labels[i]
                            let top = logits.max()!
                            var total: Float = 0
                            for c in 0..<k { logits[c] = expf(logits[c] - top); total += logits[c] }
                            loss -= Double(logf(max(logits[label] / total, 1e-30)))
                            for c in 0..<k { logits[c] = (logits[c] / total - (c == label ? 1 : 0)) / Float(n) }
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
            var penalty: Double = 0
            for i in theta.indices {
                let delta = theta[i] - prior[i]
                penalty += Double(delta * delta)
                gradient[i] += 2 * strength * delta
            }
            return (Float(loss / Double(max(n, 1)) + Double(strength) * penalty), gradient)
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
