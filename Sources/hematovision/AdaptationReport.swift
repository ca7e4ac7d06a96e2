import Foundation
import HematoAdapt
import HematoBatch
import HematoReview

/// `evaluate --adapt-after`'s results: scores on the images not reviewed,
/// before and after, the learning curve between, and the running agreement.
struct AdaptationReport {
    let trial: AdaptationTrial
    /// Scores on the same remaining images at each point of the curve.
    let curve: [(decisions: Int, scores: Scores)]

    init?(trial: AdaptationTrial?, truth: [Int], labels: [String]) {
        guard let trial else { return nil }
        self.trial = trial
        let restTruth = trial.rest.map { truth[$0] }
        curve = trial.curve.map { ($0.decisions, Scores(labels: labels, truth: restTruth, probabilities: $0.probabilities)) }
    }

    var before: Scores { curve.first!.scores }
    var after: Scores { curve.last!.scores }

    var json: [String: Any] {
        [
            "decisions": trial.reviewed.count, "seed": trial.seed, "remaining": trial.rest.count,
            "accuracy_before": before.accuracy, "accuracy_after": after.accuracy,
            "ece_before": before.expectedCalibrationError, "ece_after": after.expectedCalibrationError,
            "agreement": trial.agreement, "kept_prior": trial.final.keptPrior,
            "temperature": Double(trial.final.head.temperature),
            "curve": curve.map { ["decisions": $0.decisions, "accuracy": $0.scores.accuracy, "ece": $0.scores.expectedCalibrationError] },
        ]
    }

    /// The learning curve as bars, one line per point.
    var text: String {
        var lines = ["", "adaptation: the played reviewer confirmed \(trial.reviewed.count) images (seed \(trial.seed)); the model agreed with \(String(format: "%.0f", trial.agreement * 100)) % of them before each decision",
                     "accuracy on the \(trial.rest.count) images not reviewed, after N decisions:"]
        let width = 40
        for (n, s) in curve {
            let filled = Int((s.accuracy * Double(width)).rounded())
            let bar = String(repeating: "█", count: filled) + String(repeating: "·", count: width - filled)
            lines.append(String(format: "  %5d  %@  %.3f   ECE %.3f", n, bar, s.accuracy, s.expectedCalibrationError))
        }
        lines.append(trial.final.keptPrior ? "(cross-validation kept the model's own head, with a refitted temperature)"
                                           : String(format: "(refitted head, temperature %.2f fitted on held-out decisions)", trial.final.head.temperature))
        return lines.joined(separator: "\n")
    }
}
