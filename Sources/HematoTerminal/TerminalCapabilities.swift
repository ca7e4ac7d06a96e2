import Foundation

/// How pictures are shown. `auto` follows the probe; the others are what the user asked for.
public enum GraphicsMode: String, CaseIterable, Sendable {
    case auto, kitty, sixel, blocks, none
}

/// What the review screen will use, decided once before curses starts.
public struct TerminalCapabilities: Sendable {
    public let graphics: GraphicsMode
    public let palette: BlockPicture.Palette
    /// Pixels per cell (sixel and kitty only; 0 when unknown).
    public let cellWidth: Int
    public let cellHeight: Int
    /// Wrap sixel or kitty pictures for tmux's passthrough.
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

    /// Decides the picture mode from the request, the environment and (for auto, kitty or sixel) a probe.
    /// `auto` prefers kitty, then sixel, then blocks; inside tmux it never picks kitty or sixel.
    public static func detect(requested: GraphicsMode, environment: [String: String],
                              probe: () -> TerminalProbe = { TerminalProbe.run(environment: ProcessInfo.processInfo.environment) }) -> TerminalCapabilities {
        let colorterm = environment["COLORTERM"]?.lowercased() ?? ""
        let palette: BlockPicture.Palette = colorterm.contains("truecolor") || colorterm.contains("24bit") ? .trueColour : .cube256
        switch requested {
        case .blocks, .none:
            return TerminalCapabilities(graphics: requested, palette: palette)
        case .auto, .sixel, .kitty:
            let p = probe()
            let cellW = p.cellWidth > 0 ? p.cellWidth : 8, cellH = p.cellHeight > 0 ? p.cellHeight : 16
            if p.inTmux {
                // tmux answers DA1 itself and never says sixel, nor passes kitty's query: the outer
                // terminal is unknown, so only an explicit request sends pictures through, and only
                // with passthrough on.
                if requested != .auto && p.tmuxPassthrough {
                    return TerminalCapabilities(graphics: requested, palette: palette, cellWidth: cellW, cellHeight: cellH, viaTmux: true)
                }
                let note = requested != .auto ? "\(requested.rawValue) in tmux needs `set -g allow-passthrough on`; showing blocks" : nil
                return TerminalCapabilities(graphics: .blocks, palette: palette, note: note)
            }
            // An explicit kitty request is obeyed even when the terminal did not answer the query.
            if requested == .kitty || (requested == .auto && p.kitty) {
                return TerminalCapabilities(graphics: .kitty, palette: palette, cellWidth: cellW, cellHeight: cellH)
            }
            if p.sixel {
                return TerminalCapabilities(graphics: .sixel, palette: palette, cellWidth: cellW, cellHeight: cellH)
            }
            let note = requested == .sixel ? "this terminal does not report sixel; showing blocks" : nil
            return TerminalCapabilities(graphics: .blocks, palette: palette, note: note)
        }
    }
}
