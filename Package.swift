// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "alloy",
    products: [
        .library(name: "AlloyCompiler", targets: ["AlloyCompiler"]),
        .executable(name: "alloyc", targets: ["alloyc"]),
    ],
    targets: [
        .target(name: "AlloyCore"),
        .target(name: "AlloyCompiler", dependencies: ["AlloyCore"]),
        .target(name: "AlloyCLI", dependencies: ["AlloyCompiler"]),
        .executableTarget(name: "alloyc", dependencies: ["AlloyCLI"]),
        .executableTarget(name: "alloyc-bench", path: "Benchmarks/Generator"),
        .testTarget(name: "AlloyCompilerTests", dependencies: ["AlloyCompiler", "AlloyCore"]),
        .testTarget(name: "AlloyCLITests", dependencies: ["AlloyCLI", "alloyc"]),
    ]
)
