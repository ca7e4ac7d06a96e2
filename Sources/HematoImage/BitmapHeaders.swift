/// Reads the picture size out of BMP and PPM headers, so a file that claims
/// 60000×60000 is refused before tjLoadImage allocates for it.
enum BitmapHeaders {
    static func bmpSize(_ b: [UInt8], path: String) throws(ImageError) -> (Int, Int) {
        guard b.count >= 26 else { throw .truncated(path: path) }
        func int32(_ at: Int) -> Int32 {
            Int32(bitPattern: UInt32(b[at]) | UInt32(b[at + 1]) << 8 | UInt32(b[at + 2]) << 16 | UInt32(b[at + 3]) << 24)
        }
        let width = Int(int32(18))
        let height = Int(int32(22)).magnitude  // negative height = rows stored top-down
        return (width, Int(height))
    }

    static func ppmSize(_ b: [UInt8], path: String) throws(ImageError) -> (Int, Int) {
        // "P6" then width, height, maxval as ASCII numbers separated by whitespace or # comments.
        var numbers: [Int] = []
        var i = 2
        while numbers.count < 3 && i < b.count {
            let c = b[i]
            if c == UInt8(ascii: "#") {
                while i < b.count && b[i] != 10 { i += 1 }
            } else if (48...57).contains(c) {
                var value = 0
                while i < b.count, (48...57).contains(b[i]) {
                    value = min(value * 10 + Int(b[i] - 48), Int(Int32.max))
                    i += 1
                }
                numbers.append(value)
                continue
            }
            i += 1
        }
        guard numbers.count == 3 else { throw .truncated(path: path) }
        return (numbers[0], numbers[1])
    }
}
