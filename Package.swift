// swift-tools-version:6.1
import PackageDescription

/// Release builds of `stowage` keep an idle server small (README, "How idle memory was met"): the Swift runtime and
/// Foundation are linked in statically, so that lld can lay out the functions an idle server runs — listed in
/// Sources/stowage/link-order.txt by scripts/dev/link-order — on adjacent pages. With the functions scattered over
/// the executable and its shared libraries, the 64 KiB the kernel maps around each page fault made most of the
/// code resident.
let idleLayout = [
    "-static-stdlib", "-lCoreFoundation", "-l_FoundationICU", "-l_FoundationCShims", "-l_FoundationCollections",
    "-Xlinker", "--symbol-ordering-file=\(Context.packageDirectory)/Sources/stowage/link-order.txt",
    "-Xlinker", "--no-warn-symbol-ordering",
]

// Layering (see ../shared/DESIGN.md): StowageJSON <- StowageAPI <- StowageStore <- StowageClient; StowageCSI
// depends on StowageJSON only (Foundation only) so a driver depends on nothing else; the `stowage` executable
// ties everything together.
let package = Package(
    name: "Stowage",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "stowage", targets: ["stowage"]),
        .executable(name: "stowage-store-burst", targets: ["StoreBurst"]),
        .library(name: "StowageJSON", targets: ["StowageJSON"]),
        .library(name: "StowageAPI", targets: ["StowageAPI"]),
        .library(name: "StowageStore", targets: ["StowageStore"]),
        .library(name: "StowageClient", targets: ["StowageClient"]),
        .library(name: "StowageCSI", targets: ["StowageCSI"]),
        .library(name: "StowageDriverSanity", targets: ["StowageDriverSanity"]),
        .library(name: "StowageLinux", targets: ["StowageLinux"]),
        .library(name: "StowageServer", targets: ["StowageServer"]),
        .library(name: "StowageControllers", targets: ["StowageControllers"]),
        .library(name: "StowageNode", targets: ["StowageNode"]),
        .library(name: "StowageTesting", targets: ["StowageTesting"]),
        .executable(name: "stowage-hostpath", targets: ["HostPathDriver"]),
        .executable(name: "stowage-emptydir", targets: ["EmptyDirDriver"]),
        .executable(name: "stowage-loop", targets: ["LoopDriver"]),
        .executable(name: "stowage-container-init", targets: ["ContainerInit"]),
    ],
    dependencies: [
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        // mkfs, fsck, resize2fs and xfs_growfs are the only programs the drivers run; stderr goes into errors.
        .package(url: "https://github.com/swiftlang/swift-subprocess", from: "1.0.2"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        // kubectl exec (1.30+) speaks the v5.channel.k8s.io protocol over a WebSocket: the pods/exec subresource.
        .package(url: "https://github.com/hummingbird-project/hummingbird-websocket", from: "2.8.1"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/apple/swift-certificates", from: "1.21.1"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/apple/swift-asn1", from: "1.7.4"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
    ],
    targets: [
        // The one JSON implementation (parser, tree, writer, streaming encoder, tree decoder); Foundation only.
        .target(name: "StowageJSON", exclude: ["README.md"]),
        .target(
            name: "StowageAPI",
            dependencies: ["StowageJSON", .product(name: "Yams", package: "Yams")],
            exclude: ["README.md"]
        ),
        .target(
            name: "StowageStore",
            dependencies: [
                "StowageAPI",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(
            name: "StowageClient",
            dependencies: [
                "StowageJSON", "StowageAPI", "StowageStore",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Yams", package: "Yams"),
            ],
            exclude: ["README.md"]
        ),
        // The Kubernetes-compatible REST API (Hummingbird): routes, discovery, OpenAPI, auth, PKI, metrics.
        .target(
            name: "StowageServer",
            dependencies: [
                "StowageJSON", "StowageAPI", "StowageStore", "StowageClient", "StowageLinux",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "HummingbirdWebSocket", package: "hummingbird-websocket"),
                .product(name: "HummingbirdWSClient", package: "hummingbird-websocket"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
            ],
            exclude: ["README.md"]
        ),
        .target(name: "StowageCSI", dependencies: ["StowageJSON"], exclude: ["README.md"]),
        .target(name: "StowageDriverSanity", dependencies: ["StowageCSI"], exclude: ["README.md"]),
        // Kernel headers Glibc does not expose (loop and filesystem ioctls); header-only, nothing linked.
        .systemLibrary(name: "CLinuxLoop"),
        // libblkid: what is on a device before anything formats it.
        .systemLibrary(name: "CBlkid", pkgConfig: "blkid", providers: [.apt(["libblkid-dev"])]),
        // Thin wrappers over Linux system calls for the drivers: mounts, loop devices, blkid, quotas, reflink,
        // safe removal, durable files; errors name the call, the path and errno.
        .target(
            name: "StowageLinux",
            dependencies: ["CLinuxLoop", "CBlkid", .product(name: "Subprocess", package: "swift-subprocess")],
            exclude: ["README.md"]
        ),
        // The built-in drivers: each depends on the driver SDK and the Linux wrappers only.
        .executableTarget(name: "HostPathDriver", dependencies: [.product(name: "GRDB", package: "GRDB.swift"), "StowageCSI", "StowageLinux"], path: "drivers/hostpath", exclude: ["README.md", "run-sanity.sh"]),
        .executableTarget(name: "EmptyDirDriver", dependencies: ["StowageCSI", "StowageLinux"], path: "drivers/emptydir", exclude: ["README.md", "run-sanity.sh"]),
        // Starts one pod container's process in its own mount and UTS namespaces (run by the node agent).
        .executableTarget(name: "ContainerInit", dependencies: ["StowageLinux"]),
        .executableTarget(name: "LoopDriver", dependencies: ["StowageCSI", "StowageLinux"], path: "drivers/loop", exclude: ["README.md", "run-sanity.sh", "bench.sh"]),
        // The control loops: binder, provisioner, reclaimer, protection; they see the world through a Cluster and
        // reach storage through the driver protocol.
        .target(
            name: "StowageControllers",
            dependencies: ["StowageAPI", "StowageClient", "StowageCSI", .product(name: "Logging", package: "swift-log")],
            exclude: ["README.md"]
        ),
        // The node agent: registration, the volume manager (stage/publish for pods), pod status.
        .target(
            name: "StowageNode",
            dependencies: ["StowageAPI", "StowageClient", "StowageCSI", "StowageControllers", "StowageLinux",
                           .product(name: "Logging", package: "swift-log")],
            exclude: ["README.md"]
        ),
        // envtest for Stowage: a real store, the API and the controllers in process, drivers as real processes.
        .target(
            name: "StowageTesting",
            dependencies: ["StowageAPI", "StowageStore", "StowageClient", "StowageCSI", "StowageControllers", "StowageLinux", "StowageNode", "StowageServer",
                           .product(name: "Logging", package: "swift-log"),
                           .product(name: "ServiceLifecycle", package: "swift-service-lifecycle")]
        ),
        .target(
            name: "StowageBench",
            dependencies: ["StowageJSON", "StowageAPI", "StowageStore", "StowageClient", "StowageCSI"]
        ),
        .executableTarget(
            name: "stowage",
            dependencies: [
                "StowageJSON", "StowageAPI", "StowageStore", "StowageClient", "StowageCSI", "StowageDriverSanity", "StowageBench", "StowageServer", "StowageControllers", "StowageNode",
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "HummingbirdWSClient", package: "hummingbird-websocket"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ],
            exclude: ["link-order.txt"],
            linkerSettings: [
                .unsafeFlags(["-use-ld=lld", "-Xlinker", "-z", "-Xlinker", "pack-relative-relocs"], .when(platforms: [.linux])),
                .unsafeFlags(idleLayout, .when(platforms: [.linux], configuration: .release)),
            ]
        ),
        // Crash-safety helper run (and killed) by StowageStoreTests; not shipped.
        .executableTarget(name: "StoreBurst", dependencies: ["StowageStore", "StowageAPI"]),
        .testTarget(name: "StowageJSONTests", dependencies: ["StowageJSON"]),
        .testTarget(name: "StowageAPITests", dependencies: ["StowageAPI", "StowageJSON"]),
        .testTarget(name: "StowageStoreTests", dependencies: ["StowageStore", "StowageAPI", "StowageLinux"]),
        .testTarget(name: "StowageClientTests", dependencies: ["StowageClient", "StowageStore", "StowageAPI", "StowageJSON"]),
        .testTarget(name: "StowageCSITests", dependencies: ["StowageCSI", "StowageJSON"]),
        .testTarget(name: "StowageDriverSanityTests", dependencies: ["StowageDriverSanity", "StowageCSI", "StowageLinux"]),
        .testTarget(name: "StowageCLITests", dependencies: ["StowageAPI", "StowageJSON", "StowageClient", "StowageCSI", "StowageLinux"]),
        .testTarget(name: "StowageLinuxTests", dependencies: ["StowageLinux"]),
        .testTarget(
            name: "StowageServerTests",
            dependencies: [
                "StowageServer", "StowageClient", "StowageStore", "StowageAPI", "StowageJSON",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .testTarget(
            name: "StowageControllersTests",
            dependencies: ["StowageControllers", "StowageTesting", "StowageClient", "StowageStore", "StowageAPI", "StowageCSI", "StowageLinux"]
        ),
        .testTarget(
            name: "StowageNodeTests",
            dependencies: ["StowageNode", "StowageTesting", "StowageControllers", "StowageClient", "StowageAPI", "StowageCSI", "StowageLinux"]
        ),
        .testTarget(name: "StowageDriversTests", dependencies: ["StowageCSI", "StowageDriverSanity", "StowageLinux"]),
        // examples/swift-testing: how a user tests StatefulSet persistence from Swift with StowageTesting.
        .testTarget(name: "ExampleTests", dependencies: ["StowageTesting", "StowageAPI", "StowageClient"], path: "examples/swift-testing"),
    ]
)

// One section per function in release builds of Stowage's own modules, so that the order file can move each one.
for target in package.targets where target.type == .regular || target.type == .executable {
    target.swiftSettings = (target.swiftSettings ?? [])
        + [.unsafeFlags(["-Xfrontend", "-function-sections"], .when(platforms: [.linux], configuration: .release))]
}
