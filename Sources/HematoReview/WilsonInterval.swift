import Foundation

/// The 95 % confidence interval of a proportion by the Wilson score method (Wilson 1927;
/// method 3 of Newcombe 1998, without continuity correction). Unlike the textbook
/// p ± z·√(p(1−p)/n) it stays inside 0…1 and does not collapse to a point at 0 or n
/// successes, which matters for a rare class in a 100-cell differential.
public struct WilsonInterval: Equatable, Sendable {
    public let lower: Double
    public let upper: Double

    /// The normal quantile for 95 % two-sided.
    public static let z95 = 1.959963984540054

    /// nil when there are no trials (no interval can be given).
    public init?(successes: Int, trials: Int, z: Double = z95) {
        guard trials > 0, successes >= 0, successes <= trials else { return nil }
        let n = Double(trials)
        let p = Double(successes) / n
        let z2 = z * z
        let centre = (p + z2 / (2 * n)) / (1 + z2 / n)
        let half = z / (1 + z2 / n) * (p * (1 - p) / n + z2 / (4 * n * n)).squareRoot()
        // At 0 and n successes the exact bound is 0 or 1; rounding can leave 1e-17 outside.
        lower = successes == 0 ? 0 : max(0, centre - half)
        upper = successes == trials ? 1 : min(1, centre + half)
    }
}
