import Foundation
import HematoAdapt
import HematoNet
import HematoReview

extension Bench {
    /// What one decision costs the review's learning: the refit on the background
    /// worker (warm-started from the fit before it, as in review), and the main
    /// thread's share (gathering the examples for the request).
    func benchAdaptation(_ folder: String) throws {
        let model = try modelOptions.load()
        let names: [String]
        do { names = try ImageFolder.listRecursively(folder) } catch { throw CommandFailure(error.description) }
        guard !names.isEmpty else { throw CommandFailure("no images in \(DisplayName.escaped(folder))") }
        let outcomes = try BatchClassifier(model: model, workers: 2, keepFeatures: true).run(names.map { folder + "/" + $0 })
        var features: [[Float]] = [], labels: [Int] = []
        for outcome in outcomes {
            guard case .classified(let p, let feature?, _, _) = outcome else { continue }
            features.append(feature)
            // The reviewer's class: the model's top class, corrected for every fifth image.
            let top = p.indices.max { p[$0] < p[$1] }!
            labels.append(features.count % 5 == 0 ? (top + 1) % p.count : top)
        }
        let clock = { Double(DispatchTime.now().uptimeNanoseconds) / 1e6 }
        // The review loop's part when a refit lands: every image's new probabilities into the
        // session, and the "least confident first" queue sorted again.
        var session = ReviewSession(names: (0..<features.count).map { "image\($0).jpg" }, modelLabels: model.labels)
        for i in features.indices {
            session = session.reduce(.opinion(index: i, .predicted(probabilities: model.head.probabilities(features[i]), imageHash: "h"))).0
        }
        session = session.reduce(.toggleOrder).0
        let fresh = Dictionary(uniqueKeysWithValues: features.indices.map { ($0, model.head.withTemperature(1.5).probabilities(features[$0])) })
        let adoptStart = clock()
        session = session.reduce(.repredicted(fresh, trust: session.trust)).0
        print(String(format: "adopting a refit in the review loop: %.2f ms for %d images (least confident first)", clock() - adoptStart, features.count))
        print("refits over 40 decisions made one at a time after N (below 16, up to 16: the anchored ones), each warm-started from the one before, \(features.count) images")
        let reference = ExampleSet(features: features)  // as a review passes them (here decided ones too: timing only)
        for n in [4, 12, 16, 100, 1000] {  // below 16 the refits are anchored on the reference images
            var examples = ExampleSet(dimensions: model.head.dimensions)
            for i in 0..<(n - 1) { examples.append(features[i % features.count], label: labels[i % labels.count]) }
            let before = Adaptation(prior: model.head).refit(examples, reference: reference)
            examples.append(features[(n - 1) % features.count], label: labels[(n - 1) % labels.count])
            var steps: [Double] = []
            var grown = examples
            var state = before
            // One decision at a time for 40 more decisions (below 16, up to 16: the refits anchored
            // on the reference images, each with leave-one-out from 4): the median is a refit without
            // cross-validation, the largest one with it.
            for j in 0..<(n < 16 ? 16 - n : 40) {
                grown.append(features[(n + j) % features.count], label: labels[(n + j) % labels.count])
                let start = clock()
                state = state.refit(grown, reference: reference)
                steps.append(clock() - start)
            }
            steps.sort()
            // The main thread's part: copying the examples out for the worker.
            let bank = Dictionary(uniqueKeysWithValues: (0..<n).map { ($0, features[$0 % features.count]) })
            let start = clock()
            var gathered = ExampleSet(dimensions: model.head.dimensions)
            for i in 0..<n { gathered.append(bank[i]!, label: labels[i % labels.count]) }
            let gather = clock() - start
            let cold = HeadFit.fit(examples, prior: model.head, from: nil, reference: reference)
            var more = examples
            more.append(features[n % features.count], label: labels[n % labels.count])
            let fitStart = clock()
            let warm = HeadFit.fit(more, prior: model.head, from: cold, reference: reference)
            let fitTime = clock() - fitStart
            print(String(format: "  %5d decisions   refit median %7.2f ms, 90th percentile %7.2f, largest %7.2f   main thread %5.2f ms   (head alone: %.2f ms, %d evaluations)",
                         n, steps[steps.count / 2], steps[steps.count * 9 / 10], steps[steps.count - 1], gather, fitTime, warm.evaluations))
        }
    }
}
