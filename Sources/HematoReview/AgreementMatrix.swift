/// Two raters' labels for the same items, tallied: here the reviewer (rows) and the
/// model's top class (columns). Gives the observed agreement and Cohen's kappa, the
/// agreement beyond what the two raters' own class frequencies would give by chance.
public struct AgreementMatrix: Equatable, Sendable {
    /// The classes, in row and column order.
    public let labels: [String]
    /// counts[row][column]: rows the first rater (the reviewer), columns the second (the model).
    public let counts: [[Int]]

    public init(labels: [String], counts: [[Int]]) {
        precondition(counts.count == labels.count && counts.allSatisfy { $0.count == labels.count })
        self.labels = labels
        self.counts = counts
    }

    /// Tallies (first rater, second rater) pairs. `order` comes first in the labels, then
    /// any other class seen, sorted; a class in `order` that no pair uses is still a row.
    public init(pairs: [(String, String)], order: [String] = []) {
        var labels = order
        for extra in Set(pairs.flatMap { [$0.0, $0.1] }).subtracting(order).sorted() { labels.append(extra) }
        var index: [String: Int] = [:]
        for (i, l) in labels.enumerated() where index[l] == nil { index[l] = i }
        var counts = [[Int]](repeating: [Int](repeating: 0, count: labels.count), count: labels.count)
        for (a, b) in pairs { counts[index[a]!][index[b]!] += 1 }
        self.init(labels: labels, counts: counts)
    }

    public var total: Int { counts.reduce(0) { $0 + $1.reduce(0, +) } }
    public var agreed: Int { labels.indices.reduce(0) { $0 + counts[$1][$1] } }

    /// The share of items both raters put in the same class; nil with no items.
    public var accuracy: Double? { total > 0 ? Double(agreed) / Double(total) : nil }

    /// Cohen's kappa, (pₒ − pₑ) / (1 − pₑ), pₑ = Σₖ (row total ₖ · column total ₖ) / n².
    /// nil with no items, or when chance agreement is already 1 (both raters used one and
    /// the same class for everything: kappa is 0/0 there, not a number to report).
    public var kappa: Double? {
        let n = Double(total)
        guard n > 0 else { return nil }
        let observed = Double(agreed) / n
        var expected = 0.0
        for k in labels.indices {
            let row = Double(counts[k].reduce(0, +))
            let column = Double(counts.reduce(0) { $0 + $1[k] })
            expected += row * column / (n * n)
        }
        guard expected < 1 else { return nil }
        return (observed - expected) / (1 - expected)
    }
}
