import ArgumentParser
import Foundation
import HematoImage
import HematoNet
import HematoReview
import HematoTerminal

struct Show: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print images with their predictions, without a full screen (a quick look or a demo).",
        discussion: "Pictures are kitty graphics or sixel where the terminal answers for them, coloured half blocks otherwise.")

    @Argument(help: "Image files.")
    var images: [String]

    @Option(help: "How to show pictures: auto, kitty, sixel, blocks or none (also HEMATOVISION_GRAPHICS, then `graphics` in the config file).")
    var graphics: GraphicsMode?

    @Option(help: "Width of each picture in terminal columns.")
    var columns: Int = 64

    @OptionGroup var modelOptions: ModelOptions

    func validate() throws {
        guard (8...400).contains(columns) else { throw ValidationError("--columns must be from 8 to 400") }
    }

    func run() throws {
        let environment = ProcessInfo.processInfo.environment
        let model = try modelOptions.load()
        let classifier = try Classifier(model: model)
        let toTerminal = isatty(STDOUT_FILENO) == 1
        let requested = graphics ?? environment["HEMATOVISION_GRAPHICS"].flatMap(GraphicsMode.init(rawValue:)) ?? Config.user.graphics
            ?? (toTerminal ? .auto : .none)
        let capabilities = TerminalCapabilities.detect(requested: requested, environment: environment)
        if let note = capabilities.note { report(note) }
        var failed = 0
        for path in images {
            let name = DisplayName.escaped(path)
            do {
                let image = try ImageDecoding.load(path)
                let prediction = try classifier.classify(image)
                print(picture(image, capabilities), terminator: "")
                print(Self.summary(name: name, prediction: prediction))
            } catch {
                failed += 1
                print("\(name): cannot show it: \(error)")
            }
            fflush(nil)
        }
        if failed > 0 { throw ExitCode(1) }
    }

    func picture(_ image: RGBImage, _ c: TerminalCapabilities) -> String {
        switch c.graphics {
        case .none, .auto:
            return ""
        case .blocks:
            let size = BlockPicture.fittedSize(imageWidth: image.width, imageHeight: image.height, columns: columns, rows: 10_000)
            return BlockPicture.rows(image, columns: size.columns, rows: size.rows, palette: c.palette).joined(separator: "\n") + "\n"
        case .sixel:
            let width = columns * c.cellWidth
            guard let (bytes, _, _) = try? PicturePainter.sixelSequence(image, width: width, height: image.height * width / image.width,
                                                                        viaTmux: c.viaTmux) else { return "" }
            // The cursor ends on the picture's last text row; start the summary on a fresh line.
            return String(decoding: bytes, as: UTF8.self) + "\n"
        case .kitty:
            // The same cells a sixel picture would cover; kitty leaves the cursor after its last column.
            let width = columns * c.cellWidth
            let (bytes, _, _) = PicturePainter.kittySequence(image, width: width, height: max(1, image.height * width / image.width),
                                                            capabilities: c, moveCursor: true)
            return String(decoding: bytes, as: UTF8.self) + "\n"
        }
    }

    static func summary(name: String, prediction: Prediction) -> String {
        // Labels come from the model file: escaped like names (the loader refuses control characters too).
        let others = prediction.labels.indices.filter { $0 != prediction.topIndex }
            .map { String(format: "%@ %.1f%%", DisplayName.escaped(String(prediction.labels[$0].prefix(3))) as NSString, prediction.probabilities[$0] * 100) }
        return String(format: "%@  %@ %.1f%%  (%@)", name as NSString, DisplayName.escaped(prediction.topLabel) as NSString,
                      prediction.confidence * 100, others.joined(separator: ", ") as NSString)
    }
}
