import ArgumentParser
import HematoNet
import HematoReview

/// `--precision fp32|int8`, shared by classify, evaluate and bench.
struct PrecisionOptions: ParsableArguments {
    enum Name: String, ExpressibleByArgument, CaseIterable { case fp32, int8 }

    @Option(help: ArgumentHelp(
        "The network's arithmetic: fp32 (default), or int8 (per-channel int8 weights, int8 activations with ranges " +
        "from the model's calibration sidecar NAME.int8.json, built in for the shipped model).", valueName: "fp32|int8"))
    var precision: Name = .fp32

    /// The precision for `model`; int8 finds and checks the model's calibration.
    func load(model: ModelFile) throws -> Precision {
        switch precision {
        case .fp32: return .fp32
        case .int8:
            do { return .int8(try Int8Calibration.forModel(model)) } catch { throw CommandFailure(DisplayName.escaped(error.description)) }
        }
    }
}
