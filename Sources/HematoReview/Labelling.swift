extension ReviewSession {
    /// Labels and decisions, a sub-state of the session: each image's label and who set it, the
    /// counts kept as labels change (a folder of 100,000 labels is not recounted at every key), and
    /// the undo stack.
    public struct Labelling: Equatable, Sendable {
        public internal(set) var labels: [Int: Label] = [:]
        /// Cells per class over `labels`, and the images with several classes: `differential`'s input.
        private var cellCounts: [String: Int] = [:]
        private var multiLabelImages = 0
        /// Labels of each source (ReviewSession+Provenance.swift reads them).
        public private(set) var sourceCounts: [Source: Int] = [:]
        public internal(set) var undoStack: [Undo] = []

        public enum Action: Equatable, Sendable {
            /// Image `index` now has this label (nil: none).
            case set(index: Int, Label?)
            /// A decision's way back, for `u`.
            case pushUndo(Undo)
        }

        public init() {}

        public mutating func reduce(_ action: Action) {
            switch action {
            case .set(let index, let label): setLabel(label, at: index)
            case .pushUndo(let undo): undoStack.append(undo)
            }
        }

        /// The last decision's way back, taken off the stack.
        public mutating func popUndo() -> Undo? { undoStack.popLast() }

        /// The differential of the labels so far, counted as `hematovision report` counts labels.csv:
        /// every class of a multi-label is a cell.
        public var differential: Differential { Differential(counts: cellCounts, multiLabelImages: multiLabelImages) }

        private mutating func setLabel(_ label: Label?, at index: Int) {
            if let old = labels[index]?.source {
                sourceCounts[old, default: 0] -= 1
                if sourceCounts[old] == 0 { sourceCounts[old] = nil }
            }
            if let new = label?.source { sourceCounts[new, default: 0] += 1 }
            if let old = labels[index]?.categories {
                for c in old {
                    cellCounts[c, default: 0] -= 1
                    if cellCounts[c] == 0 { cellCounts[c] = nil }  // so equal labels make equal sessions
                }
                if old.count > 1 { multiLabelImages -= 1 }
            }
            if let new = label?.categories {
                for c in new { cellCounts[c, default: 0] += 1 }
                if new.count > 1 { multiLabelImages += 1 }
            }
            labels[index] = label
        }
    }
}
