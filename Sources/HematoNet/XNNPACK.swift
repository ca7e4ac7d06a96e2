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

/// How an int8 tensor's integers stand for real numbers: real = scale × (q − zeroPoint).
struct Quantization: Equatable {
    let scale: Float
    let zeroPoint: Int32

    /// The asymmetric int8 mapping that covers `low...high` (widened to hold 0, so that zero
    /// padding and ReLU's floor are exact).
    init(covering low: Float, _ high: Float) {
        let lo = min(low, 0), hi = max(high, 0)
        let scale = hi > lo ? (hi - lo) / 255 : 1
        self.scale = scale
        zeroPoint = Int32(max(-128, min(127, (-128 - lo / scale).rounded())))
    }
}

/// A value in the graph under construction; `quantization` is set for an int8 value.
struct XNNValue { let id: UInt32; let dims: [Int]; var quantization: Quantization? = nil }

/// Memory that XNNPACK reads after the call that named it (quantized weights, per-channel
/// scales): it must outlive the subgraph and every runtime built from it, so both hold it.
final class StaticData {
    private var blocks: [UnsafeMutableRawPointer] = []

    func keep<T: BitwiseCopyable>(_ values: [T]) -> UnsafePointer<T> {
        let p = UnsafeMutablePointer<T>.allocate(capacity: max(1, values.count))
        p.initialize(from: values, count: values.count)
        blocks.append(UnsafeMutableRawPointer(p))
        return UnsafePointer(p)
    }

    deinit { blocks.forEach { $0.deallocate() } }
}

/// Builds an XNNPACK subgraph of NHWC operators: fp32, or int8 (QS8 activations, per-channel
/// QC8 weights) where the input value carries a quantization.
final class XNNGraph {
    private var subgraph: xnn_subgraph_t?
    private let data = StaticData()

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

    /// An int8 tensor (internal unless `external` is given).
    func quantizedValue(_ dims: [Int], _ q: Quantization, external: UInt32? = nil, output: Bool = false) throws(EngineError) -> XNNValue {
        var id: UInt32 = 0
        let flags: UInt32 = external == nil ? 0 : (output ? UInt32(XNN_VALUE_FLAG_EXTERNAL_OUTPUT) : UInt32(XNN_VALUE_FLAG_EXTERNAL_INPUT))
        let status = dims.withUnsafeBufferPointer { d in
            xnn_define_quantized_tensor_value(subgraph, xnn_datatype_qint8, q.zeroPoint, q.scale, d.count, d.baseAddress, nil,
                                              external ?? UInt32(XNN_INVALID_VALUE_ID), flags, &id)
        }
        try check(status, "define an int8 tensor of shape \(dims)")
        return XNNValue(id: id, dims: dims, quantization: q)
    }

    /// Static per-channel weights: int8 filter (`channelDimension` indexes the output channel) and int32 bias
    /// in units of input scale × filter scale, as XNNPACK's QC8 operators take them.
    private func quantizedWeights(_ weight: UnsafeBufferPointer<Float>, dims: [Int], channelDimension: Int,
                                  bias: UnsafeBufferPointer<Float>, inputScale: Float) throws(EngineError) -> (filter: UInt32, bias: UInt32) {
        let w = PerChannelWeights(weight, dims: dims, channelDimension: channelDimension)
        let scales = data.keep(w.scales)
        let values = data.keep(w.values)
        let biasScales = data.keep(w.scales.map { $0 * inputScale })
        let biasValues = data.keep(zip(bias, w.scales).map { b, s in PerChannelWeights.int32(b / (s * inputScale)) })
        var filterID: UInt32 = 0, biasID: UInt32 = 0
        try check(dims.withUnsafeBufferPointer { d in
            xnn_define_channelwise_quantized_tensor_value(subgraph, xnn_datatype_qcint8, scales, d.count, channelDimension,
                                                          d.baseAddress, values, UInt32(XNN_INVALID_VALUE_ID), 0, &filterID)
        }, "define an int8 filter of shape \(dims)")
        try check([bias.count].withUnsafeBufferPointer { d in
            xnn_define_channelwise_quantized_tensor_value(subgraph, xnn_datatype_qcint32, biasScales, 1, 0,
                                                          d.baseAddress, biasValues, UInt32(XNN_INVALID_VALUE_ID), 0, &biasID)
        }, "define an int32 bias of \(bias.count) channels")
        return (filterID, biasID)
    }

    /// Filter, bias and output values of a layer: fp32, or int8 when the input is int8 (then `output` is required).
    private func layerValues(_ input: XNNValue, weight: UnsafeBufferPointer<Float>, bias: UnsafeBufferPointer<Float>,
                             filterDims: [Int], channelDimension: Int, outputDims: [Int],
                             output q: Quantization?) throws(EngineError) -> (filter: UInt32, bias: UInt32, out: XNNValue) {
        guard let inputQ = input.quantization else {
            let filter = try value(filterDims, weights: weight)
            let b = try value([bias.count], weights: bias)
            return (filter.id, b.id, try value(outputDims))
        }
        guard let q else { preconditionFailure("an int8 layer needs its output's quantization") }
        let (filter, b) = try quantizedWeights(weight, dims: filterDims, channelDimension: channelDimension, bias: bias, inputScale: inputQ.scale)
        return (filter, b, try quantizedValue(outputDims, q))
    }

