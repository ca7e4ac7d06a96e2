import CVectorKernels

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

    /// Four dot products of consecutive rows (`rows`, `rows + d`, …) with `x`, reading `x` once.
    static func dot4(_ rows: UnsafePointer<Float>, _ x: UnsafePointer<Float>, _ d: Int) -> SIMD4<Float> {
        var out = SIMD4<Float>()
        withUnsafeMutableBytes(of: &out) { hv_dot4(rows, x, d, $0.baseAddress!.assumingMemoryBound(to: Float.self)) }
        return out
    }

    /// rows[c] += alpha[c] · x for four consecutive rows, reading `x` once.
    static func axpy4(_ alpha: SIMD4<Float>, _ x: UnsafePointer<Float>, _ rows: UnsafeMutablePointer<Float>, _ d: Int) {
        withUnsafeBytes(of: alpha) { hv_axpy4($0.baseAddress!.assumingMemoryBound(to: Float.self), x, rows, d) }
    }

    @inline(__always)
    private static func load(_ p: UnsafeBufferPointer<Float>, _ i: Int) -> SIMD16<Float> {
        UnsafeRawPointer(p.baseAddress! + i).loadUnaligned(as: SIMD16<Float>.self)
    }

    static func dot(_ a: [Float], _ b: [Float]) -> Float {
        a.withUnsafeBufferPointer { x in b.withUnsafeBufferPointer { y in dot(x, y) } }
    }
}
