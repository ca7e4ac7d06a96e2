import ArgumentParser
import Foundation
import HematoFiles
import HematoNet
import HematoReview
import HematoTerminal

struct Classify: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Classify every image under one or more folders, without a screen.",
        discussion: """
            Predictions are written in the dataset's labels.csv format (to standard output unless \
            --output is given). A file that cannot be read, and an image name that is no image file \
            (a dangling link, a link loop, a FIFO, a folder, a name that is not UTF-8), is reported \
            by name and counted as failed; the exit \
            status is 1 if any file failed, 0 otherwise.
            """)

    @Argument(help: "Folders to classify (searched recursively for .jpg, .jpeg, .png, .tif, .tiff, .bmp, .ppm).")
    var folders: [String]

    @Option(name: [.short, .long], help: ArgumentHelp(
        "Write the labels here instead of to standard output: a file is replaced atomically (through a link, keeping its " +
        "mode); a named pipe or a device such as /dev/null is written into, never replaced; - is standard output.",
        valueName: "labels.csv"))
    var output: String?

    @Option(help: ArgumentHelp("Also write one JSON line per image with every class probability.", valueName: "file.jsonl"))
    var probabilities: String?

    @Option(help: "Worker threads, each decoding and classifying its own images (default: `threads` in the config file, else 1).")
    var threads: Int?

    @OptionGroup var modelOptions: ModelOptions
    @OptionGroup var labOptions: LabOptions

    func validate() throws {
        if let threads, !(1...64).contains(threads) { throw ValidationError("--threads must be from 1 to 64") }
    }

    func run() throws {
        let model = try modelOptions.load()
        let lab = try labOptions.load(model: model)
        var items: [(key: String, path: String)] = []
        // Image-named paths that cannot be read as images (dangling links, loops, FIFOs, folders,
        // names that are not UTF-8): each is named and counted as failed, never dropped in silence.
        var skipped: [String] = []
        for folder in folders {
            do {
                let listing = try ImageFolder.scan(folder)
                for (relative, key) in zip(listing.images, LabelsFile.imageKeys(forRelativePaths: listing.images)) {
                    items.append((key, folder + "/" + relative))
                }
                for s in listing.skipped {
                    skipped.append("skipped \(DisplayName.escaped(bytes: Array((folder + "/").utf8) + s.path)): \(s.reason)")
                }
            } catch {
                throw CommandFailure(error.description)
            }
        }
        skipped.forEach(report)
        guard !items.isEmpty else {
            throw CommandFailure("no readable images (\(ImageFolder.imageExtensionsListed)) under \(folders.map(DisplayName.escaped).joined(separator: ", "))"
                                 + (skipped.isEmpty ? "" : "; \(skipped.count) skipped"))
        }

        let bar = ProgressBar(total: items.count, title: "classifying")
        let outcomes = try BatchClassifier(model: model, workers: threads ?? Config.user.threads ?? 1, head: lab?.head).run(items.map(\.path)) { bar.update($0) }
        bar.finish()

        var labels = LabelsFile()
        var lines: [String] = []
        var failures = skipped.count
        for (item, outcome) in zip(items, outcomes) {
            switch outcome {
            case .classified(let p, _, _) where !p.allSatisfy(\.isFinite):
                // Finite weights can still overflow to infinity on a strange picture; NaN is no prediction.
                failures += 1
                report("skipped \(DisplayName.escaped(item.path)): the model's output is not a number (NaN or infinity)")
            case .classified(let p, _, let cells):
                let line: String
                do {
                    line = try JSONLine.prediction(image: item.key, path: item.path, labels: model.labels, probabilities: p, cells: cells,
                                                   wholePicture: cells.isEmpty)
                } catch {
                    failures += 1
                    report("skipped \(DisplayName.escaped(item.path)): cannot write its probabilities as JSON: \(error)")
                    continue
                }
                let top = p.indices.max { p[$0] < p[$1] }!
                // Several classes only when the view found several cells and is confident of them.
                let categories = cells.isEmpty ? [model.labels[top]] : BatchClassifier.FoundCell.categories(cells, labels: model.labels)
                labels.setCategories(categories, forImage: item.key)
                lines.append(line)
            case .failed(let reason):
                failures += 1
                report("skipped \(DisplayName.escaped(item.path)): \(reason)")
            }
        }
        do {
            if let output, output != "-" {
                try OutputFile.write(labels.serialized(), to: output)
            } else if isatty(STDOUT_FILENO) == 1 {
                // A person reads it: names are data and may hold escape sequences.
                FileHandle.standardOutput.write(Data(labels.displayed().utf8))
            } else {
                // A pipe or a file gets the labels.csv bytes, names exactly as they are.
                FileHandle.standardOutput.write(Data(labels.serialized()))
            }
            if let probabilities {
                try OutputFile.write(Array(lines.map { $0 + "\n" }.joined().utf8), to: probabilities)
            }
        } catch {
            throw CommandFailure("cannot write \(DisplayName.escaped(error.path)): \(error.reason)")
        }
        report("\(items.count + skipped.count - failures) classified, \(failures) failed" + (output.flatMap { $0 == "-" ? nil : " → \(DisplayName.escaped($0))" } ?? ""))
        if failures > 0 { throw ExitCode(1) }
    }
}

/// One JSON object per line, built with JSONSerialization so names are escaped properly.
/// JSONSerialization throws on what JSON cannot hold (NaN, infinity): that is an
/// image that failed, never a crash of the whole run.
enum JSONLine {
    /// `wholePicture` marks a prediction made without a cell (no view, or no nucleus found).
    static func prediction(image: String, path: String, labels: [String], probabilities: [Float],
                           cells: [BatchClassifier.FoundCell] = [], wholePicture: Bool = true) throws -> String {
        func rounded(_ p: [Float]) -> [String: Double] {
            Dictionary(uniqueKeysWithValues: zip(labels, p.map { (Double($0) * 1e6).rounded() / 1e6 }))
        }
        let top = probabilities.indices.max { probabilities[$0] < probabilities[$1] }!
        var object: [String: Any] = ["image": image, "path": path, "label": labels[top], "probabilities": rounded(probabilities),
                                     "whole_picture": wholePicture]
        if !cells.isEmpty {
            object["cells"] = cells.map { c -> [String: Any] in
                let best = c.probabilities.indices.max { c.probabilities[$0] < c.probabilities[$1] }!
                return ["box": [c.cell.x, c.cell.y, c.cell.width, c.cell.height], "label": labels[best], "probabilities": rounded(c.probabilities)]
            }
        }
        let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])
        return String(decoding: data, as: UTF8.self)
    }
}
