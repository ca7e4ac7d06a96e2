import Foundation
import HematoImage

/// The kitty graphics protocol (https://sw.kovidgoyal.net/kitty/graphics-protocol/):
/// raw 24-bit RGB pixels (`f=24`), base64, sent in APC chunks `ESC _ G keys;payload ESC \`
/// of at most 4096 payload bytes, `m=1` on every chunk but the last (`m=0`).
/// `a=T` transmits and displays at the cursor in one go; `c=`/`r=` make the terminal
/// scale the picture into that many cells; `q=2` asks it never to answer.
public enum KittyGraphics {
    /// The protocol's largest payload per chunk (a multiple of 4, so every chunk but the last is whole base64 groups).
    public static let chunkSize = 4096

    /// Transmits `image` and shows it at the cursor, scaled into `columns`×`rows` cells.
    /// `moveCursor: false` (`C=1`) leaves the cursor where it was, as a full-screen program wants.
    public static func display(_ image: RGBImage, columns: Int, rows: Int, moveCursor: Bool = true) -> [UInt8] {
        var keys = "a=T,f=24,s=\(image.width),v=\(image.height),c=\(max(1, columns)),r=\(max(1, rows)),q=2"
        if !moveCursor { keys += ",C=1" }
        return chunked(keys: keys, payload: base64(image.pixels))
    }

    /// Deletes every picture on the screen and frees its pixels (`a=d,d=A`): writing text over
    /// a kitty picture does not remove it, so a program replacing one says so.
    public static let deleteAll: [UInt8] = Array("\u{1B}_Ga=d,d=A,q=2\u{1B}\\".utf8)

    /// The query the probe sends: a 1×1 picture checked, never stored (`a=q`), id 31.
    /// A kitty terminal answers `ESC _ G i=31;OK ESC \`; others ignore it.
    public static let query = "\u{1B}_Gi=31,s=1,v=1,a=q,t=d,f=24;AAAA\u{1B}\\"

    /// Whether a reply the terminal sent (before its DA1 reply) is the kitty "OK" to `query`.
    public static func acceptsQuery(_ reply: String) -> Bool {
        reply.contains("\u{1B}_Gi=31;OK\u{1B}\\")
    }

    /// The first chunk carries `keys`; the others only `m`, as the protocol asks.
    static func chunked(keys: String, payload: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(payload.count + (payload.count / chunkSize + 1) * 16 + keys.utf8.count)
        var start = 0
        repeat {
            let end = min(payload.count, start + chunkSize)
            let more = end < payload.count
            out += Array("\u{1B}_G".utf8)
            if start == 0 { out += Array(keys.utf8) + [UInt8(ascii: ",")] }
            out += Array("m=\(more ? 1 : 0);".utf8)
            out += payload[start..<end]
            out += Array("\u{1B}\\".utf8)
            start = end
        } while start < payload.count
        return out
    }

    /// Standard base64 with `=` padding (RFC 4648 §4), no line breaks: Foundation's.
    static func base64(_ bytes: [UInt8]) -> [UInt8] { Array(Data(bytes).base64EncodedData()) }
}
