import ArgumentParser
import Foundation
import HematoImage
import HematoNet
import HematoReview
import HematoTerminal

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

    @Option(help: ArgumentHelp("Instead: time the review screen on this folder (first screen, key → next picture).", valueName: "folder"))
    var review: String?

    @Option(help: ArgumentHelp("Instead: time refitting to a lab after 100 and 1,000 decisions on this folder's images.", valueName: "folder"))
    var adapt: String?

    @OptionGroup var modelOptions: ModelOptions
    @OptionGroup var precisionOptions: PrecisionOptions

    func run() throws {
        if let review { return try benchReview(review) }
        if let adapt { return try benchAdaptation(adapt) }
        let model = try modelOptions.load()
        let precision = try precisionOptions.load(model: model)
        let names: [String]
        do { names = try ImageFolder.listRecursively(folder) } catch { throw CommandFailure(error.description) }
        guard !names.isEmpty else { throw CommandFailure("no images in \(DisplayName.escaped(folder))") }
        let paths = names.map { folder + "/" + $0 }
        let covering = model.decodeCovering

        let images = try paths.map { try ImageDecoding.load($0, covering: covering) }
        let decode = try timePerImage(count: paths.count) { for p in paths { _ = try ImageDecoding.load(p, covering: covering) } }
        let tensors = images.map { model.preprocessing.tensor(from: $0) }
        let preprocess = try timePerImage(count: images.count) { for i in images { _ = model.preprocessing.tensor(from: i) } }
        let findCells = try timePerImage(count: images.count) { for i in images { _ = NucleusFinder.find(i) } }
        // Inference in the chosen precision and, for int8, in fp32 too: both from the same run.
        var inference: [Int: Double] = [:], fp32Inference: [Int: Double] = [:]
        for threads in [1, 2] {
            let classifier = try Classifier(model: model, threads: threads, precision: precision)
            inference[threads] = try timePerImage(count: tensors.count) { for t in tensors { _ = try classifier.classify(tensor: t) } }
            if precision != .fp32 {
                let reference = try Classifier(model: model, threads: threads)
                fp32Inference[threads] = try timePerImage(count: tensors.count) { for t in tensors { _ = try reference.classify(tensor: t) } }
            }
        }
        var pipeline: [Int: Double] = [:]
        for workers in [1, 2] {
            let batch = BatchClassifier(model: model, workers: workers, precision: precision)
            pipeline[workers] = try timePerImage(count: paths.count) { _ = try batch.run(paths) }
        }
        if json {
            var object: [String: Any] = [
                "images": paths.count, "passes": passes, "precision": precision.name, "decode_ms": decode, "preprocess_ms": preprocess, "find_cells_ms": findCells,
                "inference_ms_1_thread": inference[1]!, "inference_ms_2_threads": inference[2]!,
                "pipeline_ms_1_worker": pipeline[1]!, "pipeline_ms_2_workers": pipeline[2]!,
            ]
            if !fp32Inference.isEmpty {
                object["fp32_inference_ms_1_thread"] = fp32Inference[1]!
                object["fp32_inference_ms_2_threads"] = fp32Inference[2]!
            }
            print(String(decoding: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]), as: UTF8.self))
            return
        }
        print("\(paths.count) images × \(passes) passes, median pass, milliseconds per image, \(precision.name) network")
        print(String(format: "  decode (TurboJPEG)            %7.2f", decode))
        print(String(format: "  preprocess (box + bilinear)   %7.2f", preprocess))
        print(String(format: "  find cells (nucleus finder)   %7.3f", findCells))
        print(String(format: "  inference, 1 thread           %7.2f", inference[1]!))
        print(String(format: "  inference, 2 threads          %7.2f", inference[2]!))
        if !fp32Inference.isEmpty {
            print(String(format: "  fp32 inference, 1 thread      %7.2f  (same run, for comparison)", fp32Inference[1]!))
            print(String(format: "  fp32 inference, 2 threads     %7.2f", fp32Inference[2]!))
        }
        print(String(format: "  whole pipeline, 1 worker      %7.2f", pipeline[1]!))
        print(String(format: "  whole pipeline, 2 workers     %7.2f", pipeline[2]!))
    }

    /// What the review loop does before a person sees anything, and per key press,
    /// measured in-process on a 120×40 screen (the terminal's own drawing not included).
    func benchReview(_ folder: String) throws {
        let model = try modelOptions.load()
        let clock = { Double(DispatchTime.now().uptimeNanoseconds) / 1e6 }
        let start = clock()
        let names: [String]
        do { names = try ImageFolder.scan(folder).images } catch { throw CommandFailure(error.description) }  // as review walks it
        let listed = clock()
        let labels = FileManager.default.contents(atPath: folder + "/labels.csv").flatMap { try? LabelsFile(bytes: [UInt8]($0)) } ?? LabelsFile()
        var session = ReviewSession(names: names, modelLabels: model.labels, existing: labels)
        let screen = ReviewScreen(folderName: folder, graphicsMode: .blocks, theme: .builtIn)
        var grid = CellGrid(width: 120, height: 40)
        let pane = screen.draw(session, into: &grid)!
        let blocks = TerminalCapabilities(graphics: .blocks, palette: .trueColour)
        func picture(_ index: Int) -> String {
            PicturePainter.paint(path: folder + "/" + names[index], pane: pane, capabilities: blocks)
        }
        let bytes = picture(session.current!).utf8.count
        let first = clock()
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        var steps: [Double] = []
        for _ in 0..<min(50, names.count - 1) {
            let t = clock()
            session = session.reduce(.next).0
            var g = CellGrid(width: 120, height: 40)
            _ = screen.draw(session, into: &g)
            _ = picture(session.current!)
            steps.append(clock() - t)
        }
        steps.sort()
        // Sixel: the encoder alone on a 400×300 picture, and key → next picture painted as sixel
        // (6×13-pixel cells as in xterm), each from a fresh decode, no cache.
        let sample = try ImageDecoding.load(folder + "/" + names[0])
        let small = Resampling.resized(sample, width: 400, height: 300)
        var encodes: [Double] = []
        for _ in 0..<20 {
            let t = clock()
            _ = try SixelEncoder.encode(small)
            encodes.append(clock() - t)
        }
        encodes.sort()
        let sixelTerminal = TerminalCapabilities(graphics: .sixel, palette: .trueColour, cellWidth: 6, cellHeight: 13)
        var sixelSteps: [Double] = []
        for i in 0..<min(20, names.count) {
            let t = clock()
            session = session.reduce(.next).0
            var g = CellGrid(width: 120, height: 40)
            _ = screen.draw(session, into: &g)
            _ = PicturePainter.paint(path: folder + "/" + names[i], pane: pane, capabilities: sixelTerminal)
            sixelSteps.append(clock() - t)
        }
        sixelSteps.sort()
        print("review screen on \(names.count) files (120×40 cells, true-colour blocks)")
        print(String(format: "  list the folder                %8.1f ms", listed - start))
        print(String(format: "  first screen drawn             %8.1f ms  (picture: %d bytes of escapes)", first - start, bytes))
        print(String(format: "  key → next picture, median     %8.1f ms  (max %.1f ms, %d presses)", steps[steps.count / 2], steps.last ?? 0, steps.count))
        print(String(format: "  memory (max resident)          %8.1f MB", Double(usage.ru_maxrss) / 1024))
        print(String(format: "  sixel: encode 400×300, median  %8.1f ms", encodes[encodes.count / 2]))
        print(String(format: "  sixel: key → next picture      %8.1f ms  (median; max %.1f ms; %d×%d pixels)", sixelSteps[sixelSteps.count / 2],
                     sixelSteps.last ?? 0, pane.width * 6, pane.height * 13))
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
