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
        .package(url: "https://github.com/apple/swift-nio", exact: "2.101.3"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", exact: "2.13.0"),
    ],
    targets: [
        .systemLibrary(name: "CLibYAML", pkgConfig: "yaml-0.1", providers: [.apt(["libyaml-dev"])]),
        .systemLibrary(name: "CLibCrypto", pkgConfig: "libcrypto", providers: [.apt(["libssl-dev"])]),
        .systemLibrary(name: "CLibArchive", pkgConfig: "libarchive", providers: [.apt(["libarchive-dev"])]),
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        .systemLibrary(name: "CLibCurl", pkgConfig: "libcurl", providers: [.apt(["libcurl4-openssl-dev"])]),
        .target(name: "StructuredData", dependencies: ["CLibYAML"], swiftSettings: strict),
        .target(name: "Templating", dependencies: ["StructuredData", "CLibCrypto"], swiftSettings: strict),
        .target(name: "ChartEngine",
                dependencies: ["Templating", "StructuredData", "CLibArchive", "CZlib", "CLibCrypto", "CLibCurl"],
                swiftSettings: strict),
        .target(name: "RepoServer",
                dependencies: [
                    "ChartEngine", "Templating", "StructuredData", "CZlib",
                    .product(name: "NIOCore", package: "swift-nio"),
                    .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                    .product(name: "NIOPosix", package: "swift-nio"),
                    .product(name: "NIOHTTP1", package: "swift-nio"),
                    .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                    .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                ],
                swiftSettings: strict),
        .executableTarget(
            name: "helmctl",
            dependencies: [
                "ChartEngine", "Templating", "StructuredData", "RepoServer",
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
        .testTarget(name: "RepoServerTests",
                    dependencies: [
                        "RepoServer", "ChartEngine",
                        .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                    ],
                    swiftSettings: strict),
    ]
)
