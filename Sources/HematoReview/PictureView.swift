/// How the picture pane shows the current image ("why" and zoom): with the activation map
/// of the predicted class over it, zoomed to the cell. View settings, not decisions: they stay as the
/// reviewer moves between images and are never journalled.
public struct PictureView: Equatable, Sendable {
    public var activationMap = false
    public var zoomed = false

    public init(activationMap: Bool = false, zoomed: Bool = false) {
        self.activationMap = activationMap
        self.zoomed = zoomed
    }

    /// The picture view's own reducer: each key turns one setting on or off.
    public enum Action: Equatable, Sendable {
        case toggleActivationMap
        case toggleZoom
    }

    public mutating func reduce(_ action: Action) {
        switch action {
        case .toggleActivationMap: activationMap.toggle()
        case .toggleZoom: zoomed.toggle()
        }
    }
}

extension ReviewSession {
    /// The activation map the picture of `index` is painted with: nil when the overlay is off, the
    /// image's map has not arrived, or blind review still hides this image's answer (the map is the
    /// evidence for the predicted class, so it would hint at it).
    public func overlay(_ index: Int) -> ActivationMap? {
        pictureView.activationMap && !hidesPrediction(index) ? activationMaps[index] : nil
    }

    /// What the sidebar says the picture shows besides the picture itself, so a reviewer always
    /// knows they are looking at a heat map or a part of the image. Empty when it shows just the picture.
    public func pictureViewLines(_ index: Int) -> [String] {
        var lines: [String] = []
        if pictureView.activationMap {
            if hidesPrediction(index) {
                lines.append("activation map once decided")
            } else if let map = activationMaps[index] {
                lines.append("activation map of \(className(map) ?? "class \(map.classIndex)")")
            } else {
                lines.append(opinions[index] == nil ? "activation map (not ready)" : "no activation map here")
            }
        }
        if pictureView.zoomed { lines.append(cells[index]?.first == nil ? "zoomed to the middle" : "zoomed to cell 1") }
        return lines
    }

    /// The name of the class a map is for, escaped (it comes from the model file).
    private func className(_ map: ActivationMap) -> String? {
        modelLabels.indices.contains(map.classIndex) ? DisplayName.escaped(modelLabels[map.classIndex]) : nil
    }

    /// The reducer's part for the picture view: the toggles (each says what it did) and the maps arriving
    /// (which keep the message showing).
    func reducedPictureView(_ action: ReviewAction) -> ReviewSession {
        var next = self
        switch action {
        case .toggleActivationMap:
            next.pictureView.reduce(.toggleActivationMap)
            let what = current.flatMap { hidesPrediction($0) ? nil : activationMaps[$0] }.flatMap(className)
            next.message = next.pictureView.activationMap
                ? "Activation map on: the heat marks the evidence for \(what ?? "the predicted class") (c hides it)."
                : "Activation map off."
        case .toggleZoom:
            next.pictureView.reduce(.toggleZoom)
            next.message = next.pictureView.zoomed ? "Zoomed to the cell (z shows the whole picture)." : "Whole picture."
        case .activationMapFound(let index, let map):
            if names.indices.contains(index) { next.activationMaps[index] = map }  // the message stays
        default:
            break
        }
        return next
    }
}
