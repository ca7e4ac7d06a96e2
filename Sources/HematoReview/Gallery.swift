/// The gallery (CellaVision style): a page of thumbnails of the images of one predicted
/// class, least confident first, with a cursor. The reviewer picks out the odd ones with a
/// class key and confirms the rest of the page with one key (`A`).
///
/// The members are taken when the gallery opens (or its class changes), so pages do not shift
/// under the reviewer's eyes when a label changes or the model adapts to the reviewer's lab;
/// images classified later join at the end. The captions show the model's answer now (the same
/// answer as the single view's bars): when the model adapts, a member may come to be answered
/// with another class, and its caption then names that class, which `A` and Enter accept.
/// The page size follows the terminal (`.galleryLayout`).
public struct Gallery: Equatable, Sendable {
    /// The predicted class shown.
    public let predicted: String
    /// Indexes into the session's `names`, least confident first.
    public private(set) var members: [Int]
    /// The model's whole answer on each member when it joined: what ordered the page (the model
    /// adapting to the reviewer does not reshuffle a page being looked at).
    public private(set) var shown: [Int: ModelOpinion] = [:]
    /// Position in `members`; the page is the one that holds it.
    public private(set) var cursor = 0
    public private(set) var columns = 4
    public private(set) var rows = 3

    public var pageSize: Int { columns * rows }
    public var page: Int { cursor / pageSize }
    public var pageCount: Int { max(1, (members.count + pageSize - 1) / pageSize) }
    /// The members on the cursor's page, in order (row by row on the screen).
    public var pageMembers: ArraySlice<Int> {
        let start = min(page * pageSize, members.count)
        return members[start..<min(start + pageSize, members.count)]
    }
    /// The image under the cursor.
    public var current: Int? { members.indices.contains(cursor) ? members[cursor] : nil }

    /// The images the session predicts `predicted`, least confident first (ties in name order),
    /// with the cursor on the first: the gallery opens at its page 1, whatever image the single
    /// view showed (its page depended on a layout the screen sets after opening).
    init(predicted: String, in s: ReviewSession) {
        self.predicted = predicted
        var scored: [(Int, Float)] = []
        for i in s.names.indices where s.predictedClass(i) == predicted { scored.append((i, s.confidence(i) ?? 0)) }
        scored.sort { $0.1 != $1.1 ? $0.1 < $1.1 : $0.0 < $1.0 }
        members = scored.map(\.0)
        for i in members { shown[i] = s.opinions[i] }
    }

    /// The gallery's own reducer: the cursor, the pages, the shape, the members joining.
    public enum Action: Equatable, Sendable {
        /// The cursor on (positive) or back this many thumbnails, stopping at the ends.
        case step(Int)
        /// A page on (1) or back (-1); past the first or last page, the first or last image.
        case turnPage(Int)
        case first, last
        /// The cursor to this member's position.
        case to(Int)
        /// The thumbnails the terminal has room for.
        case shape(columns: Int, rows: Int)
        /// An image classified after the gallery opened (so not a member yet), with its answer then.
        case join(Int, ModelOpinion?)
    }

    /// Returns what the reviewer is told when the cursor cannot move, or nil.
    @discardableResult
    public mutating func reduce(_ action: Action) -> String? {
        let before = cursor
        switch action {
        case .step(let n):
            move(to: cursor + n)
            if cursor == before { return n < 0 ? "This is the first \(predicted) image." : "This is the last \(predicted) image." }
        case .turnPage(let n):
            let page = self.page + n
            move(to: page < 0 ? 0 : page >= pageCount ? members.count - 1 : page * pageSize)
            if cursor == before { return n > 0 ? "This is the last page of \(predicted)." : "This is the first page." }
        case .first:
            move(to: 0)
        case .last:
            move(to: members.count - 1)
        case .to(let position):
            move(to: position)
        case .shape(let columns, let rows):
            self.columns = max(1, columns)
            self.rows = max(1, rows)
        case .join(let index, let opinion):
            members.append(index)
            shown[index] = opinion
        }
        return nil
    }

    private mutating func move(to position: Int) { cursor = max(0, min(position, members.count - 1)) }

    /// The confidence that ordered the member at `position`: its top probability when it joined.
    public func confidence(at position: Int) -> Float { shown[members[position]]?.probabilities?.max() ?? 0 }

    /// Every member's, in order.
    public var confidences: [Float] { members.indices.map(confidence(at:)) }
}

