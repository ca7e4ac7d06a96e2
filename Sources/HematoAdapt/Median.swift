/// The median of some numbers (the mean of the middle two for an even count); nil for none. One rule
/// for the folder checks' scores and points and the review's own statistics.
public func median<T: BinaryFloatingPoint>(_ values: [T]) -> T? {
    guard !values.isEmpty else { return nil }
    let sorted = values.sorted()
    let mid = sorted.count / 2
    return sorted.count % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
}
