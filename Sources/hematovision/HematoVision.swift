import ArgumentParser
import Foundation
import HematoNet
import HematoReview

@main
struct HematoVision: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hematovision",
        abstract: "Review and classify white-blood-cell images in a terminal.",
        discussion: """
            A bundled MobileNetV2 predicts EOSINOPHIL, LYMPHOCYTE, MONOCYTE, NEUTROPHIL or BASOPHIL \
            for each image. `review` lets a person accept or correct each prediction with one key and writes \
            the decisions to labels.csv in the Kaggle blood-cells format as they are made.

            \(ManualSections.helpExamples)
            """,
        version: version,
        subcommands: [Review.self, Classify.self, Merge.self, Evaluate.self, Report.self, Bench.self, Show.self],
        defaultSubcommand: Review.self)

    /// The one place the app's version is written.
    static let version = "0.9.0"

    /// Two things ArgumentParser cannot do with review as the default command: a `--version`
    /// that also names the model in use, and a helpful word for a misspelt command.
    static func main() {
        let arguments = Array(CommandLine.arguments.dropFirst())
        let environment = ProcessInfo.processInfo.environment
        if arguments.first == "--version" {
            print(versionText(environment: environment))
            return
        }
        if arguments == ["--manual-sections"] {  // for Scripts/install.sh; not in --help
            print(ManualSections.mdoc)
            return
        }
        if let first = arguments.first,
           let message = MistypedCommand.message(for: first, commands: configuration.subcommands.map { $0._commandName } + ["help"]) {
            report("Error: \(message)")
            Foundation.exit(ExitCode.validationFailure.rawValue)
        }
        main(arguments)
    }

    /// The version, and the model a command would use here (a different file means different predictions).
    static func versionText(environment: [String: String]) -> String {
        let model: String
        do {
            let file = try ModelOptions.load(nil, environment: environment)
            model = "model \(file.identity) (\(DisplayName.escaped(file.path)))"
        } catch {
            model = "model: \(error)"
        }
        return "hematovision \(version)\n" + model
    }
}

/// Options every command that runs the network shares.
struct ModelOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("A model file to use instead of the bundled one (also HEMATOVISION_MODEL).", valueName: "path"))
    var model: String?

    func load(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> ModelFile {
        try Self.load(model, environment: environment)
    }

    /// `--model`, else `$HEMATOVISION_MODEL`, else the shipped file wherever it was installed
    /// (ModelLocation), else the copy compiled into the binary.
    static func load(_ model: String?, environment: [String: String]) throws -> ModelFile {
        let chosen = model ?? environment["HEMATOVISION_MODEL"].flatMap { $0.isEmpty ? nil : $0 }
        do {
            return try chosen.map { try ModelFile(path: $0) } ?? ModelFile.bundled(environment: environment)
        } catch let error as ModelFileError {
            // The message quotes the file's own header (format, tensor names, values) and its path.
            throw CommandFailure(DisplayName.escaped(error.description))
        }
    }
}

/// An error that is only a message for the person at the terminal.
struct CommandFailure: Error, CustomStringConvertible {
    let description: String
    init(_ message: String) { description = message }
}

/// Writes to standard error (messages never mix with CSV on standard output).
func report(_ message: String) {
    FileHandle.standardError.write(Data((message + "\n").utf8))
}
