/// File names may hold anything but "/" and NUL, escape sequences included.
/// Printing one raw could recolour, move or retitle a reviewer's terminal, so
/// every name shown to a person goes through here first.
public enum DisplayName {
    /// Control characters (C0, DEL, C1) and invalid bytes become visible escapes: "\e", "\x07", "\u{9B}".
    public static func escaped(_ name: String) -> String {
        var out = ""
        for scalar in name.unicodeScalars {
            switch scalar.value {
            case 0x1B: out += "\\e"
            case 0x09: out += "\\t"
            case 0x0A: out += "\\n"
            case 0x0D: out += "\\r"
            case 0x00..<0x20, 0x7F: out += "\\x" + hex(scalar.value, width: 2)
            case 0x80..<0xA0, 0x2028, 0x2029, 0x202A...0x202E, 0x2066...0x2069:
                // C1 controls, line separators and bidirectional overrides.
                out += "\\u{" + hex(scalar.value, width: 2) + "}"
            case 0x5C: out += "\\\\"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// A name as the file system holds it: valid UTF-8 is escaped as above, each byte
    /// that is not part of valid UTF-8 becomes "\xFF", so the name shown is the name on disk.
    public static func escaped(bytes: [UInt8]) -> String {
        var out = ""
        var parser = Unicode.UTF8.ForwardParser()
        var input = bytes.makeIterator()
        var offset = 0
        while true {
            switch parser.parseScalar(from: &input) {
            case .valid(let encoded):
                out += escaped(String(decoding: encoded, as: UTF8.self))
                offset += encoded.count
            case .error(let length):
                for byte in bytes[offset..<(offset + length)] { out += "\\x" + hex(UInt32(byte), width: 2) }
                offset += length
            case .emptyInput:
                return out
            }
        }
    }

    private static func hex(_ v: UInt32, width: Int) -> String {
        let s = String(v, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, width - s.count)) + s
    }
}
