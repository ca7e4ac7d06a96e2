extension ReviewSession {
    /// Queue and navigation, a sub-state of the session: which images the single view goes through,
    /// in which order, and where the reviewer is. Which images a filter keeps depends on the
    /// predictions and labels, so the session works that out (`rebuildQueue`) and hands the result
    /// here (`.show`); this keeps the place.
    public struct Navigation: Equatable, Sendable {
        public internal(set) var order: Order = .name
        /// Show only images whose predicted class is this.
        public internal(set) var filter: String?
        public internal(set) var labelFilter: LabelFilter?
        /// Indexes into the session's `names`, in order and filtered.
        public internal(set) var queue: [Int]
        /// Position in `queue`.
        public internal(set) var position = 0
        public internal(set) var lastSearch: String?

        public enum Action: Equatable, Sendable {
            /// On (positive) or back this many images, stopping at the ends.
            case step(Int)
            case first, last
            /// To this position in the queue (clamped).
            case to(Int)
            /// A new queue, made with this order and filter: the current image stays current when it is in it.
            case show([Int], order: Order, filter: String?)
            /// An image joins the queue at `slot`; the current image stays current.
            case insert(Int, at: Int)
        }

        public init(queue: [Int], position: Int = 0) {
            self.queue = queue
            self.position = position
        }

        public var current: Int? { queue.indices.contains(position) ? queue[position] : nil }

        /// Returns what the reviewer is told: that they are at the first or last image already, or nil.
        @discardableResult
        public mutating func reduce(_ action: Action) -> String? {
            let first = "This is the first image.", last = "This is the last image."
            switch action {
            case .step(let n):
                let atEnd = n > 0 ? position + 1 >= queue.count : position == 0
                move(to: position + n)
                return atEnd ? (n > 0 ? last : first) : nil
            case .first:
                let atEnd = position == 0
                move(to: 0)
                return atEnd ? first : nil
            case .last:
                let atEnd = position == queue.count - 1
                move(to: queue.count - 1)
                return atEnd ? last : nil
            case .to(let p):
                move(to: p)
            case .show(let items, let order, let filter):
                let keep = current
                self.order = order
                self.filter = filter
                queue = items
                position = keep.flatMap { items.firstIndex(of: $0) } ?? 0
            case .insert(let index, let slot):
                queue.insert(index, at: slot)
                if queue.count > 1 && slot <= position { position += 1 }
            }
            return nil
        }

        private mutating func move(to p: Int) { position = max(0, min(p, max(0, queue.count - 1))) }
    }
}
