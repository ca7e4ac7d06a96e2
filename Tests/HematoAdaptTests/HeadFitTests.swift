import XCTest
@testable import HematoAdapt

/// Synthetic features with a known answer: the fit must find it, and must
/// leave the prior alone when the decisions only confirm it.
final class HeadFitTests: XCTestCase {
    /// A deterministic generator, so every run sees the same data.
    struct Noise {
        var state: UInt64
        mutating func uniform() -> Float {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Float(state >> 40) / Float(1 << 24)
        }
        mutating func gaussian() -> Float {
            let u = max(uniform(), 1e-7), v = uniform()
            return (-2 * logf(u)).squareRoot() * cosf(2 * .pi * v)
        }
    }

    static let classes = 4, dimensions = 32

    /// Features drawn around one centre per class; the true head separates them.
    static func data(count: Int, seed: UInt64) -> (ExampleSet, [Float]) {
        var noise = Noise(state: seed)
        var centres = [Float]()
        var centreNoise = Noise(state: 99)
        for _ in 0..<(classes * dimensions) { centres.append(2 * centreNoise.gaussian()) }
        var set = ExampleSet(dimensions: dimensions)
        for i in 0..<count {
            let c = i % classes
            set.append((0..<dimensions).map { centres[c * dimensions + $0] + noise.gaussian() }, label: c)
        }
        return (set, centres)
    }

    static func accuracy(_ head: LinearHead, on set: ExampleSet) -> Double {
        var right = 0
        for i in 0..<set.count {
            let p = head.probabilities(Array(set.feature(i)))
            if p.indices.max(by: { p[$0] < p[$1] }) == set.labels[i] { right += 1 }
        }
        return Double(right) / Double(set.count)
    }

    static var zeroHead: LinearHead {
        LinearHead(classes: classes, dimensions: dimensions, weights: .init(repeating: 0, count: classes * dimensions),
                   bias: .init(repeating: 0, count: classes))
    }

    func testItRecoversAKnownHeadFromAnUninformedPrior() {
        let (training, centres) = Self.data(count: 400, seed: 1)
        let (fresh, _) = Self.data(count: 400, seed: 2)
        // The Bayes-optimal head for equal spherical classes: w_c = μ_c, b_c = −|μ_c|²/2.
        var bias = [Float]()
        for c in 0..<Self.classes {
            let mu = Array(centres[(c * Self.dimensions)..<((c + 1) * Self.dimensions)])
            bias.append(-0.5 * VectorMath.dot(mu, mu))
        }
        let truth = LinearHead(classes: Self.classes, dimensions: Self.dimensions, weights: centres, bias: bias)
        XCTAssertEqual(Self.accuracy(Self.zeroHead, on: fresh), 0.25, accuracy: 0.01, "the zero head guesses one class")

        var settings = HeadFit.Settings()
        settings.strength = 1e-3
        let fitted = HeadFit.fit(training, prior: Self.zeroHead, settings: settings)
        XCTAssertGreaterThanOrEqual(Self.accuracy(fitted, on: fresh), Self.accuracy(truth, on: fresh) - 0.02)
        // Same decisions as the true head on unseen data, and weights pointing the same way.
        var agree = 0
        for i in 0..<fresh.count {
            let x = Array(fresh.feature(i))
            let a = fitted.probabilities(x), b = truth.probabilities(x)
            if a.indices.max(by: { a[$0] < a[$1] }) == b.indices.max(by: { b[$0] < b[$1] }) { agree += 1 }
        }
        XCTAssertGreaterThan(Double(agree) / Double(fresh.count), 0.97)
        for c in 0..<Self.classes {
            let w = Array(fitted.weights[(c * Self.dimensions)..<((c + 1) * Self.dimensions)])
            let mu = Array(centres[(c * Self.dimensions)..<((c + 1) * Self.dimensions)])
            let cosine = VectorMath.dot(w, mu) / (VectorMath.dot(w, w).squareRoot() * VectorMath.dot(mu, mu).squareRoot())
            XCTAssertGreaterThan(cosine, 0.8, "class \(c)")
        }
    }

    func testItDoesNotMoveWhenTheDecisionsAgreeWithAConfidentPrior() {
        let (training, centres) = Self.data(count: 200, seed: 3)
        // A confident prior that is right: the true head, scaled up.
        var bias = [Float]()
        for c in 0..<Self.classes {
            let mu = Array(centres[(c * Self.dimensions)..<((c + 1) * Self.dimensions)])
            bias.append(-1.5 * VectorMath.dot(mu, mu))
        }
        let prior = LinearHead(classes: Self.classes, dimensions: Self.dimensions, weights: centres.map { 3 * $0 }, bias: bias)
        XCTAssertEqual(Self.accuracy(prior, on: training), 1, "the decisions all agree with the prior")
        let fitted = HeadFit.fit(training, prior: prior)
        let relative = (fitted.squaredDistance(to: prior) / prior.squaredDistance(to: Self.zeroHead)).squareRoot()
        XCTAssertLessThan(relative, 1e-3, "the head moved \(relative) of its own size")
        for i in 0..<training.count {
            let x = Array(training.feature(i))
            for (a, b) in zip(fitted.probabilities(x), prior.probabilities(x)) { XCTAssertEqual(a, b, accuracy: 1e-3) }
        }
    }

    func testACorrectionMovesThePredictionTowardsTheReviewer() {
        let (training, centres) = Self.data(count: 40, seed: 4)
        // A prior that calls every class-0 cell class 1: a lab where it confuses two classes.
        var weights = centres
        for j in 0..<Self.dimensions { weights[j] = centres[Self.dimensions + j] }
        let prior = LinearHead(classes: Self.classes, dimensions: Self.dimensions, weights: weights, bias: [0, 0, 0, 0])
        let classZero = training.subset { training.labels[$0] == 0 }
        XCTAssertLessThan(Self.accuracy(prior, on: classZero), 0.5)
        let adapted = Adaptation(prior: prior).refit(training)
        XCTAssertFalse(adapted.keptPrior)
        XCTAssertGreaterThan(Self.accuracy(adapted.head, on: classZero), 0.9)
    }

