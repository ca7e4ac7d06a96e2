import Foundation

/// How pictures are shown. `auto` follows the probe; the others are what the user asked for.
public enum GraphicsMode: String, CaseIterable, Sendable {
    case auto, sixel, blocks, none
}

/// What the review screen will use, decided once before curses starts.
public struct TerminalCapabilities: Sendable {
    public let graphics: GraphicsMode
    public let palette: BlockPicture.Palette
    /// Pixels per cell (sixel only; 0 when unknown).
    public let cellWidth: Int
    public let cellHeight: Int
    /// Wrap sixel for tmux's passthrough.
    public let viaTmux: Bool
    /// One line for the status bar when something was not possible (e.g. sixel in tmux without passthrough).
    public let note: String?

    public init(graphics: GraphicsMode, palette: BlockPicture.Palette, cellWidth: Int = 0, cellHeight: Int = 0,
                viaTmux: Bool = false, note: String? = nil) {
        self.graphics = graphics
        self.palette = palette
        self.cellWidth = cellWidth
        self.cellHeight = cellHeight
        self.viaTmux = viaTmux
        self.note = note
    }

    /// Decides the picture mode from the request, the environment and (for auto or sixel) a probe.
    public static func detect(requested: GraphicsMode, environment: [String: String],
                              probe: () -> TerminalProbe = { TerminalProbe.run(environment: ProcessInfo.processInfo.environment) }) -> TerminalCapabilities {
        let colorterm = environment["COLORTERM"]?.lowercased() ?? ""
        let palette: BlockPicture.Palette = colorterm.contains("truecolor") || colorterm.contains("24bit") ? .trueColour : .cube256
        switch requested {
        case .blocks, .none:
            return TerminalCapabilities(graphics: requested, palette: palette)
        case .auto, .sixel:
            let p = probe()
            let cellW = p.cellWidth > 0 ? p.cellWidth : 8, cellH = p.cellHeight > 0 ? p.cellHeight : 16
            if p.inTmux {
                // tmux answers DA1 itself and never says sixel: the outer terminal is unknown,
                // so only an explicit request sends sixel through, and only with passthrough on.
                if requested == .sixel && p.tmuxPassthrough {
                    return TerminalCapabilities(graphics: .sixel, palette: palette, cellWidth: cellW, cellHeight: cellH, viaTmux: true)
                }
                let note = requested == .sixel ? "sixel in tmux needs `set -g allow-passthrough on`; showing blocks" : nil
                return TerminalCapabilities(graphics: .blocks, palette: palette, note: note)
            }
            if p.sixel {
                return TerminalCapabilities(graphics: .sixel, palette: palette, cellWidth: cellW, cellHeight: cellH)
            }
            let note = requested == .sixel ? "this terminal does not report sixel; showing blocks" : nil
            return TerminalCapabilities(graphics: .blocks, palette: palette, note: note)
        }
    }
}
