import HematoReview

struct PictureKey: Hashable, Sendable {
    let index: Int
    let pane: ReviewScreen.Rect
    /// The cells to outline: when they arrive after a first paint, the picture is painted again.
    let cells: [CellOpinion]
    /// The activation map blended in (nil: none), and whether the picture is zoomed to the cell.
    var overlay: ActivationMap? = nil
    var zoomed = false
    /// A gallery thumbnail: painted beside others (kitty: without deleting the pictures already shown).
    var thumbnail = false
}

/// Painted pictures for the last few images and pane sizes, so moving back
/// and forth repaints without decoding or encoding again.
struct PictureCache {
    private var entries: [(PictureKey, String)] = []
    /// The gallery keeps a page and the next one painted.
    let capacity: Int

    init(capacity: Int = 8) { self.capacity = capacity }

    subscript(key: PictureKey) -> String? { entries.first { $0.0 == key }?.1 }

    /// Returns the key it dropped to make room, if any.
    mutating func store(_ key: PictureKey, _ text: String) -> PictureKey? {
        guard self[key] == nil else { return nil }
        entries.append((key, text))
        return entries.count > capacity ? entries.removeFirst().0 : nil
    }
}

extension PictureKey {
    /// The picture of image `index` as the session wants it shown: its cells, and the activation map
    /// and zoom of the session's picture view.
    init(index: Int, pane: ReviewScreen.Rect, session: ReviewSession) {
        self.init(index: index, pane: pane, cells: session.cells[index] ?? [], overlay: session.overlay(index),
                  zoomed: session.pictureView.zoomed)
    }
}
