// swift-tools-version: 6.3
import PackageDescription
let package = Package(name: "sdprobe", targets: [
  .systemLibrary(name: "CLibYAML", pkgConfig: "yaml-0.1"),
  .target(name: "StructuredData", dependencies: ["CLibYAML"]),
  .executableTarget(name: "probe", dependencies: ["StructuredData"]),
])
