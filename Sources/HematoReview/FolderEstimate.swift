import Foundation

/// An estimate of the whole folder's differential, marked as one: the reviewed images' labels as
/// they are, plus, for each image nobody reviewed, the model's answer corrected by the confusion the
/// blind calls measured. Of the images the model calls class j, the blind calls say what share
/// were truly each class i (with one pseudo-call on the model's answer, so a class no call tested
/// keeps the model's answer); the unreviewed images' expected cells per class follow.
///
/// The interval adds two errors: how uncertain each measured share is (its Dirichlet posterior
/// variance, q(1−q)/(n+2)) times the images it is applied to, and the chance of which class each
/// unreviewed image truly is (q(1−q) per image). It is an approximation, given as a normal
/// interval clipped to 0–100 %; with few blind calls it is wide, as it should be. The images of a
/// class no blind call tested could be any class: they widen every class's interval by all of them
/// (its own down, the others up) rather than pretend to a measurement.
public struct FolderEstimate: Equatable, Sendable {
    public struct Row: Equatable, Sendable {
        public var name: String
        /// Expected cells of the class in the folder.
        public var cells: Double
        public var share: Double
        public var lower: Double
        public var upper: Double
    }

    public var rows: [Row]
    /// Cells counted: the reviewed labels' cells plus one per unreviewed image with an answer.
    public var cells: Double
    public var reviewedImages: Int
    public var estimatedImages: Int
    /// Blind calls the correction rests on.
    public var calls: Int
    /// Unreviewed images whose predicted class no blind call tested.
    public var untested = 0

    /// `reviewed`: the label sets of the reviewed images; `unreviewed`: the model's answer on each
    /// image nobody reviewed; `calls`: the blind calls as (reviewer's class, model's class).
    public init(reviewed: [[String]], unreviewed: [String], calls: [(label: String, model: String)], classes: [String]) {
        var counts: [String: Double] = [:]
        for set in reviewed { for c in set { counts[c, default: 0] += 1 } }
        var names = classes
        for extra in Set(counts.keys).union(unreviewed).union(calls.map(\.label)).subtracting(classes).sorted() { names.append(extra) }
        var predicted: [String: Int] = [:]
        for m in unreviewed { predicted[m, default: 0] += 1 }
        var confusion: [String: [String: Int]] = [:]
        var called: [String: Int] = [:]
        for call in calls {
            confusion[call.model, default: [:]][call.label, default: 0] += 1
            called[call.model, default: 0] += 1
        }
        var variance: [String: Double] = [:]
        var untestedBelow: [String: Double] = [:], untestedAbove: [String: Double] = [:]
        for (j, m) in predicted where called[j] == nil {
            for i in names { if i == j { untestedBelow[i, default: 0] += Double(m) } else { untestedAbove[i, default: 0] += Double(m) } }
        }
        untested = predicted.filter { called[$0.key] == nil }.values.reduce(0, +)
        for (j, m) in predicted {
            let n = Double(called[j] ?? 0) + 1
            for i in names {
                let q = (Double(confusion[j]?[i] ?? 0) + (i == j ? 1 : 0)) / n
                guard q > 0 else { continue }
                counts[i, default: 0] += Double(m) * q
                variance[i, default: 0] += Double(m) * Double(m) * q * (1 - q) / (n + 1) + Double(m) * q * (1 - q)
            }
        }
        let total = Double(reviewed.reduce(0) { $0 + $1.count } + unreviewed.count)
        cells = total
        rows = names.map { name in
            let c = counts[name] ?? 0
            let share = total > 0 ? c / total : 0
            guard total > 0 else { return Row(name: name, cells: c, share: 0, lower: 0, upper: 0) }
            let half = WilsonInterval.z95 * (variance[name] ?? 0).squareRoot()
            return Row(name: name, cells: c, share: share, lower: max(0, (c - half - (untestedBelow[name] ?? 0)) / total),
                       upper: min(1, (c + half + (untestedAbove[name] ?? 0)) / total))
        }
        reviewedImages = reviewed.count
        estimatedImages = unreviewed.count
        self.calls = calls.count
    }
}
