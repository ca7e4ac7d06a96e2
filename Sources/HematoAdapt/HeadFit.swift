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
/// Minimised with L-BFGS (6 pairs of history, backtracking line search).
/// The objective is smooth and strongly convex, so this converges in tens of
/// iterations, and a warm start from the previous fit needs only a few.
public enum HeadFit {
    public struct Settings: Sendable {
        public var strength: Float = 0.01
        public var maxIterations = 100
        /// Stop when the gradient's norm falls below this.
        public var tolerance: Float = 1e-4
        public init() {}
    }

    /// The head's temperature is not fitted here (see `TemperatureFit`); the result keeps 1.
    public static func fit(_ examples: ExampleSet, prior: LinearHead, start: LinearHead? = nil,
                           settings: Settings = Settings()) -> LinearHead {
        precondition(examples.dimensions == prior.dimensions, "examples and head disagree on the feature size")
        let objective = Objective(examples: examples, prior: prior, strength: settings.strength)
        var theta = (start ?? prior).weights + (start ?? prior).bias
        guard examples.count > 0 else { return prior.withParameters(theta, temperature: 1) }
        var (value, gradient) = objective.evaluate(theta)
        var history: [(s: [Float], y: [Float], rho: Float)] = []
        for iteration in 0..<settings.maxIterations {
            if norm(gradient) < settings.tolerance { break }
            var direction = twoLoop(gradient, history)
            var slope = VectorMath.dot(direction, gradient)
            if slope >= 0 {  // not a descent direction: forget the curvature and go downhill
                history.removeAll()
                direction = gradient.map { -$0 }
                slope = -VectorMath.dot(gradient, gradient)
            }
            var step: Float = iteration == 0 && history.isEmpty ? min(1, 1 / max(norm(gradient), 1e-12)) : 1
            var accepted: ([Float], Float, [Float])?
            for _ in 0..<30 {
                let trial = zip(theta, direction).map { $0 + step * $1 }
                let (v, g) = objective.evaluate(trial)
                if v <= value + 1e-4 * step * slope { accepted = (trial, v, g); break }
                step *= 0.5
            }
            guard let (next, nextValue, nextGradient) = accepted else { break }
            let s = zip(next, theta).map { $0 - $1 }
            let y = zip(nextGradient, gradient).map { $0 - $1 }
            let sy = VectorMath.dot(s, y)
            if sy > 1e-10 {
                history.append((s, y, 1 / sy))
                if history.count > 6 { history.removeFirst() }
            }
            theta = next
            value = nextValue
            gradient = nextGradient
        }
        return prior.withParameters(theta, temperature: 1)
    }

    private static func norm(_ v: [Float]) -> Float { VectorMath.dot(v, v).squareRoot() }

    /// L-BFGS's two-loop recursion: −H·g from the stored curvature pairs.
    private static func twoLoop(_ gradient: [Float], _ history: [(s: [Float], y: [Float], rho: Float)]) -> [Float] {
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
    /// one vector: the weights (classes × dimensions), then the bias.
    struct Objective {
        let examples: ExampleSet
        let prior: [Float]
        let strength: Float
        let classes: Int

        init(examples: ExampleSet, prior: LinearHead, strength: Float) {
            self.examples = examples
            self.prior = prior.weights + prior.bias
            self.strength = strength
            classes = prior.classes
        }

        func evaluate(_ theta: [Float]) -> (Float, [Float]) {
            let d = examples.dimensions, n = examples.count, k = classes
            var gradient = [Float](repeating: 0, count: theta.count)
            var loss: Double = 0
            theta.withUnsafeBufferPointer { t in
                examples.features.withUnsafeBufferPointer { x in
                    gradient.withUnsafeMutableBufferPointer { g in
                        var logits = [Float](repeating: 0, count: k)
                        for i in 0..<n {
                            let row = UnsafeBufferPointer(rebasing: x[(i * d)..<((i + 1) * d)])
                            for c in 0..<k {
                                logits[c] = VectorMath.dot(UnsafeBufferPointer(rebasing: t[(c * d)..<((c + 1) * d)]), row) + t[k * d + c]
                            }
                            let p = Softmax.probabilities(logits)
                            let label = examples.labels[i]
                            loss -= Double(logf(max(p[label], 1e-30)))
                            for c in 0..<k {
                                let residual = (p[c] - (c == label ? 1 : 0)) / Float(n)
                                VectorMath.axpy(residual, row, UnsafeMutableBufferPointer(rebasing: g[(c * d)..<((c + 1) * d)]))
                                g[k * d + c] += residual
                            }
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
