import Foundation

/// How pictures are shown. `auto` looks at the environment; `blocks` and
/// `none` are what the user asked for. (Sixel detection is its own issue.)
public enum GraphicsMode: String, CaseIterable, Sendable {
    case auto, sixel, blocks, none
}

public struct TerminalCapabilities: Sendable {
    public let graphics: GraphicsMode
    public let palette: BlockPicture.Palette

    public static func detect(requested: GraphicsMode, environment: [String: String]) -> TerminalCapabilities {
        let colorterm = environment["COLORTERM"]?.lowercased() ?? ""
        let palette: BlockPicture.Palette = colorterm.contains("truecolor") || colorterm.contains("24bit") ? .trueColour : .cube256
        var mode = requested
        if mode == .auto || mode == .sixel { mode = .blocks }
        return TerminalCapabilities(graphics: mode, palette: palette)
    }
}
