import Foundation

/// The safetensors container: an 8-byte little-endian header length, a JSON
/// header (tensor name → dtype, shape, byte range; `__metadata__` → strings),
/// then the raw data. Parsed once from a memory-mapped file, never copied.
/// Every number in the header comes from the file, so every sum and product
/// made of them is overflow-checked: a hostile header is refused, never a trap.
struct SafeTensors {
    struct Entry {
        let dtype: String
        let shape: [Int]
        /// The product of `shape`, known not to overflow.
        let elementCount: Int
        let range: Range<Int>  // relative to the data section
    }

    let metadata: [String: String]
    let entries: [String: Entry]
    let dataStart: Int

    init(_ bytes: UnsafeRawBufferPointer) throws(ModelFileError) {
        guard bytes.count >= 8 else { throw .truncated(size: bytes.count) }
        var length: UInt64 = 0
        for i in 0..<8 { length |= UInt64(bytes[i]) << (8 * UInt64(i)) }
        guard length <= UInt64(bytes.count - 8) else { throw .headerPastEnd(headerLength: length, fileSize: bytes.count) }
        let header = Data(bytes[8..<(8 + Int(length))])
        let json: Any
        do {
            json = try JSONSerialization.jsonObject(with: header)
        } catch {
            throw .malformedHeader((error as NSError).localizedDescription)
        }
        guard let object = json as? [String: Any] else { throw .malformedHeader("the top level is not an object") }
        var metadata: [String: String] = [:]
        var entries: [String: Entry] = [:]
        for (key, value) in object {
            if key == "__metadata__" {
                guard let m = value as? [String: String] else { throw .malformedHeader("__metadata__ must map strings to strings") }
                metadata = m
                continue
            }
            guard let t = value as? [String: Any], let dtype = t["dtype"] as? String,
                  let shape = t["shape"] as? [Int], let offsets = t["data_offsets"] as? [Int], offsets.count == 2 else {
                throw .malformedHeader("tensor \"\(key)\" lacks dtype, shape or data_offsets")
            }
            guard let count = Self.elementCount(shape) else {
                throw .malformedHeader("tensor \"\(key)\" has the shape \(shape), which no file can hold")
            }
            guard offsets[0] >= 0, offsets[0] <= offsets[1] else { throw .dataOutOfRange(tensor: key) }
            entries[key] = Entry(dtype: dtype, shape: shape, elementCount: count, range: offsets[0]..<offsets[1])
        }
        self.metadata = metadata
        self.entries = entries
        self.dataStart = 8 + Int(length)
    }

    /// The number of elements of a shape; nil for a negative side or a product past Int.max.
    static func elementCount(_ shape: [Int]) -> Int? {
        var count = 1
        for side in shape {
            guard side >= 0 else { return nil }
            let (product, overflow) = count.multipliedReportingOverflow(by: side)
            guard !overflow else { return nil }
            count = product
        }
        return count
    }
}