extension ReviewSession {
    /// One accept per image on the gallery's page that no person has labelled (a label from
    /// labels.csv is confirmed as Enter confirms it): the steps of `A`'s series (`Effect.acceptEach`).
    public var pageAcceptances: [ReviewAction] {
        guard let g = gallery else { return [] }
        return g.pageMembers.filter { labels[$0]?.source != .person }.map { .acceptImage($0) }
    }

    /// `A` as a function of a save (tests, and a headless caller): what the reducer makes of `A`
    /// (`confirmed`: of `y` to its question), then the series (`acceptEach`).
    public func acceptingPage(confirmed: Bool = false, save: (Decision) throws -> Void) -> (session: ReviewSession, saved: Int, failure: (any Error)?) {
        var s = self
        let effects: [Effect] = confirmed ? [.acceptEach(pageAcceptances)] : s.reduce(.acceptPage)
        for case .acceptEach(let steps) in effects {
            let outcome = s.acceptEach(steps, save: save)
            return (s, outcome.saved, outcome.failure)
        }
        return (s, 0, nil)  // asked first, or refused
    }

    /// `A`'s series (`Effect.acceptEach`): each step reduced and its decision handed to `save`, which
    /// puts it on disk or throws, before the next step; a decision counts only once saved. When every
    /// one is saved the page turns (`.pageSaved`); when a save fails, the ones saved stay, the rest are
    /// not shown as done, and the message says so (`.saveFailed`). Returns what those two ask for.
    public mutating func acceptEach(_ steps: [ReviewAction], save: (Decision) throws -> Void)
        -> (saved: Int, failure: (any Error)?, effects: [Effect]) {
        for (n, step) in steps.enumerated() {
            var next = self
            for case .save(let decision) in next.reduce(step) as [Effect] {
                do {
                    try save(decision)
                } catch {
                    return (n, error, reduce(.saveFailed(.acceptEach(steps), reason: "\(error)", saved: n)))
                }
            }
            self = next
        }
        return (steps.count, nil, reduce(.pageSaved(steps.count)))
    }

    /// The gallery's part of the reducer while it is open (a mode of the one reducer); nil for what
    /// it shares with the single view (help, messages, cells found, the picture view, quit).
    mutating func reduceGallery(_ action: ReviewAction) -> [Effect]? {
        guard let g = gallery else { return nil }
        // The single view's page keys (PgDn, PgUp) turn the gallery's pages.
        let action: ReviewAction = action == .pageForward ? .nextPage : action == .pageBack ? .previousPage : action
        var moved = g
        switch action {
        case .galleryLayout(let columns, let rows):  // from the screen: nothing else changes
            moved.reduce(.shape(columns: columns, rows: rows))
            gallery = moved
            return []
        case .opinion(let index, _):
            // Reduced as ever, then a newly classified image of this class joins at the end
            // (one classified before is a member already, or of another class).
            let joining = opinions[index] == nil
            let effects = reduceShared(action) ?? []
            if joining, predictedClass(index) == g.predicted { moved.reduce(.join(index, opinions[index])) }
            gallery = moved
            return effects
        case .undo:
            let effects = reduceSingle(action)
            for case .save(let d) in effects { if let at = g.members.firstIndex(of: d.index) { moved.reduce(.to(at)) } }
            gallery = moved
            return effects
        case .acceptPage:
            // While the blind measurement does not vouch for the model, `A` asks first (`acceptPageQuestion`).
            if let question = acceptPageQuestion {
                self.question = question
                message = question
                return [.note(.acceptPageAsked, question)]
            }
            return [.acceptEach(pageAcceptances)]
        case .toggleGallery, .cancel:
            message = nil
            showingHelp = false
            self = closeGallery()
            return []
        case .accept, .set, .add, .removeLabel, .acceptImage:
            message = nil
            showingHelp = false
            return decideInGallery(action, on: g)
        case .previous, .next, .skip, .previousRow, .nextRow, .previousPage, .nextPage, .first, .last, .nextUnreviewed,
             .cycleFilter, .openPrompt, .cycleLabelFilter, .toggleOrder:
            showingHelp = false
            message = moveInGallery(action, &moved)
            gallery = moved
            return []
        default:
            return nil  // help, messages, cells found, the picture view, quit: as in the single view
        }
    }

