/// Accuracy, macro-F1, per-class recall, confusion and expected calibration
/// error for predictions against ground truth: the same definitions as
/// Training/evaluate.py (ECE over 15 equal-width confidence bins).
public struct Scores: Sendable, Equatable {
    public let labels: [String]
    public let n: Int
    public let accuracy: Double
    public let macroF1: Double
    public let expectedCalibrationError: Double
    /// Recall per class present in the ground truth.
    public let perClassRecall: [String: Double]
    /// confusion[truth][predicted]
    public let confusion: [[Int]]

    /// `truth` are class indexes; `probabilities` one row per image, in `labels` order.
    public init(labels: [String], truth: [Int], probabilities: [[Float]]) {
        precondition(truth.count == probabilities.count)
        let k = labels.count
        var confusion = [[Int]](repeating: [Int](repeating: 0, count: k), count: k)
        var predicted: [Int] = []
        for (t, p) in zip(truth, probabilities) {
            let guess = p.indices.max { p[$0] < p[$1] } ?? 0
            predicted.append(guess)
            confusion[t][guess] += 1
        }
        let n = truth.count
        let correct = (0..<k).reduce(0) { $0 + confusion[$1][$1] }
        var recall: [String: Double] = [:]
        var f1s: [Double] = []
        for c in 0..<k {
            let actual = confusion[c].reduce(0, +)
            guard actual > 0 else { continue }
            let called = confusion.reduce(0) { $0 + $1[c] }
            let r = Double(confusion[c][c]) / Double(actual)
            let p = called > 0 ? Double(confusion[c][c]) / Double(called) : 0
            recall[labels[c]] = r
            f1s.append(p + r > 0 ? 2 * p * r / (p + r) : 0)
        }
        var ece = 0.0
        let bins = 15
        for b in 0..<bins {
            let lo = Double(b) / Double(bins), hi = Double(b + 1) / Double(bins)
            var count = 0, hits = 0
            var confidence = 0.0
            for (i, p) in probabilities.enumerated() {
                let c = Double(p[predicted[i]])
                if c > lo && c <= hi {
                    count += 1
                    confidence += c
                    if predicted[i] == truth[i] { hits += 1 }
                }
            }
            if count > 0 {
                ece += Double(count) / Double(n) * abs(Double(hits) / Double(count) - confidence / Double(count))
            }
        }
        self.labels = labels
        self.n = n
        self.accuracy = n > 0 ? Double(correct) / Double(n) : 0
        self.macroF1 = f1s.isEmpty ? 0 : f1s.reduce(0, +) / Double(f1s.count)
        self.expectedCalibrationError = ece
        self.perClassRecall = recall
        self.confusion = confusion
    }
}
