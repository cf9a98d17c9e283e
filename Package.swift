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
        .package(url: "https://github.com/apple/swift-nio", exact: "2.101.3"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", exact: "2.13.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl", exact: "2.37.6"),
    ],
    targets: [
        .systemLibrary(name: "CLibYAML", pkgConfig: "yaml-0.1", providers: [.apt(["libyaml-dev"])]),
        // libcurl and libarchive are loaded on first use (dlopen): their dependency trees cost ~8.5 ms
        // of every process start otherwise. Headers from libcurl4-openssl-dev/libarchive-dev.
        // libcrypto (~1.0 ms of loading and initialisers), libsqlite3 (~0.3 ms) and libcrypt (~0.2 ms)
        // likewise: most commands use none of them. Headers from libssl-dev, libcrypt-dev, libsqlite3-dev.
        .target(name: "CDynamicLoad"),
        .target(name: "CLibCrypto", dependencies: ["CDynamicLoad"]),
        .target(name: "CSQLite3", dependencies: ["CDynamicLoad"]),
        .target(name: "CLibArchive", dependencies: ["CDynamicLoad"]),
        .target(name: "CLibCurl", dependencies: ["CDynamicLoad"]),
        // The one pair of libcurl body/header callbacks every HTTP client here shares.
        .target(name: "CurlSupport", dependencies: ["CLibCurl"], swiftSettings: strict),
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        // glibc calls that Swift's Glibc module leaves out (pipe2, closefrom for posix_spawn, setns).
        .systemLibrary(name: "CLinux"),
        .target(name: "StructuredData", dependencies: ["CLibYAML"], swiftSettings: strict),
        // helmctl's command-line parser (pflag's rules, cobra's help), without runtime reflection.
        .target(name: "CommandLineKit", dependencies: ["StructuredData"], swiftSettings: strict),
        // The executor keeps its state in class properties; dynamic exclusivity checks on each access
        // cost ~2% of rendering (measured with callgrind), so they are compiled out for this target.
        .target(name: "Templating", dependencies: ["StructuredData", "CLibCrypto"],
                swiftSettings: strict + [.unsafeFlags(["-enforce-exclusivity=unchecked"])]),
        // A blocking Kubernetes REST client (kubeconfig, discovery, CRUD, server-side apply) for releases.
        .target(name: "KubeClient",
                dependencies: ["StructuredData", "CLibYAML",
                               .product(name: "NIOCore", package: "swift-nio"),
                               .product(name: "NIOPosix", package: "swift-nio"),
                               .product(name: "NIOHTTP1", package: "swift-nio"),
                               .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                               .product(name: "NIOSSL", package: "swift-nio-ssl")],
                swiftSettings: strict),
        .target(name: "ChartEngine",
                dependencies: ["Templating", "StructuredData", "CLibArchive", "CZlib", "CLibCrypto", "CLibCurl",
                               "CurlSupport", "KubeClient"],
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
        // The bundled cluster, in three layers (../shared/design/ARCHITECTURE.md "ClusterCore"):
        // ClusterStore = revisioned key-value store (SQLite, etcd, memory); ClusterAPI = pure Kubernetes
        // API semantics (resources, schemas, protobuf, patches, apply, selectors, tables, admission);
        // ClusterCore = the API server, controllers and the local-cluster assembly.
        .target(name: "ClusterStore",
                dependencies: [
                    "CSQLite3", "CLibCurl", "CurlSupport", "StructuredData",
                    .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                    .product(name: "NIOPosix", package: "swift-nio"),
                ],
                exclude: ["README.md"],
                swiftSettings: strict),
        .target(name: "ClusterAPI", dependencies: ["StructuredData"], swiftSettings: strict),
        .target(name: "LayerArchive", dependencies: ["CLibArchive"], swiftSettings: strict),  // image layers for ClusterCore
        .target(name: "ClusterCore",
                dependencies: [
                    "ClusterAPI", "ClusterStore", "StructuredData", "CLibYAML", "CLibCrypto", "CLinux", "CLibCurl", "CurlSupport", "LayerArchive",
                    .product(name: "NIOCore", package: "swift-nio"),
                    .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                    .product(name: "NIOPosix", package: "swift-nio"),
                    .product(name: "NIOHTTP1", package: "swift-nio"),
                    .product(name: "NIOWebSocket", package: "swift-nio"),
                    .product(name: "NIOSSL", package: "swift-nio-ssl"),
                    .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                    .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                ],
                swiftSettings: strict),
        .executableTarget(
            name: "helmctl",
            dependencies: [
                "ChartEngine", "Templating", "StructuredData", "RepoServer", "ClusterCore", "ClusterStore",
                "KubeClient", "CommandLineKit",
            ],
            swiftSettings: strict,
            // The Swift runtime linked in: every command starts several ms sooner without loading and
            // relocating a dozen Swift shared libraries (helmctl --help is start-up bound).
            // FoundationEssentials, where a dependency pulls it in, needs its two helper libraries
            // named explicitly. Not position-independent (as Go links its binaries): the loader then
            // has no ~93,000 relative relocations to apply and no data pages to dirty at every start
            // (~0.5 ms of each command). No exported dynamic symbols: the Swift runtime's start-up
            // (its backtracer's dladdr) scanned all ~24,800 of them linearly in every process.
            linkerSettings: [.unsafeFlags(["-static-stdlib", "-Xlinker", "-l_FoundationCollections",
                                           "-Xlinker", "-l_FoundationCShims", "-Xlinker", "-no-pie",
                                           "-Xlinker", "--no-export-dynamic"],
                                          .when(platforms: [.linux]))]),
        .executableTarget(name: "helmctl-bench", dependencies: ["ChartEngine", "Templating", "StructuredData"],
                          path: "Benchmarks/RenderBench", swiftSettings: strict),
        // The store's kill -9 stress writer and benchmark (raw SQLite/etcd baselines use the C modules directly).
        .executableTarget(name: "helmctl-store-bench", dependencies: ["ClusterStore", "CSQLite3", "CLibCurl"],
                          path: "Benchmarks/StoreBench", swiftSettings: strict),
        .target(name: "TestSupport", dependencies: ["StructuredData", "Templating", "ChartEngine"],
                path: "Tests/TestSupport", swiftSettings: strict),
        .testTarget(name: "CommandLineKitTests", dependencies: ["CommandLineKit"], swiftSettings: strict),
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
                        "RepoServer", "ChartEngine", "TestSupport",
                        .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                    ],
                    swiftSettings: strict),
            .testTarget(name: "ClusterStoreTests", dependencies: ["ClusterStore", "StructuredData"],
                    swiftSettings: strict),
        .testTarget(name: "ClusterAPITests", dependencies: ["ClusterAPI", "StructuredData"],
                    resources: [.copy("Fixtures")],
                    swiftSettings: strict),
        .testTarget(name: "KubeClientTests", dependencies: ["KubeClient", "ChartEngine", "StructuredData"],
                    resources: [.copy("Fixtures")],
                    swiftSettings: strict),
        .testTarget(name: "ClusterCoreTests",
                    dependencies: ["ClusterCore", "ClusterAPI", "ClusterStore", "StructuredData", "TestSupport",
                                   .product(name: "NIOHTTP1", package: "swift-nio"), .product(name: "NIOWebSocket", package: "swift-nio")],
                    swiftSettings: strict),
    ]
)
