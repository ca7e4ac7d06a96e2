import ArgumentParser
import Foundation
import HematoAdapt
import HematoNet
import HematoReview

/// `--lab NAME`, shared by review, classify and evaluate: the adaptation a
/// reviewer's decisions built up across folders (Lab). Without the option the
/// config file's `lab = NAME` is used, if any.
struct LabOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Use and build up the named lab: a head fitted on your decisions across folders, kept in $XDG_DATA_HOME/hematovision/labs/NAME.safetensors. Default: `lab` in the config file.", valueName: "name"))
    var lab: String?

    /// The lab's name in force, from the option or the config file.
    func name(config: Config = .user) -> String? {
        lab ?? config.values["lab"]
    }

    /// For commands that only read a lab: it must exist.
    func load(model: ModelFile) throws -> Lab? {
        guard let name = name() else { return nil }
        let environment = ProcessInfo.processInfo.environment
        let lab: Lab?
        do { lab = try Lab.load(name: name, model: model.identity, labels: model.labels, dimensions: model.head.dimensions,
                                  environment: environment) } catch { throw CommandFailure(error.description) }
        guard let lab else {
            throw CommandFailure("there is no lab \(DisplayName.escaped(name)) yet (\(DisplayName.escaped(Lab.path(name: name, environment: environment)))); `hematovision review FOLDER --lab \(DisplayName.escaped(name))` makes one")
        }
        return lab
    }
}
