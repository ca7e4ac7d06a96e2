import ArgumentParser
import Foundation
import HematoBatch
import HematoFiles
import HematoReview

struct Merge: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Join the labels files that `classify --shard K/N` wrote into one.",
        discussion: """
            The result is byte for byte what one `classify` over the same folders writes. Each \
            shard's FILE.shard.json (written beside it) is checked first: every shard must come \
            from the same model and the same listing of the same folders, and each of the N \
            shards must be given exactly once; a missing shard, a duplicate or a mismatch is \
            refused by name and nothing is written. The exit status is 1 if any image failed in \
            a shard (as classify's), 0 otherwise.

            Example (a Slurm array of 8, see Scripts/classify-array.sbatch):
              hematovision merge labels.csv parts/labels-*.csv
            """)

    @Argument(help: ArgumentHelp("The merged labels file (replaced atomically); - for standard output.", valueName: "out.csv"))
    var output: String

    @Argument(help: ArgumentHelp("The shards' labels files, in any order.", valueName: "shard.csv"))
    var shards: [String]

    @Option(help: ArgumentHelp("Also merge the shards' --probabilities files (each shard's record names its own) into this one.",
                               valueName: "file.jsonl"))
    var probabilities: String?

    func validate() throws {
        guard !shards.isEmpty else { throw ValidationError("give the merged file, then the shards' labels files: merge OUT.csv SHARD.csv...") }
        if shards.contains(output) || shards.map(ShardRecord.path(forLabels:)).contains(output) {
            throw ValidationError("\(DisplayName.escaped(output)) is one of the shards: the merged file needs a name of its own")
        }
    }

    func run() throws {
        let lock = try Classify.takeLock(output, command: "merge")
        defer { lock?.remove() }
        let result: ShardMerge.Result
        let parts: [ShardMerge.Part]
        do {
            parts = try shards.map { path throws(ShardMergeError) in try ShardMerge.Part.load(path, withProbabilities: probabilities != nil) }
            result = try ShardMerge.merge(parts)
        } catch {
            throw CommandFailure(error.description)
        }
        do {
            // A regular file is replaced atomically (AtomicReplace); - and pipes are written into.
            try OutputFile.write(result.labels, to: output)
            if let probabilities, let bytes = result.probabilities { try OutputFile.write(bytes, to: probabilities) }
            // The model's account of the merged rows, as classify leaves beside its own (PreLabelRecord).
            if !SideFile.isStream(output), let labels = try? LabelsFile(bytes: result.labels, name: output) {
                try PreLabelRecord(tool: "merge", model: parts.first?.record.model ?? "", lab: nil, labels: labels,
                                   probabilities: Self.probabilitiesByImage(result.probabilities)).write(besideLabels: output)
            }
        } catch {
            throw CommandFailure("cannot write \(DisplayName.escaped(error.path)): \(error.reason)")
        }
        report("\(result.classified) classified, \(result.failed) failed in \(shards.count) shards"
               + (output == "-" ? "" : " → \(DisplayName.escaped(output))"))
        if result.failed > 0 { throw ExitCode(1) }
    }

    /// The merged probabilities file's lines (each `{"image": KEY, "probabilities": {CLASS: p}, ...}`) by image.
    static func probabilitiesByImage(_ bytes: [UInt8]?) -> [String: [String: Float]] {
        guard let bytes else { return [:] }
        var out: [String: [String: Float]] = [:]
        for line in bytes.split(separator: UInt8(ascii: "\n")) {
            guard let object = try? JSONSerialization.jsonObject(with: Data(line)) as? [String: Any],
                  let image = object["image"] as? String, let p = object["probabilities"] as? [String: Double] else { continue }
            out[image] = p.mapValues { Float($0) }
        }
        return out
    }
}
