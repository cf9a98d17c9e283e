// swift-tools-version: 6.3
import PackageDescription

/// Every target builds in Swift 6 mode with the upcoming features that make the compiler guard module
/// boundaries (see ../shared/design/STYLE.md §2).
let strict: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

let package = Package(
    name: "helmctl",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "helmctl", targets: ["helmctl"]),
        .executable(name: "helmctl-bench", targets: ["helmctl-bench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", exact: "1.8.2"),
    ],
    targets: [
        .systemLibrary(name: "CLibYAML", pkgConfig: "yaml-0.1", providers: [.apt(["libyaml-dev"])]),
        .systemLibrary(name: "CLibCrypto", pkgConfig: "libcrypto", providers: [.apt(["libssl-dev"])]),
        .systemLibrary(name: "CLibArchive", pkgConfig: "libarchive", providers: [.apt(["libarchive-dev"])]),
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        .target(name: "StructuredData", dependencies: ["CLibYAML"], swiftSettings: strict),
        .target(name: "Templating", dependencies: ["StructuredData", "CLibCrypto"], swiftSettings: strict),
        .target(name: "ChartEngine",
                dependencies: ["Templating", "StructuredData", "CLibArchive", "CZlib", "CLibCrypto"],
                swiftSettings: strict),
        .executableTarget(
            name: "helmctl",
            dependencies: [
                "ChartEngine", "Templating", "StructuredData",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: strict),
        .executableTarget(name: "helmctl-bench", dependencies: ["ChartEngine", "Templating", "StructuredData"],
                          path: "Benchmarks/RenderBench", swiftSettings: strict),
        .target(name: "TestSupport", dependencies: ["StructuredData", "Templating", "ChartEngine"],
                path: "Tests/TestSupport", swiftSettings: strict),
        .testTarget(name: "StructuredDataTests", dependencies: ["StructuredData", "TestSupport"],
                    swiftSettings: strict),
        .testTarget(name: "TemplatingTests", dependencies: ["Templating", "StructuredData", "TestSupport"],
                    swiftSettings: strict),
        .testTarget(name: "ChartEngineTests",
                    dependencies: ["ChartEngine", "Templating", "StructuredData", "TestSupport", "CLibArchive"],
                    resources: [.copy("Fixtures")],
                    swiftSettings: strict),
    ]
)
