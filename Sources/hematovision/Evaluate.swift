import ArgumentParser
import Foundation
import HematoNet
import HematoReview
import HematoTerminal

struct Evaluate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Score the model against ground truth.",
        discussion: """
            Ground truth comes from --labels (a labels.csv; rows with exactly one of the model's classes \
            are used, blank, multi-cell and BASOPHIL rows are counted and left out) or, without it, from \
            class folders: DIR/EOSINOPHIL/*.jpeg, DIR/LYMPHOCYTE/*, ...
            """)

    @Argument(help: "The folder of images.")
    var folder: String

    @Option(help: ArgumentHelp("Ground truth in the dataset's labels.csv format.", valueName: "labels.csv"))
    var labels: String?

    @Flag(help: "Print one JSON object (accuracy, macro_f1, ece, per_class, confusion, n) instead of text.")
    var json = false

    @Option(help: "Worker threads.")
    var threads: Int = 1

    @OptionGroup var modelOptions: ModelOptions

    func run() throws {
        let model = try modelOptions.load()
        let (items, left) = try groundTruth(labels: model.labels)
        guard !items.isEmpty else { throw CommandFailure("no images with a usable ground-truth label in \(DisplayName.escaped(folder))") }
        let bar = ProgressBar(total: items.count, title: "evaluating")
        let outcomes = try BatchClassifier(model: model, workers: threads).run(items.map { folder + "/" + $0.path }) { bar.update($0) }
        bar.finish()
        var truth: [Int] = [], probabilities: [[Float]] = []
        var failed = 0
        for (item, outcome) in zip(items, outcomes) {
            switch outcome {
            case .classified(let p):
                truth.append(item.truth)
                probabilities.append(p)
            case .failed(let reason):
                failed += 1
                report("skipped \(DisplayName.escaped(item.path)): \(reason)")
            }
        }
        let scores = Scores(labels: model.labels, truth: truth, probabilities: probabilities)
        print(json ? Self.json(scores) : Self.text(scores, leftOut: left, failed: failed))
        if failed > 0 { throw ExitCode(1) }
    }

    /// (relative path, class index) pairs, and how many labelled rows were left out.
    func groundTruth(labels classNames: [String]) throws -> ([(path: String, truth: Int)], Int) {
        do {
            if let labels {
                let file = try LabelsFile(bytes: FileBytesReader.read(labels))
                var out: [(String, Int)] = []
                var left = 0
                for relative in try ImageFolder.listRecursively(folder) {
                    guard let categories = file.categories(forImage: LabelsFile.imageKey(forRelativePath: relative)) else { continue }
                    if Set(categories).count == 1, let index = classNames.firstIndex(of: categories[0]) {
                        out.append((relative, index))
                    } else {
                        left += 1
                    }
                }
                return (out, left)
            }
            let entries = try ClassFolders.scan(folder)
            guard !entries.isEmpty else {
                throw CommandFailure("\(DisplayName.escaped(folder)) has no class folders (EOSINOPHIL/, LYMPHOCYTE/, ...); pass --labels labels.csv")
            }
            var out: [(String, Int)] = []
            var left = 0
            for e in entries {
                if let index = classNames.firstIndex(of: e.cellClass.rawValue) { out.append((e.relativePath, index)) } else { left += 1 }
            }
            return (out, left)
        } catch let error as CommandFailure {
            throw error
        } catch {
            throw CommandFailure("\(error)")
        }
    }

    static func text(_ s: Scores, leftOut: Int, failed: Int) -> String {
        var lines = [String(format: "images %d   accuracy %.4f   macro-F1 %.4f   ECE %.4f", s.n, s.accuracy, s.macroF1, s.expectedCalibrationError)]
        if leftOut > 0 { lines.append("(\(leftOut) images without a single predictable class left out)") }
        if failed > 0 { lines.append("(\(failed) images could not be read)") }
        lines.append("recall per class:")
        for label in s.labels { if let r = s.perClassRecall[label] { lines.append(String(format: "  %-11@ %.4f", DisplayName.escaped(label) as NSString, r)) } }
        lines.append("confusion (rows: truth, columns: predicted):")
        lines.append("             " + s.labels.map { DisplayName.escaped(String($0.prefix(4))).padding(toLength: 6, withPad: " ", startingAt: 0) }.joined())
        for (label, row) in zip(s.labels, s.confusion) {
            lines.append("  " + DisplayName.escaped(label).padding(toLength: 11, withPad: " ", startingAt: 0) + row.map { String($0).padding(toLength: 6, withPad: " ", startingAt: 0) }.joined())
        }
        return lines.joined(separator: "\n")
    }

    static func json(_ s: Scores) -> String {
        let object: [String: Any] = [
            "n": s.n, "accuracy": s.accuracy, "macro_f1": s.macroF1, "ece": s.expectedCalibrationError,
            "per_class": s.perClassRecall.mapValues { ["recall": $0] }, "confusion": s.confusion, "labels": s.labels,
        ]
        let data = try! JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
        return String(decoding: data, as: UTF8.self)
    }
}

/// Reads a small text file for the label readers, with a message that names it.
enum FileBytesReader {
    static func read(_ path: String) throws -> [UInt8] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw CommandFailure("cannot read \(DisplayName.escaped(path))")
        }
        return [UInt8](data)
    }
}
