import HematoImage
import HematoNet
import Foundation
let model = try ModelFile.bundled()
let c = try Classifier(model: model)
for path in CommandLine.arguments.dropFirst() {
    let img = try ImageDecoding.load(path)
    let t0 = Date()
    let p = try c.classify(img)
    print(path, p.probabilities, p.topLabel, Date().timeIntervalSince(t0))
}
