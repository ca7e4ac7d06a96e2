import ArgumentParser
import Foundation
import HematoAdapt
import HematoBatch
import HematoFiles
import HematoNet
import HematoReview
import HematoTerminal

struct Evaluate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Score the model against ground truth.",
        discussion: """
            Ground truth comes from --labels (a labels.csv; rows with exactly one of the model's classes \
            are used, blank and multi-cell rows and rows of a class the model lacks are counted and left \
            out) or, without it, from \
            class folders: DIR/EOSINOPHIL/*.jpeg, DIR/LYMPHOCYTE/*, ..., or where there are none from \
            DIR/labels.csv.

            --adapt-after N plays a reviewer: the true class of N images (a random sample, --seed) is \
            confirmed one decision at a time, the model adapts after each exactly as in review, and the \
            images not reviewed are scored before, along the way (a learning curve) and after.

            It also says whether the folder looks like the training data, by two checks: the shift score \
            (what the network sees, against the training images' features; from 16 images) and the stain \
            score (each picture's nucleus colour over its background colour, against the training labs' \
            stains; from 24 pictures with a nucleus). About 1 means alike; either one above its threshold \
            is a warning to trust the model less here. --json gives both under "shift".
            """)

    @Argument(help: "The folder of images.")
    var folder: String

    @Option(help: ArgumentHelp("Ground truth in the dataset's labels.csv format (default: FOLDER/labels.csv when FOLDER has no class folders).", valueName: "labels.csv"))
    var labels: String?

    @Flag(help: "Print one JSON object (accuracy, macro_f1, ece, per_class, confusion, n) instead of text.")
    var json = false

    @Option(help: "Worker threads (default: `threads` in the config file, else one per core this process may use).")
    var threads: Int?

    @Option(name: .customLong("adapt-after"), help: ArgumentHelp("Play a reviewer who confirms the true class of N images, adapting after each, then score the rest.", valueName: "N"))
    var adaptAfter: Int?

    @Option(help: "Which images the played reviewer decides (a seeded random sample).")
    var seed: UInt64 = 0

    @Option(help: ArgumentHelp("Play a blind calibration of N calls as review draws them (stratified by predicted class): the agreement and its interval against the accuracy on the rest, before and after adapting to the calls.", valueName: "N"))
    var calibrate: Int?

    @Option(help: ArgumentHelp("With --calibrate: play it for this many seeds from --seed on and count how often the interval covers the accuracy on the rest (without adapting: accuracy_rest_after is then null).", valueName: "K"))
    var repeats: Int = 1

    @OptionGroup var modelOptions: ModelOptions
    @OptionGroup var precisionOptions: PrecisionOptions
    @OptionGroup var labOptions: LabOptions

    func validate() throws {
        if let adaptAfter, adaptAfter < 0 { throw ValidationError("--adapt-after must be 0 or more") }
        if let threads, !(1...64).contains(threads) { throw ValidationError("--threads must be from 1 to 64") }
        if let calibrate, calibrate < 1 { throw ValidationError("--calibrate must be 1 or more") }
        if !(1...10_000).contains(repeats) { throw ValidationError("--repeats must be from 1 to 10000") }
    }

    func run() throws {
        let model = try modelOptions.load()
        let lab = try labOptions.load(model: model)
        let precision = try precisionOptions.load(model: model)
        let stainReference: StainReference?
        do { stainReference = try StainSidecar.reference(for: model) } catch { throw CommandFailure(DisplayName.escaped(error.description)) }
        let prior = lab?.head.foldingTemperature() ?? model.head
        let (items, left) = try groundTruth(labels: model.labels)
        guard !items.isEmpty else { throw CommandFailure("no images with a usable ground-truth label in \(DisplayName.escaped(folder))") }
        let bar = ProgressBar(total: items.count, title: "evaluating")
        let outcomes = try BatchClassifier(model: model, workers: Config.user.workerThreads(option: threads), head: prior, keepFeatures: true, precision: precision)
            .run(items.map { folder + "/" + $0.path }) { bar.update($0) }
        bar.finish()
        var truth: [Int] = [], probabilities: [[Float]] = [], features: [[Float]] = [], stains: [[Float]] = []
        var failed = 0
        for (item, outcome) in zip(items, outcomes) {
            switch outcome {
            case .classified(let p, let feature, _, let stain):
                truth.append(item.truth)
                probabilities.append(p)
                features.append(feature ?? [])
                if let stain { stains.append(stain) }
            case .failed(let reason):
                failed += 1
                report("skipped \(DisplayName.escaped(item.path)): \(reason)")
            }
        }
        let scores = Scores(labels: model.labels, truth: truth, probabilities: probabilities)
        let shift = model.shift.flatMap { reference in reference.assess(distances: features.map(reference.distance)) }
        let stain = stainReference.flatMap { reference in reference.assess(distances: stains.map(reference.distance)) }
        let look = FolderLook(features: shift, stain: stain)
        var trial: AdaptationTrial?
        if let adaptAfter {
            guard adaptAfter < truth.count else {
                throw CommandFailure("--adapt-after \(adaptAfter) leaves no image to score (\(truth.count) were classified)")
            }
            trial = AdaptationTrial(features: features, truth: truth, prior: prior, decisions: adaptAfter, seed: seed)
        }
        let report = AdaptationReport(trial: trial, truth: truth, labels: model.labels)
        var calibration: [CalibrationTrial] = []
        if let calibrate {
            guard calibrate < truth.count else {
                throw CommandFailure("--calibrate \(calibrate) leaves no image to score (\(truth.count) were classified)")
            }
            calibration = (0..<UInt64(repeats)).map { k in
                CalibrationTrial(features: features, truth: truth, prior: prior, calls: calibrate, seed: seed &+ k, adapt: repeats == 1)
            }
        }
        var object = json ? Self.jsonObject(scores, look: look, adaptation: report) : [:]
        if json, let first = calibration.first { object["calibration"] = Self.calibrationJSON(first, all: calibration) }
        print(json ? ((try? JSONOutput.text(object)) ?? "{}")
                   : Self.text(scores, leftOut: left, failed: failed) + Self.text(shift: shift, hasStatistics: model.shift != nil)
                     + Self.text(stain: stain, hasReference: stainReference != nil) + (report?.text ?? "")
                     + Self.text(calibration: calibration))
        if failed > 0 { throw ExitCode(1) }
    }

    static func text(shift: ShiftAssessment?, hasStatistics: Bool) -> String {
        guard let shift else {
            return hasStatistics ? "\nshift: too few images to judge (\(ShiftReference.minimumImages) needed)" : "\nshift: this model file has no training statistics"
        }
        return String(format: "\nshift: %.2f (1 = like the training images; warning above %.1f)%@", shift.score, shift.threshold,
                      shift.warning ? " — WARNING: these images do not look like the training data; trust the model less" : "")
    }

    static func text(stain: ShiftAssessment?, hasReference: Bool) -> String {
        guard let stain else {
            return hasReference ? "\nstain: too few pictures with a nucleus to judge (\(StainReference.minimumImages) needed)"
                                : "\nstain: this model file has no stain reference"
        }
        return String(format: "\nstain: %.2f (1 = stained like a training lab; warning above %.2f)%@", stain.score, stain.threshold,
                      stain.warning ? " — WARNING: this stain is unlike the training labs'; trust the model less" : "")
    }

    /// (relative path, class index) pairs, and how many labelled rows were left out.
    func groundTruth(labels classNames: [String]) throws -> ([(path: String, truth: Int)], Int) {
        do {
            var labelsPath = labels
            var entries: [ClassFolders.Entry] = []
            if labelsPath == nil {
                entries = try ClassFolders.scan(folder)
                // A folder the dataset or a review labelled carries its labels.csv: that is its ground truth.
                if entries.isEmpty, FileManager.default.fileExists(atPath: folder + "/labels.csv") { labelsPath = folder + "/labels.csv" }
            }
            if let labels = labelsPath {
                let file = try LabelsFile(bytes: FileBytesReader.read(labels))
                var out: [(String, Int)] = []
                var left = 0
                let images = try ImageFolder.listRecursively(folder)
                for (relative, key) in zip(images, LabelsFile.imageKeys(forRelativePaths: images, existing: file)) {
                    guard let categories = file.categories(forImage: key) else { continue }
                    if Set(categories).count == 1, let index = classNames.firstIndex(of: categories[0]) {
                        out.append((relative, index))
                    } else {
                        left += 1
                    }
                }
                return (out, left)
            }
            guard !entries.isEmpty else {
                throw CommandFailure("\(DisplayName.escaped(folder)) has no class folders (EOSINOPHIL/, LYMPHOCYTE/, ...) and no labels.csv; pass --labels labels.csv")
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

    /// `evaluate --calibrate N --json`'s `calibration`: the first seed's trial, and with --repeats
    /// how often the interval covered the accuracy on the rest over all of them.
    static func calibrationJSON(_ t: CalibrationTrial, all: [CalibrationTrial]) -> [String: Any] {
        var object: [String: Any] = [
            "calls": t.agreement.calls, "seed": t.seed, "agreement": t.agreement.agreement ?? NSNull(),
            "interval": t.agreement.interval.map { [$0.lower, $0.upper] as Any } ?? NSNull(),
            "accuracy_rest_before": t.accuracyRestBefore, "accuracy_rest_after": t.accuracyRestAfter ?? NSNull(),
            "accept_page": t.acceptPageAllowed ? "allowed" : "ask",
        ]
        if all.count > 1 {
            object["repeats"] = ["seeds": all.count, "covered": covered(all),
                                 "agreement": all.map { $0.agreement.agreement ?? 0 }, "accuracy_rest_before": all.map(\.accuracyRestBefore),
                                 "accept_page_allowed": all.filter(\.acceptPageAllowed).count] as [String: Any]
        }
        return object
    }

    /// Trials whose Wilson interval holds the accuracy on the images not called.
    static func covered(_ trials: [CalibrationTrial]) -> Int {
        trials.filter { t in t.agreement.interval.map { ($0.lower...$0.upper).contains(t.accuracyRestBefore) } ?? false }.count
    }

    static func text(calibration: [CalibrationTrial]) -> String {
        guard let t = calibration.first else { return "" }
        var lines = ["", "calibration: \(ReviewSession.Trust.sentence(t.agreement)) (seed \(t.seed)); A would "
                     + (t.acceptPageAllowed ? "accept pages" : "ask first"),
                     String(format: "  accuracy on the %d images not called: %.3f with the model that made the calls", t.rest.count, t.accuracyRestBefore)]
        if let after = t.accuracyRestAfter { lines.append(String(format: "  %.3f after adapting to the calls", after)) }
        if calibration.count > 1 {
            lines.append("  over \(calibration.count) seeds the interval held the accuracy on the rest \(covered(calibration)) times")
        }
        return lines.joined(separator: "\n")
    }

    static func json(_ s: Scores, look: FolderLook, adaptation: AdaptationReport?) -> String {
        (try? JSONOutput.text(jsonObject(s, look: look, adaptation: adaptation))) ?? "{}"
    }

    /// `shift.warning` is either check's warning; `shift.score` stays the feature score, and
    /// `shift.stain` gives the stain score apart.
    static func jsonObject(_ s: Scores, look: FolderLook, adaptation: AdaptationReport?) -> [String: Any] {
        let shift = look.features, stain = look.stain
        var object: [String: Any] = [
            "n": s.n, "accuracy": s.accuracy, "macro_f1": s.macroF1, "ece": s.expectedCalibrationError,
            "per_class": s.perClassRecall.mapValues { ["recall": $0] }, "confusion": s.confusion, "labels": s.labels,
            "shift": ["score": shift.map { Double($0.score) } ?? NSNull(), "warning": look.warning,
                      "stain": ["score": stain.map { Double($0.score) } ?? NSNull(), "threshold": stain.map { Double($0.threshold) } ?? NSNull(),
                                "warning": stain?.warning ?? false] as [String: Any]] as [String: Any],
        ]
        if let adaptation { object["adaptation"] = adaptation.json }
        return object
    }
}

/// Reads a small text file for the label readers, with a message that names it.
enum FileBytesReader {
    static func read(_ path: String) throws -> [UInt8] {
        // Through the file layer: a FIFO given as --labels is refused, not waited on.
        guard let bytes = try? RegularFile.contentsIfPresent(path) else {
            throw CommandFailure("cannot read \(DisplayName.escaped(path))")
        }
        return bytes
    }
}