    /// Convolution with symmetric padding (kernel−1)/2, as PyTorch pads, and an optional ReLU6.
    /// `output`: the result's int8 quantization, for an int8 input.
    func convolution(_ input: XNNValue, weight: UnsafeBufferPointer<Float>, bias: UnsafeBufferPointer<Float>,
                     outputChannels: Int, kernel: Int, stride: Int, relu6: Bool, output q: Quantization? = nil) throws(EngineError) -> XNNValue {
        let (n, h, w, c) = (input.dims[0], input.dims[1], input.dims[2], input.dims[3])
        let pad = (kernel - 1) / 2
        let oh = (h + 2 * pad - kernel) / stride + 1, ow = (w + 2 * pad - kernel) / stride + 1
        let (filter, b, out) = try layerValues(input, weight: weight, bias: bias, filterDims: [outputChannels, kernel, kernel, c],
                                               channelDimension: 0, outputDims: [n, oh, ow, outputChannels], output: q)
        try check(xnn_define_convolution_2d(subgraph, UInt32(pad), UInt32(pad), UInt32(pad), UInt32(pad),
                                            UInt32(kernel), UInt32(kernel), UInt32(stride), UInt32(stride), 1, 1,
                                            1, c, outputChannels, relu6 ? 0 : -.infinity, relu6 ? 6 : .infinity,
                                            input.id, filter, b, out.id, 0), "define a \(kernel)×\(kernel) convolution")
        return out
    }

    func depthwise(_ input: XNNValue, weight: UnsafeBufferPointer<Float>, bias: UnsafeBufferPointer<Float>,
                   stride: Int, output q: Quantization? = nil) throws(EngineError) -> XNNValue {
        let (n, h, w, c) = (input.dims[0], input.dims[1], input.dims[2], input.dims[3])
        let oh = (h + 2 - 3) / stride + 1, ow = (w + 2 - 3) / stride + 1
        let (filter, b, out) = try layerValues(input, weight: weight, bias: bias, filterDims: [1, 3, 3, c],
                                               channelDimension: 3, outputDims: [n, oh, ow, c], output: q)
        try check(xnn_define_depthwise_convolution_2d(subgraph, 1, 1, 1, 1, 3, 3, UInt32(stride), UInt32(stride), 1, 1,
                                                      1, c, 0, 6, input.id, filter, b, out.id, 0),
                  "define a depthwise convolution")
        return out
    }

    func add(_ a: XNNValue, _ b: XNNValue, output q: Quantization? = nil) throws(EngineError) -> XNNValue {
        let out: XNNValue
        if let q { out = try quantizedValue(a.dims, q) } else { out = try value(a.dims) }
        try check(xnn_define_add2(subgraph, -.infinity, .infinity, a.id, b.id, out.id, 0), "define a residual addition")
        return out
    }

    /// Writes `input` into an existing value (used to make an internal result an external output).
    func copy(_ input: XNNValue, into output: XNNValue) throws(EngineError) -> XNNValue {
        try check(xnn_define_clamp(subgraph, -.infinity, .infinity, input.id, output.id, 0), "define a copy")
        return output
    }

    /// Converts between fp32 and int8 (quantize or dequantize, by the two values' types).
    func convert(_ input: XNNValue, into output: XNNValue) throws(EngineError) -> XNNValue {
        try check(xnn_define_convert(subgraph, input.id, output.id, 0), "define a conversion")
        return output
    }

    /// Compiles the graph; weights are packed here, once.
    func runtime(threads: Int) throws(EngineError) -> XNNRuntime {
        try XNNRuntime(subgraph: subgraph!, threads: threads, keeping: data)
    }
}

/// A compiled graph plus its thread pool. Not thread-safe: one per worker.
final class XNNRuntime {
    private var runtime: xnn_runtime_t?
    private var pool: pthreadpool_t?
    /// The quantized weights the subgraph named, kept for as long as this runtime.
    private let data: StaticData

    fileprivate init(subgraph: xnn_subgraph_t, threads: Int, keeping data: StaticData) throws(EngineError) {
        self.data = data
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

/// A filter quantized per output channel, symmetrically: q = round(w / scale), scale = max|w| / 127.
struct PerChannelWeights {
    let values: [Int8]
    let scales: [Float]

    init(_ weight: UnsafeBufferPointer<Float>, dims: [Int], channelDimension: Int) {
        let channels = dims[channelDimension]
        // Elements of one channel repeat every `inner` values, in runs of `inner` (dims after the channel's).
        let inner = dims[(channelDimension + 1)...].reduce(1, *)
        func channel(_ i: Int) -> Int { (i / inner) % channels }
        var largest = [Float](repeating: 0, count: channels)
        for i in weight.indices { largest[channel(i)] = max(largest[channel(i)], abs(weight[i])) }
        let scales = largest.map { $0 > 0 ? $0 / 127 : 1 }
        values = weight.indices.map { i in Int8(max(-127, min(127, (weight[i] / scales[channel(i)]).rounded()))) }
        self.scales = scales
    }

    static func int32(_ x: Float) -> Int32 {
        Int32(max(Float(Int32.min / 2), min(Float(Int32.max / 2), x.rounded())))
    }
}
