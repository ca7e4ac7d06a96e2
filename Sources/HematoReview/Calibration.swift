import HematoAdapt

/// A blind calibration: before trusting the model on a lab it was not measured on, the reviewer
/// calls a few images (24 by default) with the model's answer hidden, and their agreement with it
/// is the measurement (`ReviewSession.Trust`). The images are a random sample of the folder,
/// stratified by predicted class in proportion to the folder's own classes, so the agreement
/// estimates the model's accuracy on the whole folder with less spread than a plain random sample.
public struct Calibration: Equatable, Sendable {
    public enum Phase: Equatable, Sendable {
        /// A small folder: the message line offers it; `C` starts it.
        case offered
        /// The candidates are being classified (their answers decide the strata).
        case sampling
        /// The reviewer is making the calls.
        case calling
        case done
        case skipped
    }

    public internal(set) var phase: Phase
    /// Calls wanted.
    public let wanted: Int
    /// A random sample of the folder's unlabelled images, up to `candidatesPerCall` × `wanted`:
    /// classified first, then the calls are drawn from them.
    public let candidates: [Int]
    /// The images called (or to call), in the order shown.
    public internal(set) var calls: [Int] = []
    /// Why it started, for the message line.
    public let reason: String
    /// Blind review as it was before (restored after).
    let wasBlind: Bool

    public static let defaultCalls = 24
    public static let candidatesPerCall = 4
    /// Folders smaller than this only offer a calibration, unless the shift check warns.
    public static let smallFolder = 100

    public var active: Bool { phase == .sampling || phase == .calling }

    init(phase: Phase, wanted: Int, candidates: [Int], reason: String, wasBlind: Bool) {
        self.phase = phase
        self.wanted = wanted
        self.candidates = candidates
        self.reason = reason
        self.wasBlind = wasBlind
    }

    /// `count` of `items` (image, predicted class), drawn at random within each class in
    /// proportion to the class's share of `items` (largest remainders; ties broken at random),
    /// returned in random order so the order tells nothing of the class.
    public static func stratifiedSample<G: RandomNumberGenerator>(_ items: [(image: Int, predicted: Int)], count: Int, using generator: inout G) -> [Int] {
        guard count > 0, !items.isEmpty else { return [] }
        guard count < items.count else { return items.map(\.image).shuffled(using: &generator) }
        var strata: [Int: [Int]] = [:]
        for item in items { strata[item.predicted, default: []].append(item.image) }
        let classes = strata.keys.sorted()
        let total = Double(items.count)
        var take: [Int: Int] = [:]
        var remainders: [(Int, Double, UInt64)] = []
        for k in classes {
            let exact = Double(count) * Double(strata[k]!.count) / total
            take[k] = Int(exact.rounded(.down))
            remainders.append((k, exact - exact.rounded(.down), generator.next()))
        }
        var left = count - take.values.reduce(0, +)
        for (k, _, _) in remainders.sorted(by: { ($0.1, $0.2) > ($1.1, $1.2) }) where left > 0 {
            take[k]! += 1
            left -= 1
        }
        var chosen: [Int] = []
        for k in classes { chosen += strata[k]!.shuffled(using: &generator).prefix(take[k]!) }
        return chosen.shuffled(using: &generator)
    }
}
