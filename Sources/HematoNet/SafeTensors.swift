import Foundation

/// The safetensors container: an 8-byte little-endian header length, a JSON
/// header (tensor name → dtype, shape, byte range; `__metadata__` → strings),
/// then the raw data. Parsed once from a memory-mapped file, never copied.
struct SafeTensors {
    struct Entry {
        let dtype: String
        let shape: [Int]
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
            guard offsets[0] >= 0, offsets[0] <= offsets[1] else { throw .dataOutOfRange(tensor: key) }
            entries[key] = Entry(dtype: dtype, shape: shape, range: offsets[0]..<offsets[1])
        }
        self.metadata = metadata
        self.entries = entries
        self.dataStart = 8 + Int(length)
    }
}
