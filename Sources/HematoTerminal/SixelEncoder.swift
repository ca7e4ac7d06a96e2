import CSixel
import HematoImage

/// Every call into libsixel goes through here. An RGB picture becomes one
/// DCS … ST sixel sequence (256-colour palette fitted to the picture).
public enum SixelEncoder {
    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    /// Collects what libsixel writes; reached through the callback's `priv` pointer.
    private final class Sink {
        var bytes: [UInt8] = []
    }

    public static func encode(_ image: RGBImage) throws(Failure) -> [UInt8] {
        let sink = Sink()
        sink.bytes.reserveCapacity(image.width * image.height / 2)
        var output: OpaquePointer?
        let write: sixel_write_function = { data, size, priv in
            guard let data, let priv, size > 0 else { return 0 }
            let sink = Unmanaged<Sink>.fromOpaque(priv).takeUnretainedValue()
            data.withMemoryRebound(to: UInt8.self, capacity: Int(size)) {
                sink.bytes.append(contentsOf: UnsafeBufferPointer(start: $0, count: Int(size)))
            }
            return size
        }
        let priv = Unmanaged.passUnretained(sink).toOpaque()
        guard sixel_output_new(&output, write, priv, nil) == SIXEL_OK, let output else {
            throw Failure(description: "libsixel could not start an output")
        }
        defer { sixel_output_unref(output) }
        var dither: OpaquePointer?
        guard sixel_dither_new(&dither, 256, nil) == SIXEL_OK, let dither else {
            throw Failure(description: "libsixel could not start a palette")
        }
        defer { sixel_dither_unref(dither) }
        // libsixel dithers the buffer it is given in place: hand it a copy, never the cached picture.
        var pixels = image.pixels
        let status: SIXELSTATUS = pixels.withUnsafeMutableBufferPointer { p in
            let initialised = sixel_dither_initialize(dither, p.baseAddress, Int32(image.width), Int32(image.height),
                                                      Int32(SIXEL_PIXELFORMAT_RGB888), Int32(SIXEL_LARGE_AUTO),
                                                      Int32(SIXEL_REP_AUTO), Int32(SIXEL_QUALITY_AUTO))
            guard initialised == SIXEL_OK else { return initialised }
            return sixel_encode(p.baseAddress, Int32(image.width), Int32(image.height), 3, dither, output)
        }
        withExtendedLifetime(sink) {}
        guard status == SIXEL_OK else { throw Failure(description: "libsixel failed to encode (status \(status))") }
        return sink.bytes
    }

    /// The same sequence wrapped for tmux's passthrough: `ESC Ptmux;` + every ESC doubled + `ESC \`.
    public static func tmuxPassthrough(_ sixel: [UInt8]) -> [UInt8] {
        var out: [UInt8] = Array("\u{1B}Ptmux;".utf8)
        out.reserveCapacity(sixel.count + sixel.count / 64 + 16)
        for b in sixel {
            if b == 0x1B { out.append(0x1B) }
            out.append(b)
        }
        return out + Array("\u{1B}\\".utf8)
    }
}
