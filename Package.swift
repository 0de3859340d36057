// swift-tools-version:6.0
import PackageDescription

let fastSettings: [SwiftSetting] = [.unsafeFlags(["-enforce-exclusivity=unchecked"], .when(configuration: .release))]

let package = Package(
    name: "alloy",
    products: [
        .library(name: "AlloyCompiler", targets: ["AlloyCompiler"]),
        .library(name: "AlloyRuntime", targets: ["AlloyRuntime"]),
        .executable(name: "alloyc", targets: ["alloyc"]),
        .executable(name: "alloy", targets: ["alloy"]),
    ],
    targets: [
        // The hot paths (JSON, the fused reader, replay) keep their state in local values and
        // unsafe buffers; exclusivity is checked statically there, not at run time.
        .target(name: "AlloyCore", swiftSettings: fastSettings),
        .target(name: "AlloyCompiler", dependencies: ["AlloyCore"]),
        .target(name: "AlloyRuntime", dependencies: ["AlloyCore"], swiftSettings: fastSettings),
        .target(name: "AlloyCLICore", dependencies: ["AlloyCore"]),
        .target(name: "AlloyRuntimeCLI", dependencies: ["AlloyRuntime", "AlloyCLICore"], swiftSettings: fastSettings),
        .target(name: "AlloyLanguageServer", dependencies: ["AlloyCompiler", "AlloyCore"]),
        .target(name: "AlloyCLI", dependencies: ["AlloyCompiler", "AlloyRuntimeCLI", "AlloyCLICore", "AlloyLanguageServer"]),
        .executableTarget(name: "alloy", dependencies: ["AlloyRuntimeCLI"]),
        .executableTarget(name: "alloyc", dependencies: ["AlloyCLI"]),
        .executableTarget(name: "alloyc-bench", path: "Benchmarks/Generator"),
        .executableTarget(name: "alloyc-lsp-bench", path: "Benchmarks/LSP"),
        .executableTarget(name: "alloy-bench", path: "Benchmarks/Replay"),
        .testTarget(name: "AlloyCompilerTests", dependencies: ["AlloyCompiler", "AlloyCore"]),
        .testTarget(name: "AlloyRuntimeTests", dependencies: ["AlloyRuntime", "AlloyCore", "AlloyCompiler"]),
        .testTarget(name: "AlloyCLITests", dependencies: ["AlloyCLI", "AlloyCLICore", "AlloyRuntimeCLI", "AlloyRuntime", "AlloyCore", "alloyc", "alloy"]),
    ]
)
