import HematoImage
import HematoReview

/// Turns a file into the escape sequences that paint it in the pane: half blocks, sixel or kitty.
public enum PicturePainter {
    /// tmux drops passthrough sequences over 1 MB.
    static let tmuxLimit = 1_000_000

    public static func paint(path: String, pane: ReviewScreen.Rect, capabilities: TerminalCapabilities,
                             cells: [CellOpinion] = [], overlay: ActivationMap? = nil, zoomed: Bool = false,
                             keepingOthers: Bool = false) -> String {
        // Zoom enlarges a part of the picture: decode more pixels so that part still fills the pane.
        let more = zoomed ? 4 : 1
        func load(_ target: (Int, Int)) throws -> RGBImage {
            prepared(try ImageDecoding.load(path, covering: (target.0 * more, target.1 * more)), cells: cells, overlay: overlay, zoomed: zoomed)
        }
        do {
            switch capabilities.graphics {
            case .sixel:
                let target = (pane.width * capabilities.cellWidth, pane.height * capabilities.cellHeight)
                return try sixel(try load(target), pane: pane, capabilities: capabilities)
            case .kitty:
                let target = (pane.width * capabilities.cellWidth, pane.height * capabilities.cellHeight)
                return kitty(try load(target), pane: pane, capabilities: capabilities, keepingOthers: keepingOthers)
            default:
                return BlockPicture.render(try load((pane.width, pane.height * 2)), pane: pane, palette: capabilities.palette)
            }
        } catch {
            return BlockPicture.blank(pane: pane, message: "cannot show this file: \(error)")
        }
    }

    /// The decoded picture as the pane shows it: the activation map blended in, the cells outlined
    /// over it (so the outlines stay crisp), then cut to the cell when zoomed.
    static func prepared(_ picture: RGBImage, cells: [CellOpinion], overlay: ActivationMap?, zoomed: Bool) -> RGBImage {
        let heated = overlay.map { ActivationOverlay.blended(picture, $0) } ?? picture
        let outlined = CellOutlines.drawn(cells, on: heated)
        return zoomed ? ZoomCrop.cropped(outlined, cell: cells.first) : outlined
    }

    /// Blanks the pane's cells (which erases the last picture), then places the new one, centred.
    /// Terminals draw sixel in bands of six pixel rows, so the height is kept to whole bands that
    /// fit the pane: a picture 481 pixels high covered 486, over the message line below the pane.
    static func sixel(_ image: RGBImage, pane: ReviewScreen.Rect, capabilities: TerminalCapabilities) throws -> String {
        let cw = capabilities.cellWidth, ch = capabilities.cellHeight
        let bands = max(6, pane.height * ch / 6 * 6)
        let scale = min(Double(pane.width * cw) / Double(image.width), Double(bands) / Double(image.height))
        let (bytes, w, h) = try sixelSequence(image, width: Int(Double(image.width) * scale),
                                              height: Int(Double(image.height) * scale), viaTmux: capabilities.viaTmux)
        let columns = (w + cw - 1) / cw, rows = ((h + 5) / 6 * 6 + ch - 1) / ch  // the rows its bands cover
        let left = pane.x + (pane.width - columns) / 2, top = pane.y + (pane.height - rows) / 2
        return BlockPicture.blank(pane: pane, message: "") + "\u{1B}[\(top + 1);\(left + 1)H" + String(decoding: bytes, as: UTF8.self)
    }

    /// Deletes the last kitty picture (text written over it would not), blanks the pane, then places
    /// the new one, centred, in the cells a sixel picture of the same size would cover.
    static func kitty(_ image: RGBImage, pane: ReviewScreen.Rect, capabilities: TerminalCapabilities, keepingOthers: Bool = false) -> String {
        let cw = capabilities.cellWidth, ch = capabilities.cellHeight
        let scale = min(Double(pane.width * cw) / Double(image.width), Double(pane.height * ch) / Double(image.height))
        let (bytes, columns, rows) = kittySequence(image, width: Int(Double(image.width) * scale), height: Int(Double(image.height) * scale),
                                                   capabilities: capabilities, moveCursor: false)
        let left = pane.x + (pane.width - columns) / 2, top = pane.y + (pane.height - rows) / 2
        return (keepingOthers ? "" : clearing(capabilities)) + BlockPicture.blank(pane: pane, message: "") + "\u{1B}[\(top + 1);\(left + 1)H"
            + String(decoding: bytes, as: UTF8.self)
    }

    /// What removes pictures that curses cannot see: kitty's delete (wrapped for tmux when it must be);
    /// nothing for sixel and blocks, which are text cells that curses repaints.
    public static func clearing(_ capabilities: TerminalCapabilities) -> String {
        guard capabilities.graphics == .kitty else { return "" }
        let bytes = capabilities.viaTmux ? SixelEncoder.tmuxPassthrough(KittyGraphics.deleteAll) : KittyGraphics.deleteAll
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The picture resampled to `width`×`height` pixels and sent as kitty graphics, scaled into the
    /// cells those pixels cover; wrapped for tmux when asked, halved until it fits tmux's limit.
    /// Returns the sequence and the cells it covers.
    public static func kittySequence(_ image: RGBImage, width: Int, height: Int, capabilities: TerminalCapabilities,
                                     moveCursor: Bool) -> ([UInt8], Int, Int) {
        let cw = max(1, capabilities.cellWidth), ch = max(1, capabilities.cellHeight)
        var w = max(1, width), h = max(1, height)
        var bytes: [UInt8] = []
        repeat {
            bytes = KittyGraphics.display(Resampling.resized(image, width: w, height: h),
                                          columns: (width + cw - 1) / cw, rows: (height + ch - 1) / ch, moveCursor: moveCursor)
            if capabilities.viaTmux { bytes = SixelEncoder.tmuxPassthrough(bytes) }
            if capabilities.viaTmux && bytes.count > tmuxLimit { w /= 2; h /= 2 } else { break }
        } while w > 16
        return (bytes, (width + cw - 1) / cw, (height + ch - 1) / ch)
    }

    /// The picture at `width`×`height` as one sixel sequence, wrapped for tmux when asked,
    /// halved until it fits tmux's limit. Returns the size it was finally encoded at.
    public static func sixelSequence(_ image: RGBImage, width: Int, height: Int, viaTmux: Bool) throws -> ([UInt8], Int, Int) {
        var w = max(1, width), h = max(1, height)
        var bytes: [UInt8] = []
        repeat {
            bytes = try SixelEncoder.encode(Resampling.resized(image, width: w, height: h))
            if viaTmux { bytes = SixelEncoder.tmuxPassthrough(bytes) }
            if viaTmux && bytes.count > tmuxLimit { w /= 2; h /= 2 } else { break }
        } while w > 16
        return (bytes, w, h)
    }
}