    /// The gallery's moves: the cursor, its pages, the next class. Returns what the reviewer is told.
    private func moveInGallery(_ action: ReviewAction, _ moved: inout Gallery) -> String? {
        let g = moved
        switch action {
        case .previous, .next, .skip, .previousRow, .nextRow:
            return moved.reduce(.step(action == .previous ? -1 : action == .previousRow ? -g.columns : action == .nextRow ? g.columns : 1))
        case .previousPage, .nextPage:
            return moved.reduce(.turnPage(action == .nextPage ? 1 : -1))
        case .first, .last:
            moved.reduce(action == .first ? .first : .last)
        case .nextUnreviewed:
            let n = g.members.count
            guard n > 0, let step = (1...n).first(where: { labels[g.members[(g.cursor + $0) % n]]?.source != .person }) else {
                return "Every \(g.predicted) image has a reviewer's label."
            }
            moved.reduce(.to((g.cursor + step) % n))
        case .cycleFilter:
            // f in the gallery: the next predicted class that has images.
            let at = modelLabels.firstIndex(of: g.predicted) ?? 0
            for k in 1...modelLabels.count {
                let candidate = Gallery(predicted: modelLabels[(at + k) % modelLabels.count], in: self)
                if !candidate.members.isEmpty {
                    moved = candidate
                    moved.reduce(.shape(columns: g.columns, rows: g.rows))
                    break
                }
            }
            return moved.predicted == g.predicted ? "No other class has images yet." : opening(moved)
        case .openPrompt, .cycleLabelFilter:
            return "In the gallery f changes the class; g, / and F work in the single view (v)."
        case .toggleOrder:
            return "The gallery is always least confident first."
        default:
            break
        }
        return nil
    }

    /// A class key, Enter or one of `A`'s steps, on the image under the cursor (or the one named);
    /// the cursor stays.
    private mutating func decideInGallery(_ action: ReviewAction, on g: Gallery) -> [Effect] {
        var index = g.current
        if case .acceptImage(let i) = action { index = i }
        guard let i = index, names.indices.contains(i) else {
            message = "No image here."
            return []
        }
        switch action {
        case .set, .add, .removeLabel:
            return Self.saving(relabel(action, at: i, advancingOnSet: false))
        default:
            // Like Enter: a label a person or labels.csv gave is confirmed. Otherwise (no label, or the
            // model's own pre-label) the model's answer now, which the caption shows; once the model has
            // adapted it may differ from the class this page was made of.
            let existing = labels[i]?.source == .model ? [] : labels[i]?.categories ?? []
            let decision = decide(index: i, categories: existing.isEmpty ? [predictedClass(i) ?? g.predicted] : existing,
                                  action: .accept, advance: false)
            // One of `A`'s steps refits with the page (`.pageSaved`), not each on its own.
            return action == .acceptImage(i) ? [.save(decision)] : [.save(decision), .refit]
        }
    }

    /// Once every image `A` took is saved: the page turns, or the message says what is left.
    mutating func turnAcceptedPage() {
        guard let g = gallery else {
            message = "Pages are the gallery's: v opens it."
            return
        }
        var moved = g
        message = nil
        showingHelp = false
        let left = pageAcceptances.count
        if g.members.isEmpty {
            message = "No image here."
        } else if left > 0 {
            message = "\(left) on this page are not accepted yet; A accepts them."
        } else if g.page + 1 < g.pageCount {
            moved.reduce(.to((g.page + 1) * g.pageSize))
            message = "Page \(g.page + 1) accepted; page \(g.page + 2) of \(g.pageCount)."
        } else {
            let open = g.members.filter { labels[$0]?.source != .person }.count
            message = open == 0 ? "Every \(g.predicted) image is reviewed: f shows the next class, v the single view."
                : "Last page accepted; \(open) \(g.predicted) images on earlier pages have no reviewer's label (Tab finds them)."
        }
        gallery = moved
    }

    mutating func openGallery() -> [Effect] {
        message = nil
        showingHelp = false
        let shown = current.flatMap { predictedClass($0) } ?? filter
        let choices = (shown.map { [$0] } ?? []) + modelLabels
        let now = self
        guard let g = choices.lazy.map({ Gallery(predicted: $0, in: now) }).first(where: { !$0.members.isEmpty }) else {
            message = "No image has a prediction yet; the gallery opens when some have."
            return []
        }
        gallery = g
        message = opening(g)
        return []
    }

    /// What the message line says when a class's gallery opens. No count: the title keeps the
    /// live one, and images still being classified join the gallery after this is said.
    private func opening(_ g: Gallery) -> String {
        "Gallery: \(g.predicted), least confident first"
            + (classifiedCount < names.count ? "; images join as they are classified" : "")
    }

    /// Back to the single view, at the cursor's image.
    private func closeGallery() -> ReviewSession {
        var next = self
        let image = gallery?.current
        next.gallery = nil
        guard let image else { return next }
        if !queue.contains(image) {
            next.labelFilter = nil
            next.rebuildQueue(order: order, filter: nil)
        }
        if let at = next.queue.firstIndex(of: image) { next.move(to: at) }
        return next
    }
}
