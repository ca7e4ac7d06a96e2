import FuzzScratch
import HematoNet

/// The model file: `ModelFile(path:)` (mmap, safetensors header, metadata and tensor checks)
/// on the input as a file must open it or throw `ModelFileError`.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzModelHeader(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let path = ScratchFile.write(UnsafeRawBufferPointer(start: data, count: size))
    if let model = try? ModelFile(path: path) { _ = model.head }
    return 0
}
