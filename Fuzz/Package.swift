// swift-tools-version:5.4
// libFuzzer targets for HematoVision's six parsers. A package of its own, so the app's
// `swift build` and `swift test` never see it: these executables have no `main` and link only
// with libFuzzer's. Build one at a time (a plain `swift build` here would build the app too):
//   swift build -c release -Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library --product fuzz-labels
// Tools version 5.4 on purpose: from 5.5 on, SwiftPM links executables on Linux with
// `--defsym main=<module>_main`, which a target whose `main` is libFuzzer's cannot satisfy.
import PackageDescription

let package = Package(
    name: "HematoVisionFuzz",
    dependencies: [
        .package(name: "HematoVision", path: ".."),
    ],
    targets: [
        // Writes one input to a scratch file, for the entry points that take a path.
        .target(name: "FuzzScratch"),
        .executableTarget(name: "fuzz-labels", dependencies: [
            .product(name: "HematoReview", package: "HematoVision"),
        ]),
        .executableTarget(name: "fuzz-journal", dependencies: [
            "FuzzScratch", .product(name: "HematoReview", package: "HematoVision"),
        ]),
        .executableTarget(name: "fuzz-model-header", dependencies: [
            "FuzzScratch", .product(name: "HematoNet", package: "HematoVision"),
        ]),
        .executableTarget(name: "fuzz-image-headers", dependencies: [
            "FuzzScratch", .product(name: "HematoImage", package: "HematoVision"),
        ]),
        .executableTarget(name: "fuzz-shard-record", dependencies: [
            .product(name: "HematoBatch", package: "HematoVision"), .product(name: "HematoReview", package: "HematoVision"),
        ]),
        .executableTarget(name: "fuzz-lab", dependencies: [
            .product(name: "HematoAdapt", package: "HematoVision"),
        ]),
    ]
)
