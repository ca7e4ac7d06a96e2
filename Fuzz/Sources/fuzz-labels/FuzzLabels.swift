import HematoReview

/// labels.csv: `LabelsFile(bytes:)` must return or throw `LabelsFileError`, and a file it
/// accepts must serialize back to exactly the bytes it was read from (its documented promise).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzLabels(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let bytes = size == 0 ? [] : Array(UnsafeBufferPointer(start: data, count: size))
    guard var file = try? LabelsFile(bytes: bytes) else { return 0 }
    if !bytes.isEmpty {
        precondition(file.serialized() == bytes, "read and written back, the file changed")
    }
    _ = file.displayed()
    if let first = file.rows.first {
        file.setCategories(["FUZZ"], forImage: first.image)
        file.setCategories(["NEW"], forImage: "fuzz-new-row")
        file.removeRow(forImage: first.image)
        _ = file.serialized()
    }
    return 0
}
