import ArgumentParser
import Foundation
import HematoImage
import HematoNet
import HematoReview

struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Measure decode, preprocessing and inference speed on this machine.",
        discussion: """
            Prints milliseconds per image for each stage, inference at 1 and 2 threads, and the \
            whole decode → classify pipeline with 1 and 2 workers. Training/bench_peers.py runs \
            ONNX Runtime and a Python pipeline on the same images beside it.
            """)

    @Argument(help: "A folder of images to time (default: SampleImages).")
    var folder: String = "SampleImages"

    @Option(help: "Timed passes over the images, after one warm-up pass.")
    var passes: Int = 5

    @Flag(help: "Print one JSON object instead of text.")
    var json = false

    @OptionGroup var modelOptions: ModelOptions

    func run() throws {
        let model = try modelOptions.load()
        let names: [String]
        do { names = try ImageFolder.listRecursively(folder) } catch { throw CommandFailure(error.description) }
        guard !names.isEmpty else { throw CommandFailure("no images in \(DisplayName.escaped(folder))") }
        let paths = names.map { folder + "/" + $0 }
        let covering = model.preprocessing.decodeCovering

        let images = try paths.map { try ImageDecoding.load($0, covering: covering) }
        let decode = try timePerImage(count: paths.count) { for p in paths { _ = try ImageDecoding.load(p, covering: covering) } }
        let tensors = images.map { model.preprocessing.tensor(from: $0) }
        let preprocess = try timePerImage(count: images.count) { for i in images { _ = model.preprocessing.tensor(from: i) } }
        var inference: [Int: Double] = [:]
        for threads in [1, 2] {
            let classifier = try Classifier(model: model, threads: threads)
            inference[threads] = try timePerImage(count: tensors.count) { for t in tensors { _ = try classifier.classify(tensor: t) } }
        }
        var pipeline: [Int: Double] = [:]
        for workers in [1, 2] {
            let batch = BatchClassifier(model: model, workers: workers)
            pipeline[workers] = try timePerImage(count: paths.count) { _ = try batch.run(paths) }
        }
        if json {
            let object: [String: Any] = [
                "images": paths.count, "passes": passes, "decode_ms": decode, "preprocess_ms": preprocess,
                "inference_ms_1_thread": inference[1]!, "inference_ms_2_threads": inference[2]!,
                "pipeline_ms_1_worker": pipeline[1]!, "pipeline_ms_2_workers": pipeline[2]!,
            ]
            print(String(decoding: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]), as: UTF8.self))
            return
        }
        print("\(paths.count) images × \(passes) passes, median pass, milliseconds per image")
        print(String(format: "  decode (TurboJPEG)            %7.2f", decode))
        print(String(format: "  preprocess (box + bilinear)   %7.2f", preprocess))
        print(String(format: "  inference, 1 thread           %7.2f", inference[1]!))
        print(String(format: "  inference, 2 threads          %7.2f", inference[2]!))
        print(String(format: "  whole pipeline, 1 worker      %7.2f", pipeline[1]!))
        print(String(format: "  whole pipeline, 2 workers     %7.2f", pipeline[2]!))
    }

    /// Median over `passes` timed runs (after a warm-up) of `body`, in ms per image.
    func timePerImage(count: Int, _ body: () throws -> Void) throws -> Double {
        try body()
        var samples: [Double] = []
        for _ in 0..<max(1, passes) {
            let start = DispatchTime.now().uptimeNanoseconds
            try body()
            samples.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6 / Double(count))
        }
        return samples.sorted()[samples.count / 2]
    }
}
