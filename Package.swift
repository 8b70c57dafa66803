// swift-tools-version:6.2
import PackageDescription

/// Gatehouse: an OAuth 2.0 / OpenID Connect provider.
/// Dependencies point toward GatehouseCore; only GatehouseCLI knows the concrete backends.
let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
]

let package = Package(
    name: "gatehouse",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "gatehouse", targets: ["GatehouseCLI"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache.git", from: "2.1.1"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-extras.git", from: "1.35.2"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
    ],
    targets: [
        // C libraries from Debian, one shim each.
        .systemLibrary(name: "CLibPQ", pkgConfig: "libpq", providers: [.apt(["libpq-dev"])]),
        .systemLibrary(name: "COpenSSL", pkgConfig: "openssl", providers: [.apt(["libssl-dev"])]),
        .systemLibrary(name: "CArgon2", pkgConfig: "libargon2", providers: [.apt(["libargon2-dev"])]),
        // libxcrypt's crypt_rn, for bcrypt hashes imported from other providers (LegacyPasswordVerifier).
        .systemLibrary(name: "CCrypt", pkgConfig: "libxcrypt", providers: [.apt(["libcrypt-dev"])]),
        .systemLibrary(name: "CHiredis", pkgConfig: "hiredis", providers: [.apt(["libhiredis-dev"])]),
        .systemLibrary(name: "CCurl", pkgConfig: "libcurl", providers: [.apt(["libcurl4-openssl-dev"])]),
        // Typed wrappers for libcurl's variadic curl_easy_setopt / curl_easy_getinfo.
        .target(name: "CCurlShim", dependencies: ["CCurl"]),
        // QR codes for TOTP enrolment, drawn by GatehouseWeb as inline SVG.
        .systemLibrary(name: "CQRencode", pkgConfig: "libqrencode", providers: [.apt(["libqrencode-dev"])]),

        // Django's common-password list ships as data (scripts/update-common-passwords.sh).
        .target(name: "GatehouseCore", resources: [.copy("Resources/common-passwords.txt")], swiftSettings: swiftSettings),
        // The bounded, suspending lease of connections both C-library pools build on.
        .target(name: "GatehousePooling",
                dependencies: [.product(name: "NIOConcurrencyHelpers", package: "swift-nio")],
                swiftSettings: swiftSettings),
        .target(
            name: "GatehouseCrypto",
            dependencies: ["GatehouseCore", "COpenSSL", "CArgon2", "CCrypt",
                           .product(name: "NIOPosix", package: "swift-nio"),
                           .product(name: "NIOConcurrencyHelpers", package: "swift-nio")],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "GatehousePostgres",
            dependencies: ["GatehouseCore", "GatehousePooling", "CLibPQ",
                           .product(name: "NIOPosix", package: "swift-nio"),
                           .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                           .product(name: "Logging", package: "swift-log")],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "GatehouseRedis",
            dependencies: ["GatehouseCore", "GatehousePooling", "CHiredis",
                           .product(name: "NIOPosix", package: "swift-nio"),
                           .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                           .product(name: "Logging", package: "swift-log")],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "GatehouseMail",
            dependencies: ["GatehouseCore", "CCurl", "CCurlShim",
                           .product(name: "NIOPosix", package: "swift-nio"),
                           .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                           .product(name: "Logging", package: "swift-log"),
                           .product(name: "ServiceLifecycle", package: "swift-service-lifecycle")],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "GatehouseWeb",
            dependencies: ["GatehouseCore", "CQRencode",
                           .product(name: "Hummingbird", package: "hummingbird"),
                           // The HTTP server's timeouts (HTTPServerTimeouts): Hummingbird's server builder and a channel handler.
                           .product(name: "HummingbirdCore", package: "hummingbird"),
                           // ByteBuffer for bodies, and the HTTP field names Web adds (X-Forwarded-For, Forwarded).
                           .product(name: "NIOCore", package: "swift-nio"),
                           .product(name: "HTTPTypes", package: "swift-http-types"),
                           .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                           .product(name: "Mustache", package: "swift-mustache"),
                           .product(name: "Logging", package: "swift-log"),
                           .product(name: "Metrics", package: "swift-metrics"),
                           // Live event streams end when the server shuts down (EventsRoute).
                           .product(name: "ServiceLifecycle", package: "swift-service-lifecycle")],
            // The API's OpenAPI document, served as it is (OpenAPIDocument).
            resources: [.copy("API/openapi.json")],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "GatehouseCLI",
            dependencies: ["GatehouseCore", "GatehouseCrypto", "GatehousePostgres", "GatehouseRedis", "GatehouseWeb", "GatehouseMail",
                           .product(name: "ArgumentParser", package: "swift-argument-parser"),
                           .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                           .product(name: "Hummingbird", package: "hummingbird"),
                           .product(name: "Logging", package: "swift-log"),
                           .product(name: "Metrics", package: "swift-metrics"),
                           .product(name: "Prometheus", package: "swift-prometheus")],
            swiftSettings: swiftSettings
        ),
        // What tests share, in two parts so a test target links only what it needs.
        // GatehouseTesting: Core alone — a movable clock, seeded randomness, an in-memory twin
        // (an actor) of every port, and the conformance suites every store implementation passes.
        .target(name: "GatehouseTesting", dependencies: ["GatehouseCore"], swiftSettings: swiftSettings),
        // GatehouseTestingStack: the real stack — PostgreSQL, Redis, SMTP, keys, the whole provider
        // behind Hummingbird (TestProvider); re-exports GatehouseTesting.
        .target(
            name: "GatehouseTestingStack",
            dependencies: ["GatehouseTesting", "GatehouseCore", "GatehouseCrypto", "GatehousePostgres", "GatehouseRedis",
                           "GatehouseWeb", "GatehouseMail",
                           .product(name: "Hummingbird", package: "hummingbird"),
                           .product(name: "Logging", package: "swift-log"),
                           .product(name: "Metrics", package: "swift-metrics"),
                           .product(name: "Prometheus", package: "swift-prometheus")],
            swiftSettings: swiftSettings
        ),

        .testTarget(name: "GatehouseCoreTests", dependencies: ["GatehouseCore", "GatehouseTesting"], swiftSettings: swiftSettings),
        .testTarget(name: "GatehouseCryptoTests", dependencies: ["GatehouseCrypto", "GatehouseCore", "GatehouseTesting", "CArgon2"], swiftSettings: swiftSettings),
        .testTarget(name: "GatehousePostgresTests", dependencies: ["GatehousePostgres", "GatehouseCore", "GatehouseTestingStack"], swiftSettings: swiftSettings),
        .testTarget(name: "GatehouseRedisTests", dependencies: ["GatehouseRedis", "GatehouseCore", "GatehouseTestingStack"], swiftSettings: swiftSettings),
        .testTarget(
            name: "GatehouseMailTests",
            dependencies: ["GatehouseMail", "GatehouseCore", "GatehousePostgres", "GatehouseTestingStack",
                           .product(name: "Logging", package: "swift-log"),
                           .product(name: "ServiceLifecycle", package: "swift-service-lifecycle")],
            swiftSettings: swiftSettings
        ),
        .testTarget(name: "GatehouseCLITests", dependencies: ["GatehouseCLI", "GatehouseTestingStack"], swiftSettings: swiftSettings),
        .testTarget(
            name: "GatehouseWebTests",
            dependencies: ["GatehouseWeb", "GatehouseCore", "GatehouseCrypto", "GatehouseTestingStack",
                           .product(name: "HummingbirdTesting", package: "hummingbird"),
                           .product(name: "NIOEmbedded", package: "swift-nio"),
                           .product(name: "NIOHTTPTypes", package: "swift-nio-extras")],
            swiftSettings: swiftSettings
        ),
    ]
)
