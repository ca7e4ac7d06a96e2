import Foundation

/// The temperature that makes held-out logits best calibrated: the one with
/// the least negative log-likelihood, searched on a log scale. It is kept
/// within [0.5, 4] so that a few unlucky decisions cannot make the screen
/// wildly over- or under-confident.
public enum TemperatureFit {
    public static let range: ClosedRange<Float> = 0.5...4

    /// `logits` holds one row of `classes` values per label.
    public static func fit(logits: [Float], labels: [Int], classes: Int) -> Float {
        guard !labels.isEmpty else { return 1 }
        var lo = logf(range.lowerBound), hi = logf(range.upperBound)
        let golden: Float = 0.618_034
        var a = hi - golden * (hi - lo), b = lo + golden * (hi - lo)
        var fa = negativeLogLikelihood(logits: logits, labels: labels, classes: classes, temperature: expf(a))
        var fb = negativeLogLikelihood(logits: logits, labels: labels, classes: classes, temperature: expf(b))
        for _ in 0..<40 {
            if fa <= fb {
                hi = b; b = a; fb = fa
                a = hi - golden * (hi - lo)
                fa = negativeLogLikelihood(logits: logits, labels: labels, classes: classes, temperature: expf(a))
            } else {
                lo = a; a = b; fa = fb
                b = lo + golden * (hi - lo)
                fb = negativeLogLikelihood(logits: logits, labels: labels, classes: classes, temperature: expf(b))
            }
        }
        return expf((lo + hi) / 2)
    }

    /// Mean −log p(label) of softmax(logits / temperature).
    public static func negativeLogLikelihood(logits: [Float], labels: [Int], classes: Int, temperature: Float) -> Float {
        var total: Double = 0
        logits.withUnsafeBufferPointer { z in
            for (i, label) in labels.enumerated() {
                let row = z[(i * classes)..<((i + 1) * classes)]
                let top = row.max()! / temperature
                var sum: Float = 0
                for v in row { sum += expf(v / temperature - top) }
                total -= Double(z[i * classes + label] / temperature - top - logf(sum))
            }
        }
        return Float(total / Double(max(labels.count, 1)))
    }
}