    /// Like pooled network features: every one shares a large positive part, and the classes differ
    /// by less than the noise; the prior is a head trained on many of them.
    static func pooledLikeFeatures() -> (training: ExampleSet, prior: LinearHead) {
        let (raw, _) = Self.data(count: 800, seed: 5)
        var training = ExampleSet(dimensions: Self.dimensions)
        for i in 0..<raw.count { training.append(raw.feature(i).map { 3 + 0.4 * $0 }, label: raw.labels[i]) }
        var trained = HeadFit.Settings()
        trained.strength = 1e-4
        return (training, HeadFit.fit(training, prior: Self.zeroHead, settings: trained))
    }

    /// One slip of a key (a class-0 cell called class 1) against a confident, right prior: the
    /// prior's answers on the lab's other images weigh as `priorDecisions` decisions, so the other
    /// class-0 cells stay class 0, where the ridge alone hands the whole class to the slip.
    /// Consistent decisions still win: `testACorrectionMovesThePredictionTowardsTheReviewer`.
    func testOneSlipNudgesTheHeadButDoesNotOverturnAClass() {
        let (training, prior) = Self.pooledLikeFeatures()
        let classZero = training.subset { training.labels[$0] == 0 }
        var slip = ExampleSet(dimensions: Self.dimensions)
        slip.append(Array(classZero.feature(0)), label: 1)
        let rest = classZero.subset { $0 > 0 }
        func meanProbabilityOfOne(_ head: LinearHead) -> Float {
            (0..<rest.count).map { head.probabilities(Array(rest.feature($0)))[1] }.reduce(0, +) / Float(rest.count)
        }
        let before = meanProbabilityOfOne(prior)
        // The lab's other images, which no decision is about: the prior's answers there weigh.
        let reference = training.subset { $0 != 0 }
        let nudged = HeadFit.fit(slip, prior: prior, reference: reference)
        XCTAssertGreaterThan(meanProbabilityOfOne(nudged), before, "the decision is heard")
        XCTAssertGreaterThan(Self.accuracy(nudged, on: rest), 0.9, "the class stays the prior's")
        XCTAssertLessThan(Self.accuracy(HeadFit.fit(slip, prior: prior), on: rest), 0.5,
                          "without the lab's images only the ridge pulls, and the slip takes the class")
    }

    /// Three decisions on different cells (one agreeing, two corrections), as a reviewer starts:
    /// the answers on the other images stay near the prior's. With the ridge alone, the refit
    /// fitted the three exactly and swung the rest (in review: an 85 % eosinophil to 100 %
    /// lymphocyte after three decisions).
    func testAFewDecisionsDoNotSwingTheOtherImages() {
        let (training, prior) = Self.pooledLikeFeatures()
        var three = ExampleSet(dimensions: Self.dimensions)
        three.append(Array(training.feature(0)), label: 0)   // class 0, agreed
        three.append(Array(training.feature(1)), label: 2)   // class 1, corrected to 2
        three.append(Array(training.feature(2)), label: 3)   // class 2, corrected to 3
        let others = training.subset { $0 >= 3 }
        func moved(_ head: LinearHead) -> Float {  // mean total-variation distance from the prior's answers
            (0..<others.count).map { i -> Float in
                let x = Array(others.feature(i))
                return 0.5 * zip(head.probabilities(x), prior.probabilities(x)).map { abs($0 - $1) }.reduce(0, +)
            }.reduce(0, +) / Float(others.count)
        }
        let anchored = HeadFit.fit(three, prior: prior, reference: others)
        let ridgeOnly = HeadFit.fit(three, prior: prior)
        XCTAssertLessThan(moved(anchored), 0.1, "anchored: \(moved(anchored)), ridge only: \(moved(ridgeOnly))")
        XCTAssertGreaterThan(moved(ridgeOnly), 2 * moved(anchored))
        XCTAssertGreaterThan(Self.accuracy(anchored, on: others), Self.accuracy(prior, on: others) - 0.02)
        let p = anchored.probabilities(Array(training.feature(1)))
        XCTAssertGreaterThan(p[2], prior.probabilities(Array(training.feature(1)))[2], "the correction is heard")
    }

    /// The review gathers the folder's images for a refit only while one of its fits is anchored
    /// on them: up to 21 decisions (a held-out fold of 21 trains on 15), none from 22.
    func testOnlyTheFirstRefitsUseTheReferenceImages() {
        let adaptation = Adaptation(prior: Self.zeroHead)
        XCTAssertTrue((1...21).allSatisfy { adaptation.usesReference(decisions: $0) })
        XCTAssertFalse((22...300).contains { adaptation.usesReference(decisions: $0) })
    }

    func testTheTemperatureSoftensOverconfidentLogits() {
        // Logits that say 0.99 but are right only 70% of the time need a temperature above 1.
        var logits = [Float](), labels = [Int]()
        for i in 0..<100 {
            logits += [5, 0, 0, 0]
            labels.append(i % 10 < 7 ? 0 : 1 + i % 3)
        }
        let t = TemperatureFit.fit(logits: logits, labels: labels, classes: 4)
        XCTAssertGreaterThan(t, 1.5)
        let p = Softmax.probabilities([5, 0, 0, 0], temperature: t)[0]
        XCTAssertEqual(p, 0.7, accuracy: 0.05)
    }
}
