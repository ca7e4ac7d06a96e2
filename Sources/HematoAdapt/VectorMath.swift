/// The two loops every fit spends its time in, written with 16-wide SIMD
/// accumulators: a plain `sum += a[i] * b[i]` is not vectorised, because the
/// compiler may not reorder floating-point additions.
enum VectorMath {
    static func dot(_ a: UnsafeBufferPointer<Float>, _ b: UnsafeBufferPointer<Float>) -> Float {
        let n = min(a.count, b.count)
        var acc = SIMD16<Float>()
        var i = 0
        while i + 16 <= n {
            acc += load(a, i) * load(b, i)
            i += 16
        }
        var sum = acc.sum()
        while i < n { sum += a[i] * b[i]; i += 1 }
        return sum
    }

    /// y += alpha · x
    static func axpy(_ alpha: Float, _ x: UnsafeBufferPointer<Float>, _ y: UnsafeMutableBufferPointer<Float>) {
        let n = min(x.count, y.count)
        let a = SIMD16<Float>(repeating: alpha)
        var i = 0
        while i + 16 <= n {
            let updated = load(UnsafeBufferPointer(y), i) + a * load(x, i)
            UnsafeMutableRawPointer(y.baseAddress! + i).storeBytes(of: updated, as: SIMD16<Float>.self)
            i += 16
        }
        while i < n { y[i] += alpha * x[i]; i += 1 }
    }

    @inline(__always)
    private static func load(_ p: UnsafeBufferPointer<Float>, _ i: Int) -> SIMD16<Float> {
        UnsafeRawPointer(p.baseAddress! + i).loadUnaligned(as: SIMD16<Float>.self)
    }

    static func dot(_ a: [Float], _ b: [Float]) -> Float {
        a.withUnsafeBufferPointer { x in b.withUnsafeBufferPointer { y in dot(x, y) } }
    }
}
