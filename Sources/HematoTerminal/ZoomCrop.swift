import HematoImage
import HematoReview

/// The part of a picture that zoom shows, enlarged to the pane: the first white cell the model's view
/// found (its nucleus box, which holds most of a white cell) in a square with a margin; without a cell, the middle half.
public enum ZoomCrop {
    /// The square's side in nucleus boxes: the box and a quarter of it each way. (The canonical view cuts
    /// 2.2×, which in these fields is most of the picture: no zoom at all.)
    public static let sideInNuclei: Float = 1.5

    /// The rectangle to show, in pixels of a `width`×`height` picture, always inside it: a square centred
    /// on the cell's nucleus box (shifted in from the edges, narrower only where the picture is).
    public static func region(cell: CellOpinion?, width: Int, height: Int) -> (x: Int, y: Int, width: Int, height: Int) {
        guard width > 0, height > 0 else { return (0, 0, width, height) }
        guard let cell else { return (width / 4, height / 4, max(1, width / 2), max(1, height / 2)) }
        let boxW = cell.width * Float(width), boxH = cell.height * Float(height)
        let centreX = (cell.x + cell.width / 2) * Float(width), centreY = (cell.y + cell.height / 2) * Float(height)
        let side = max(16, Int((max(boxW, boxH) * sideInNuclei).rounded()))
        let cw = min(side, width), ch = min(side, height)
        let x = min(max(0, Int((centreX - Float(cw) / 2).rounded())), width - cw)
        let y = min(max(0, Int((centreY - Float(ch) / 2).rounded())), height - ch)
        return (x, y, cw, ch)
    }

    /// `picture` cut to `region`.
    public static func cropped(_ picture: RGBImage, cell: CellOpinion?) -> RGBImage {
        let r = region(cell: cell, width: picture.width, height: picture.height)
        return Resampling.cropped(picture, x: r.x, y: r.y, width: r.width, height: r.height) ?? picture
    }
}
