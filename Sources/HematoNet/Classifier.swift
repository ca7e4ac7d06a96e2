import HematoAdapt
import HematoImage

/// MobileNetV2 on XNNPACK: picture in, class probabilities and the final
/// feature map out. Not thread-safe (it owns its buffers and runtime); make
/// one per worker thread. Knows nothing of terminals.
public final class Classifier {
    public let model: ModelFile
    public let threads: Int
    private let runtime: XNNRuntime
    private let inputID: UInt32 = 0
    private let featuresID: UInt32 = 1
    /// Fixed buffers bound to the runtime once (see XNNRuntime.bind).
    private let input: UnsafeMutableBufferPointer<Float>
    private let features: UnsafeMutableBufferPointer<Float>
    let featureHeight: Int
    let featureWidth: Int

    /// The arithmetic the network runs in (fp32 unless int8 was asked for).
    public let precision: Precision

    public init(model: ModelFile, threads: Int = 1, precision: Precision = .fp32) throws(EngineError) {
        self.model = model
        self.threads = max(1, threads)
        self.precision = precision
        let p = model.preprocessing
        // int8: a layer runs in int8 when its output has a quantization (the calibration may keep
        // some layers in fp32); values are converted where a layer of the other kind reads them.
        let calibration: Int8Calibration? = if case .int8(let c) = precision { c } else { nil }
        func q(_ name: String) -> Quantization? { calibration?.runsInInt8(name) == true ? calibration?.quantization(name) : nil }
        let graph = try XNNGraph(externalValues: 2)
        func reading(_ v: XNNValue, named name: String, int8: Bool) throws(EngineError) -> XNNValue {
            switch (v.quantization, int8) {
            case (nil, true): return try graph.convert(v, into: try graph.quantizedValue(v.dims, calibration!.quantization(name)))
            case (.some, false): return try graph.convert(v, into: try graph.value(v.dims))
            default: return v
            }
        }
        let x = try graph.value([1, p.height, p.width, 3], external: inputID)
        var h = Architecture.convolved(p.height, stride: 2), w = Architecture.convolved(p.width, stride: 2)
        var y = try graph.convolution(try reading(x, named: "input", int8: q("stem") != nil), weight: model.tensor("stem.weight"),
                                      bias: model.tensor("stem.bias"), outputChannels: Architecture.stemChannels, kernel: 3, stride: 2,
                                      relu6: true, output: q("stem"))
        var yName = "stem"
        for block in Architecture.blocks {
            let name = "blocks.\(block.number)"
            var z = y, zName = yName
            if block.expansion != 1 {
                let out = q("\(name).expand")
                z = try graph.convolution(try reading(z, named: zName, int8: out != nil), weight: model.tensor("\(name).expand.weight"),
                                          bias: model.tensor("\(name).expand.bias"), outputChannels: block.hiddenChannels, kernel: 1,
                                          stride: 1, relu6: true, output: out)
                zName = "\(name).expand"
            }
            let depthwise = q("\(name).depthwise")
            z = try graph.depthwise(try reading(z, named: zName, int8: depthwise != nil), weight: model.tensor("\(name).depthwise.weight"),
                                    bias: model.tensor("\(name).depthwise.bias"), stride: block.stride, output: depthwise)
            let project = q("\(name).project")
            z = try graph.convolution(try reading(z, named: "\(name).depthwise", int8: project != nil), weight: model.tensor("\(name).project.weight"),
                                      bias: model.tensor("\(name).project.bias"), outputChannels: block.outputChannels, kernel: 1, stride: 1,
                                      relu6: false, output: project)
            zName = "\(name).project"
            if block.hasResidual {
                let sum = q("\(name).sum")
                y = try graph.add(try reading(y, named: yName, int8: sum != nil), try reading(z, named: zName, int8: sum != nil), output: sum)
                yName = "\(name).sum"
            } else {
                (y, yName) = (z, zName)
            }
            if block.stride == 2 {
                h = Architecture.convolved(h, stride: 2)
                w = Architecture.convolved(w, stride: 2)
            }
        }
        // The 1280-channel head is the graph's output (fp32 in both precisions). Pooling and the
        // 1280×classes dense layer run in Swift (microseconds), which also hands the feature map
        // to the class activation map without a second output.
        let headOutput = try graph.value([1, h, w, Architecture.featureChannels], external: featuresID, output: true)
        let headQ = q("head")
        let head = try graph.convolution(try reading(y, named: yName, int8: headQ != nil), weight: model.tensor("head.weight"),
                                         bias: model.tensor("head.bias"), outputChannels: Architecture.featureChannels, kernel: 1,
                                         stride: 1, relu6: true, output: headQ)
        _ = headQ == nil ? try graph.copy(head, into: headOutput) : try graph.convert(head, into: headOutput)
        runtime = try graph.runtime(threads: self.threads)
        featureHeight = h
        featureWidth = w
        input = .allocate(capacity: p.height * p.width * 3)
        input.initialize(repeating: 0)
        features = .allocate(capacity: h * w * Architecture.featureChannels)
        features.initialize(repeating: 0)
        try runtime.bind([(inputID, UnsafeMutableRawPointer(input.baseAddress!)),
                          (featuresID, UnsafeMutableRawPointer(features.baseAddress!))])
    }

    deinit {
        input.deallocate()
        features.deallocate()
    }

    /// Preprocesses with the model's own rule, then classifies. With a canonical cell view this is
    /// the prediction for the cell with the largest nucleus (see `classifyCells`).
    public func classify(_ image: RGBImage) throws(EngineError) -> Prediction {
        try classifyCells(image)[0].prediction
    }

    /// One prediction per white cell the model's view finds, largest nucleus first; a single
    /// whole-picture prediction (`cell` nil) when the model has no view or no nucleus was found.
    public func classifyCells(_ image: RGBImage) throws(EngineError) -> [CellPrediction] {
        try classifyPicture(image).cells
    }

    /// The cells' predictions and the picture's stain (nucleus colour over background colour, for the
    /// stain check): nil without a canonical view or when the finder's nucleus mask is empty.
    public func classifyPicture(_ image: RGBImage) throws(EngineError) -> (cells: [CellPrediction], stain: [Float]?) {
        guard let rule = model.view else {
            return ([CellPrediction(cell: nil, prediction: try classify(tensor: model.preprocessing.tensor(from: image)))], nil)
        }
        let (inputs, search) = CanonicalView.inputsAndSearch(image, preprocessing: model.preprocessing, rule: rule)
        var out: [CellPrediction] = []
        for input in inputs {
            out.append(CellPrediction(cell: input.cell, prediction: try classify(tensor: input.tensor)))
        }
        return (out, search.nucleus.map { StainReference.relative(nucleus: $0, background: search.background) })
    }

    /// Classifies an already preprocessed NHWC tensor (height × width × 3).
    public func classify(tensor: [Float]) throws(EngineError) -> Prediction {
        precondition(tensor.count == input.count, "input tensor has \(tensor.count) values, the model takes \(input.count)")
        _ = input.update(fromContentsOf: tensor)
        try runtime.invoke()
        return Prediction(labels: model.labels, features: Array(features), height: featureHeight, width: featureWidth,
                          weights: model.tensor("classifier.weight"), bias: model.tensor("classifier.bias"))
    }
}

/// A white cell the canonical view found (nil: the whole picture) and what the network says of it.
public struct CellPrediction: Sendable {
    public let cell: NucleusFinder.Cell?
    public let prediction: Prediction
}
