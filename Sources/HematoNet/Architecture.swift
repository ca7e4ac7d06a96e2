/// MobileNetV2's shape, as the model file stores it (see Training/folded.py).
/// The Swift loader checks every tensor against this before building anything.
enum Architecture {
    struct Block {
        let number: Int
        let inputChannels: Int
        let outputChannels: Int
        let stride: Int
        let expansion: Int
        var hiddenChannels: Int { inputChannels * expansion }
        var hasResidual: Bool { stride == 1 && inputChannels == outputChannels }
    }

    static let stemChannels = 32
    static let featureChannels = 1280

    /// The paper's table: (expansion, output channels, repeats, first stride).
    static let blocks: [Block] = {
        let settings = [(1, 16, 1, 1), (6, 24, 2, 2), (6, 32, 3, 2), (6, 64, 4, 2), (6, 96, 3, 1), (6, 160, 3, 2), (6, 320, 1, 1)]
        var out: [Block] = []
        var input = stemChannels
        for (t, c, n, s) in settings {
            for i in 0..<n {
                out.append(Block(number: out.count + 1, inputChannels: input, outputChannels: c, stride: i == 0 ? s : 1, expansion: t))
                input = c
            }
        }
        return out
    }()

    /// Every tensor the file must hold, and its shape.
    static func expectedShapes(classes: Int) -> [String: [Int]] {
        var shapes: [String: [Int]] = ["stem.weight": [stemChannels, 3, 3, 3], "stem.bias": [stemChannels]]
        for b in blocks {
            let p = "blocks.\(b.number)"
            if b.expansion != 1 {
                shapes["\(p).expand.weight"] = [b.hiddenChannels, 1, 1, b.inputChannels]
                shapes["\(p).expand.bias"] = [b.hiddenChannels]
            }
            shapes["\(p).depthwise.weight"] = [1, 3, 3, b.hiddenChannels]
            shapes["\(p).depthwise.bias"] = [b.hiddenChannels]
            shapes["\(p).project.weight"] = [b.outputChannels, 1, 1, b.hiddenChannels]
            shapes["\(p).project.bias"] = [b.outputChannels]
        }
        shapes["head.weight"] = [featureChannels, 1, 1, 320]
        shapes["head.bias"] = [featureChannels]
        shapes["classifier.weight"] = [classes, featureChannels]
        shapes["classifier.bias"] = [classes]
        return shapes
    }

    /// Output side of a 3×3 convolution with padding 1 (PyTorch's arithmetic).
    static func convolved(_ size: Int, stride: Int) -> Int { (size + 2 - 3) / stride + 1 }
}
