import HematoReview

/// The top line of every screen: the app and the folder on the left, the view's state on the
/// right. The right side wins when the line is short; the folder then keeps its end, marked "…".
enum TitleBar {
    static func draw(folder: String, right: String, theme: Theme, into g: inout CellGrid) {
        let style = theme["title"]
        g.fill(x: 0, y: 0, width: g.width, height: 1, style: style)
        let app = " HematoVision  "
        let room = max(0, g.width - right.count - 1 - app.count)
        g.put(app + DisplayName.escaped(folder).fitted(to: room, keepingEnd: true), x: 0, y: 0, style: style,
              maxWidth: max(0, g.width - right.count - 1))
        g.put(right, x: max(0, g.width - right.count), y: 0, style: style)
    }
}
