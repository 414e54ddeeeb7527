// swift-tools-version: 6.0
import PackageDescription

let package = Package(
    name: "CollabGrid",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "grid-server", targets: ["GridServer"]),
        .executable(name: "grid-tui", targets: ["GridTUI"]),
        .executable(name: "grid-bench", targets: ["GridBench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-websocket", from: "2.8.1"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift", from: "0.2.0"),
        .package(url: "https://github.com/yaslab/CSV.swift", from: "2.5.2"),
        .package(url: "https://github.com/weichsel/ZIPFoundation", from: "0.9.20"),
        .package(url: "https://github.com/CoreOffice/XMLCoder", from: "0.18.2"),
    ],
    targets: [
        // C libraries from Debian, each behind exactly one Swift wrapper module.
        .systemLibrary(name: "CHiredis", pkgConfig: "hiredis", providers: [.apt(["libhiredis-dev"])]),
        .systemLibrary(name: "CMariaDB", pkgConfig: "libmariadb", providers: [.apt(["libmariadb-dev"])]),
        .systemLibrary(name: "CNcursesw", pkgConfig: "ncursesw", providers: [.apt(["libncurses-dev"])]),

        .target(
            name: "RedisClient",
            dependencies: [
                "CHiredis",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .target(
            name: "MySQLClient",
            dependencies: [
                "CMariaDB",
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        // Signed access tokens: pure, no I/O, shared by the server, its admin commands and tests.
        .target(
            name: "GridAuth",
            dependencies: [
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        // The protocol: messages, codec, cell addresses, versions and the grid model. Pure; the
        // server links it without any client code.
        .target(name: "Shared"),
        // The formula engine: parser, values, functions, dependency graph. Pure and
        // deterministic; every client runs it over the same log (docs/FORMULAS.md).
        .target(name: "GridFormula", dependencies: ["Shared"]),
        // CSV and XLSX in and out: cells from a file (errors name the line and column) and files
        // from cells; zlib from Debian under ZIPFoundation.
        .target(
            name: "GridFiles",
            dependencies: [
                "Shared",
                .product(name: "CSV", package: "CSV.swift"),
                .product(name: "ZIPFoundation", package: "ZIPFoundation"),
                .product(name: "XMLCoder", package: "XMLCoder"),
            ]
        ),
        // The client core: the pure `ClientState` its driver owns, and `GridClient`, the
        // WebSocket transport. Used by grid-tui (full screen and headless) and tests.
        .target(
            name: "GridClientCore",
            dependencies: [
                "Shared", "GridFormula",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "HummingbirdWSClient", package: "hummingbird-websocket"),
            ]
        ),
        .target(
            name: "GridServerKit",
            dependencies: [
                "Shared", "RedisClient", "MySQLClient", "GridAuth",
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "HummingbirdWebSocket", package: "hummingbird-websocket"),
                .product(name: "NIOWebSocket", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(
            name: "EventLoopMain",
            dependencies: [
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ]
        ),
        .executableTarget(
            name: "GridServer",
            dependencies: [
                "GridServerKit", "GridAuth", "EventLoopMain",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .target(
            name: "GridTUIKit",
            dependencies: [
                "Shared", "GridClientCore", "GridFiles", "GridFormula", "CNcursesw",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .executableTarget(
            name: "GridTUI",
            dependencies: [
                "GridTUIKit",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),

        .target(
            name: "GridBenchKit",
            dependencies: [
                "Shared", "GridFormula", "RedisClient", "MySQLClient", "GridAuth",
                .product(name: "Histogram", package: "hdrhistogram-swift"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOWebSocket", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .executableTarget(
            name: "GridBench",
            dependencies: [
                "GridBenchKit", "GridAuth", "EventLoopMain",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),

        .target(name: "TestSupport", path: "Tests/TestSupport"),
        .testTarget(name: "SharedTests", dependencies: ["Shared", "GridClientCore", "GridFormula", "GridFiles", "GridTUIKit", "GridAuth", "GridBenchKit", "GridServerKit", "TestSupport"]),
        // Pure server logic (limits, admission), no I/O: run with the unit tests.
        // The formula engine against LibreOffice's results (Fixtures, made by scripts/formula-fixtures).
        .testTarget(name: "GridFormulaTests", dependencies: ["GridFormula", "Shared"], exclude: ["Fixtures"]),
        // CSV and XLSX against LibreOffice's files and readings (Fixtures, made by scripts/file-fixtures).
        .testTarget(
            name: "GridFilesTests", dependencies: ["GridFiles", "Shared", .product(name: "ZIPFoundation", package: "ZIPFoundation")],
            exclude: ["Fixtures"]
        ),
        .testTarget(name: "GridServerKitTests", dependencies: ["GridServerKit", "Shared", "GridAuth", "RedisClient"]),
        .testTarget(name: "IntegrationTests", dependencies: ["RedisClient", "MySQLClient", "GridServerKit", "Shared", "TestSupport"]),
        .testTarget(
            name: "SystemTests",
            dependencies: [
                "Shared", "MySQLClient", "TestSupport", "GridAuth",
                // Slots and cluster URLs, to count a server's connections on a Redis Cluster.
                "RedisClient",
                // Reads LibreOffice's files and the exports of a live grid.
                "GridFiles",
                // The hostile-client test speaks raw WebSocket frames.
                .product(name: "HummingbirdWSClient", package: "hummingbird-websocket"),
                .product(name: "NIOWebSocket", package: "swift-nio"),
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)
