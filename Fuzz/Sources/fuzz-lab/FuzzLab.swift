import Foundation
import HematoAdapt

/// A lab file (`$XDG_DATA_HOME/hematovision/labs/NAME.safetensors`): `Lab(decoding:path:)` returns
/// or throws `Lab.Failure`; a lab it accepts is encoded and decoded back to the same lab; and
/// `check(fitting:dimensions:)` against the bundled model's classes and 1,280 features refuses
/// with a sentence or lets through a head that predicts on a feature of that size.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzLab(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let bytes = size == 0 ? Data() : Data(bytes: data!, count: size)
    guard let lab = try? Lab(decoding: bytes, path: "fuzz.safetensors") else { return 0 }
    precondition((try? Lab(decoding: lab.encoded(), path: "again.safetensors")) == lab, "encoded and decoded, the lab changed")
    let modelLabels = ["EOSINOPHIL", "LYMPHOCYTE", "MONOCYTE", "NEUTROPHIL"]
    do {
        try lab.check(fitting: modelLabels, dimensions: 1280)
    } catch {
        precondition(!error.description.isEmpty)
        return 0
    }
    let p = lab.head.probabilities([Float](repeating: 0.5, count: 1280))
    precondition(p.count == modelLabels.count, "a head that fits gives one probability per class")
    for e in lab.examples { precondition(e.feature.count == 1280 && modelLabels.indices.contains(e.label)) }
    return 0
}
