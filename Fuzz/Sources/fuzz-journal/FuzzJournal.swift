import FuzzScratch
import HematoReview

/// The review journal: `Journal.read(path:)` on the input as a file must return entries
/// or throw `Journal.Failure` (its signature allows nothing else; a trap is the bug).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzJournal(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let path = ScratchFile.write(UnsafeRawBufferPointer(start: data, count: size))
    _ = try? Journal.read(path: path)
    return 0
}
