// swift-tools-version:6.0
// HematoVision: review white-blood-cell images in a terminal.
//
// The modules and what each imports (an arrow points at a dependency; none points back up):
//
//   hematovision   → HematoTerminal, HematoBatch, HematoNet, HematoReview, HematoImage,
//                    HematoAdapt, HematoFiles, CAffinity, ArgumentParser
//   HematoTerminal → HematoReview, HematoImage, HematoAdapt, HematoFiles, CNCursesW, CCursesShim, CSixel
//   HematoBatch    → HematoReview, HematoFiles
//   HematoNet      → HematoImage, HematoAdapt, HematoFiles, CXNNPack, CBundledModel
//   HematoReview   → HematoAdapt, HematoFiles
//   HematoImage    → HematoFiles, CTurboJPEG, CPNG, CTIFF
//   HematoAdapt    → HematoFiles, CVectorKernels
//   HematoFiles    → (the C library only)
//
// ARCHITECTURE.md says what each module owns and may not touch. Tests/ArchitectureTests holds
// the targets below and every `import` in Sources/ to this graph, and errno to HematoFiles.
import PackageDescription

let package = Package(
    name: "HematoVision",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "hematovision", targets: ["hematovision"]),
        // For the fuzz targets in Fuzz/ (a package of their own, which names these by path).
        .library(name: "HematoImage", targets: ["HematoImage"]),
        .library(name: "HematoNet", targets: ["HematoNet"]),
        .library(name: "HematoReview", targets: ["HematoReview"]),
        .library(name: "HematoAdapt", targets: ["HematoAdapt"]),
        .library(name: "HematoBatch", targets: ["HematoBatch"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        // System libraries, one thin shim header each.
        .systemLibrary(name: "CTurboJPEG", pkgConfig: "libturbojpeg",
                       providers: [.apt(["libturbojpeg0-dev"])]),
        .systemLibrary(name: "CPNG", pkgConfig: "libpng",
                       providers: [.apt(["libpng-dev"])]),
        .systemLibrary(name: "CTIFF", pkgConfig: "libtiff-4",
                       providers: [.apt(["libtiff-dev"])]),
        .systemLibrary(name: "CSixel", pkgConfig: "libsixel",
                       providers: [.apt(["libsixel-dev"])]),
        .systemLibrary(name: "CNCursesW", pkgConfig: "ncursesw",
                       providers: [.apt(["libncurses-dev"])]),
        // XNNPACK ships no .pc file: its module map links XNNPACK and pthreadpool by name.
        .systemLibrary(name: "CXNNPack",
                       providers: [.apt(["libxnnpack-dev", "libpthreadpool-dev"])]),
        // curses macros (COLOR_PAIR, A_BOLD, ...) as real functions Swift can call.
        .target(name: "CCursesShim", dependencies: ["CNCursesW"]),

        // Every file-system call (open, atomic replace, append, flock) and its typed errors:
        // the one place above which nobody sees errno.
        .target(name: "HematoFiles"),
        .target(name: "HematoImage", dependencies: ["HematoFiles", "CTurboJPEG", "CPNG", "CTIFF"]),
        .target(name: "HematoNet", dependencies: ["HematoFiles", "HematoImage", "HematoAdapt", "CXNNPack", "CBundledModel"],
                resources: [.copy("Resources/hematovision-mobilenetv2.safetensors"),
                            .copy("Resources/hematovision-mobilenetv2.int8.json"),
                            .copy("Resources/hematovision-mobilenetv2.stain.json")]),
        // The same model file compiled into the binary (C23 #embed), so the binary alone runs anywhere.
        .target(name: "CBundledModel"),
        // Learning the reviewer's lab: head refits, temperatures, lab files, the shift check. Swift,
        // with its two hot loops in C so they can use AVX2/FMA where the processor has them.
        .target(name: "CVectorKernels"),
        // The CPUs this process may use (sched_getaffinity needs _GNU_SOURCE), for the default worker count.
        .target(name: "CAffinity"),
        .target(name: "HematoAdapt", dependencies: ["HematoFiles", "CVectorKernels"]),
        .target(name: "HematoReview", dependencies: ["HematoFiles", "HematoAdapt"]),
        // What only the batch commands compute: sharding and merging `classify`, scoring `evaluate`.
        .target(name: "HematoBatch", dependencies: ["HematoFiles", "HematoReview"]),
        .target(name: "HematoTerminal",
                dependencies: ["HematoFiles", "HematoReview", "HematoAdapt", "HematoImage", "CNCursesW", "CCursesShim", "CSixel"]),
        .executableTarget(name: "hematovision", dependencies: [
            "HematoFiles", "HematoImage", "HematoNet", "HematoAdapt", "HematoReview", "HematoBatch", "HematoTerminal", "CAffinity",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),

        .testTarget(name: "HematoFilesTests", dependencies: ["HematoFiles"]),
        .testTarget(name: "HematoImageTests", dependencies: ["HematoImage"], exclude: ["Fixtures"]),
        .testTarget(name: "HematoAdaptTests", dependencies: ["HematoAdapt"]),
        .testTarget(name: "HematoReviewTests", dependencies: ["HematoReview", "HematoFiles"], exclude: ["Fixtures"]),
        .testTarget(name: "HematoBatchTests", dependencies: ["HematoBatch", "HematoReview", "HematoFiles"]),
        .testTarget(name: "HematoNetTests", dependencies: ["HematoNet", "HematoImage"]),
        .testTarget(name: "HematoTerminalTests", dependencies: ["HematoTerminal", "HematoReview", "HematoImage"],
                    exclude: ["Snapshots"]),
        // Reads Sources/ and this file as text: the import graph above holds, errno stays in HematoFiles.
        .testTarget(name: "ArchitectureTests"),
        // Drives the built `hematovision` binary (in tmux for the review screen).
        .testTarget(name: "EndToEndTests", dependencies: ["hematovision", "HematoReview", "HematoImage", "HematoFiles"],
                    exclude: ["Fixtures"]),
    ]
)
