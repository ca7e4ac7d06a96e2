import ArgumentParser
import Foundation
import HematoAdapt
import HematoBatch
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

            --shard K/N classifies only the images whose path (relative to its folder) hashes to \
            shard K of N, the same split on every machine, and writes FILE.shard.json beside \
            --output FILE for `hematovision merge`. Rerunning a shard rewrites the same bytes.
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

    @Option(help: "Worker threads, each decoding and classifying its own images (default: `threads` in the config file, else one per core this process may use).")
    var threads: Int?

    @Option(help: ArgumentHelp(
        "Classify only part K of N (a stable hash of each image's path relative to its folder), for a Slurm array job; " +
        "needs --output FILE, beside which FILE.shard.json is written for `hematovision merge`.",
        valueName: "K/N"))
    var shard: String?

    @OptionGroup var modelOptions: ModelOptions
    @OptionGroup var precisionOptions: PrecisionOptions
    @OptionGroup var labOptions: LabOptions

    func validate() throws {
        if let threads, !(1...64).contains(threads) { throw ValidationError("--threads must be from 1 to 64") }
        if let shard {
            do { _ = try Shard(parsing: shard) } catch { throw ValidationError(error.description) }
            guard let output, output != "-" else {
                throw ValidationError("--shard needs --output FILE: merge reads each shard's labels file and the FILE.shard.json written beside it")
            }
        }
    }

    func run() throws {
        // A review open on the output would have its decisions overwritten: refused like a second reviewer.
        let lock = try output.flatMap { try Self.takeLock($0, command: "classify") }
        defer { lock?.remove() }
        let model = try modelOptions.load()
        let lab = try labOptions.load(model: model)
        let precision = try precisionOptions.load(model: model)
        let shard = try self.shard.map { try Shard(parsing: $0) }
        // With --shard, only this shard's images; `place` is each one's place in the whole listing.
        var items: [(key: String, path: String, place: Int)] = []
        var listings: [ImageFolder.Listing] = []
        // Image-named paths that cannot be read as images (dangling links, loops, FIFOs, folders,
        // names that are not UTF-8): each is named and counted as failed, never dropped in silence.
        var skipped: [String] = []
        for folder in folders {
            do {
                let listing = try ImageFolder.scan(folder)
                let start = listings.reduce(0) { $0 + $1.images.count }
                listings.append(listing)
                // Keys over the whole listing (a number is kept only when no other image has it), then the shard's part,
                // so every shard names an image as one classify would.
                let keys = LabelsFile.imageKeys(forRelativePaths: listing.images)
                for (i, (relative, key)) in zip(listing.images, keys).enumerated()
                where shard?.contains(relativePath: relative.utf8) ?? true {
                    items.append((key, folder + "/" + relative, start + i))
                }
                for s in listing.skipped where shard?.contains(relativePath: s.path) ?? true {
                    skipped.append("skipped \(DisplayName.escaped(bytes: Array((folder + "/").utf8) + s.path)): \(s.reason)")
                }
            } catch {
                throw CommandFailure(error.description)
            }
        }
        skipped.forEach(report)
        // A shard may hold none of the images; the listing as a whole may not be empty.
        guard !items.isEmpty || (shard != nil && listings.contains { !$0.images.isEmpty }) else {
            throw CommandFailure("no readable images (\(ImageFolder.imageExtensionsListed)) under \(folders.map(DisplayName.escaped).joined(separator: ", "))"
                                 + (skipped.isEmpty ? "" : "; \(skipped.count) skipped"))
        }

        let bar = ProgressBar(total: items.count, title: "classifying")
        let outcomes = try BatchClassifier(model: model, workers: Config.user.workerThreads(option: threads), head: lab?.head, precision: precision).run(items.map(\.path)) { bar.update($0) }
        bar.finish()

        var labels = LabelsFile()
        var lines: [String] = []
        var failures = skipped.count
        var recorded: [ShardRecord.Item] = []  // for --shard: each image's place, and its key unless it failed
        var modelProbabilities: [String: [String: Float]] = [:]  // for the record of the labels the model wrote
        for (item, outcome) in zip(items, outcomes) {
            recorded.append(ShardRecord.Item(index: item.place, key: nil))
            switch outcome {
            case .classified(let p, _, _, _) where !p.allSatisfy(\.isFinite):
                // Finite weights can still overflow to infinity on a strange picture; NaN is no prediction.
                failures += 1
                report("skipped \(DisplayName.escaped(item.path)): the model's output is not a number (NaN or infinity)")
            case .classified(let p, _, let cells, _):
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
                modelProbabilities[item.key] = Dictionary(zip(model.labels, p), uniquingKeysWith: { a, _ in a })
                lines.append(line)
                recorded[recorded.count - 1].key = item.key
            case .failed(let reason):
                failures += 1
                report("skipped \(DisplayName.escaped(item.path)): \(reason)")
            }
        }
        do {
            if let output, output != "-" {
                try OutputFile.write(labels.serialized(), to: output)
                // Beside a labels file (not a shard's part, which merge records), the model's account of
                // its rows: review and report then count them as pre-labelled, never as reviewed.
                if shard == nil, !SideFile.isStream(output) {
                    try PreLabelRecord(tool: "classify", model: Self.predictorIdentity(model: model, lab: lab), lab: lab?.name,
                                       labels: labels, probabilities: modelProbabilities).write(besideLabels: output)
                }
            } else if isatty(STDOUT_FILENO) == 1 {
                // A person reads it: names are data and may hold escape sequences.
                FileHandle.standardOutput.write(Data(labels.displayed().utf8))
            } else {
                // A pipe or a file gets the labels.csv bytes, names exactly as they are.
                FileHandle.standardOutput.write(Data(labels.serialized()))
            }
            let probabilityBytes = Array(lines.map { $0 + "\n" }.joined().utf8)
            if let probabilities {
                try OutputFile.write(probabilityBytes, to: probabilities)
            }
            // Last, so a record names only bytes already written: a task stopped before this
            // leaves an old record or none, which merge refuses until the shard is rerun.
            if let shard, let output {
                let record = ShardRecord(
                    shard: shard, model: Self.predictorIdentity(model: model, lab: lab), folders: folders,
                    listing: ShardRecord.listing(listings), unreadable: skipped.count, items: recorded, labels: labels.serialized(),
                    probabilities: probabilities.map { .init(path: Self.absolute($0), fnv1a64: ShardRecord.hash(probabilityBytes)) })
                try AtomicReplace.write(record.serialized(), to: ShardRecord.path(forLabels: output), mode: FilePermissions.forData(beside: output))
            }
        } catch {
            throw CommandFailure("cannot write \(DisplayName.escaped(error.path)): \(error.reason)")
        }
        report("\(items.count + skipped.count - failures) classified, \(failures) failed" + (output.flatMap { $0 == "-" ? nil : " → \(DisplayName.escaped($0))" } ?? "")
               + (shard.map { " (shard \($0))" } ?? ""))
        if failures > 0 { throw ExitCode(1) }
    }

    /// The labels lock on `output` when it is a file to be replaced (not -, a pipe or a device).
    static func takeLock(_ output: String, command: String) throws -> LockFile? {
        guard OutputFile.replacesFile(output) else { return nil }
        do {
            return try LabelsLock.take(output, holder: LabelsLock.holder("hematovision \(command)"))
        } catch .locked(let holder) {
            let who = DisplayName.escaped(holder.trimmingCharacters(in: .whitespacesAndNewlines))
            throw CommandFailure("\(DisplayName.escaped(output)) is open in a review (\(who.isEmpty ? "holder unknown" : who)); \(command) would " +
                                 "overwrite its decisions. Wait for the review to end, or write to another file.")
        } catch .lockFile(_, let e) where e != .symbolicLink(path: e.path) {
            throw CommandFailure("cannot write \(DisplayName.escaped(output)): its lock file \(DisplayName.escaped(e.path)): \(e.reason)")
        } catch {
            throw CommandFailure("\(error)")
        }
    }

    /// What made the predictions: the model file, and the lab's head when one replaced the model's.
    static func predictorIdentity(model: ModelFile, lab: Lab?) -> String {
        guard let lab else { return model.identity }
        let h = lab.head
        var bytes: [UInt8] = []
        for f in h.weights + h.bias + [h.temperature] { withUnsafeBytes(of: f.bitPattern.littleEndian) { bytes += $0 } }
        return model.identity + " with lab " + lab.name + " (head " + ShardRecord.hash(bytes) + ")"
    }

    /// The path from the root, so merge finds the file from wherever it runs.
    static func absolute(_ path: String) -> String {
        path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
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
