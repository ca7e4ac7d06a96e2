import HematoReview

struct PictureKey: Hashable, Sendable {
    let index: Int
    let pane: ReviewScreen.Rect
    /// The cells to outline: when they arrive after a first paint, the picture is painted again.
    let cells: [CellOpinion]
}

/// Painted pictures for the last few images and pane sizes, so moving back
/// and forth repaints without decoding or encoding again.
struct PictureCache {
    private var entries: [(PictureKey, String)] = []

    subscript(key: PictureKey) -> String? { entries.first { $0.0 == key }?.1 }

    /// Returns the key it dropped to make room, if any.
    mutating func store(_ key: PictureKey, _ text: String) -> PictureKey? {
        guard self[key] == nil else { return nil }
        entries.append((key, text))
        return entries.count > 8 ? entries.removeFirst().0 : nil
    }
}
