import CXNNPack

/// Every call into XNNPACK and pthreadpool goes through here: the graph is
/// described with Swift values, failures come back as `EngineError`.
public enum EngineError: Error, CustomStringConvertible, Equatable {
    case xnnpack(step: String, status: UInt32)

    public var description: String {
        switch self {
        case .xnnpack(let step, let status): return "the inference engine failed to \(step) (XNNPACK status \(status))"
        }
    }
}

private func check(_ status: xnn_status, _ step: @autoclosure () -> String) throws(EngineError) {
    guard status == xnn_status_success else { throw .xnnpack(step: step(), status: status.rawValue) }
}

/// XNNPACK wants one process-wide initialisation; this performs it once.
private let initialisation: xnn_status = xnn_initialize(nil)

/// A value in the graph under construction.
struct XNNValue { let id: UInt32; let dims: [Int] }

/// Builds an XNNPACK subgraph of fp32 NHWC operators.
final class XNNGraph {
    private var subgraph: xnn_subgraph_t?

    init(externalValues: UInt32) throws(EngineError) {
        try check(initialisation, "initialise")
        var s: xnn_subgraph_t?
        try check(xnn_create_subgraph(externalValues, 0, &s), "create a subgraph")
        subgraph = s
    }

    deinit { if let subgraph { xnn_delete_subgraph(subgraph) } }

    /// A tensor: external input/output (by id), static weights (by pointer), or internal.
    func value(_ dims: [Int], weights: UnsafeBufferPointer<Float>? = nil,
               external: UInt32? = nil, output: Bool = false) throws(EngineError) -> XNNValue {
        var id: UInt32 = 0
        let flags: UInt32 = external == nil ? 0 : (output ? UInt32(XNN_VALUE_FLAG_EXTERNAL_OUTPUT) : UInt32(XNN_VALUE_FLAG_EXTERNAL_INPUT))
        let status = dims.withUnsafeBufferPointer { d in
            xnn_define_tensor_value(subgraph, xnn_datatype_fp32, d.count, d.baseAddress, weights?.baseAddress,
                                    external ?? UInt32(XNN_INVALID_VALUE_ID), flags, &id)
        }
        try check(status, "define a tensor of shape \(dims)")
        return XNNValue(id: id, dims: dims)
    }

    /// Convolution with symmetric padding (kernel−1)/2, as PyTorch pads, and an optional ReLU6.
    func convolution(_ input: XNNValue, weight: UnsafeBufferPointer<Float>, bias: UnsafeBufferPointer<Float>,
                     outputChannels: Int, kernel: Int, stride: Int, relu6: Bool) throws(EngineError) -> XNNValue {
        let (n, h, w, c) = (input.dims[0], input.dims[1], input.dims[2], input.dims[3])
        let pad = (kernel - 1) / 2
        let oh = (h + 2 * pad - kernel) / stride + 1, ow = (w + 2 * pad - kernel) / stride + 1
        let filter = try value([outputChannels, kernel, kernel, c], weights: weight)
        let b = try value([outputChannels], weights: bias)
        let out = try value([n, oh, ow, outputChannels])
        try check(xnn_define_convolution_2d(subgraph, UInt32(pad), UInt32(pad), UInt32(pad), UInt32(pad),
                                            UInt32(kernel), UInt32(kernel), UInt32(stride), UInt32(stride), 1, 1,
                                            1, c, outputChannels, relu6 ? 0 : -.infinity, relu6 ? 6 : .infinity,
                                            input.id, filter.id, b.id, out.id, 0), "define a \(kernel)×\(kernel) convolution")
        return out
    }

    func depthwise(_ input: XNNValue, weight: UnsafeBufferPointer<Float>, bias: UnsafeBufferPointer<Float>,
                   stride: Int) throws(EngineError) -> XNNValue {
        let (n, h, w, c) = (input.dims[0], input.dims[1], input.dims[2], input.dims[3])
        let oh = (h + 2 - 3) / stride + 1, ow = (w + 2 - 3) / stride + 1
        let filter = try value([1, 3, 3, c], weights: weight)
        let b = try value([c], weights: bias)
        let out = try value([n, oh, ow, c])
        try check(xnn_define_depthwise_convolution_2d(subgraph, 1, 1, 1, 1, 3, 3, UInt32(stride), UInt32(stride), 1, 1,
                                                      1, c, 0, 6, input.id, filter.id, b.id, out.id, 0),
                  "define a depthwise convolution")
        return out
    }

    func add(_ a: XNNValue, _ b: XNNValue) throws(EngineError) -> XNNValue {
        let out = try value(a.dims)
        try check(xnn_define_add2(subgraph, -.infinity, .infinity, a.id, b.id, out.id, 0), "define a residual addition")
        return out
    }

    /// Writes `input` into an existing value (used to make an internal result an external output).
    func copy(_ input: XNNValue, into output: XNNValue) throws(EngineError) -> XNNValue {
        try check(xnn_define_clamp(subgraph, -.infinity, .infinity, input.id, output.id, 0), "define a copy")
        return output
    }

    /// Compiles the graph; weights are packed here, once.
    func runtime(threads: Int) throws(EngineError) -> XNNRuntime {
        try XNNRuntime(subgraph: subgraph!, threads: threads)
    }
}

/// A compiled graph plus its thread pool. Not thread-safe: one per worker.
final class XNNRuntime {
    private var runtime: xnn_runtime_t?
    private var pool: pthreadpool_t?

    fileprivate init(subgraph: xnn_subgraph_t, threads: Int) throws(EngineError) {
        // No pool for one thread: XNNPACK then runs on the caller, with no hand-off cost.
        pool = threads > 1 ? pthreadpool_create(threads) : nil
        var r: xnn_runtime_t?
        try check(xnn_create_runtime_v2(subgraph, pool, 0, &r), "build the runtime")
        runtime = r
    }

    deinit {
        if let runtime { xnn_delete_runtime(runtime) }
        if let pool { pthreadpool_destroy(pool) }
    }

    /// Binds memory to each external id. Setup rebuilds every operator's
    /// indirection buffers, so it is done once, with buffers that never move.
    func bind(_ buffers: [(id: UInt32, pointer: UnsafeMutableRawPointer)]) throws(EngineError) {
        let values = buffers.map { xnn_external_value(id: $0.id, data: $0.pointer) }
        try check(values.withUnsafeBufferPointer { xnn_setup_runtime(runtime, $0.count, $0.baseAddress) }, "bind input and output")
    }

    /// Runs the graph on whatever the bound buffers hold now.
    func invoke() throws(EngineError) {
        try check(xnn_invoke_runtime(runtime), "run the network")
    }
}
