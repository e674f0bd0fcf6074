// swift-tools-version:6.1
import Foundation
import PackageDescription

/// Upcoming features Hummingbird enables; one array so every target builds the same way.
let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

/// Release executables link with lld and pack their relative relocations (DT_RELR, glibc
/// 2.36+): with the Swift runtime linked in statically there are ~77,000 of them, and the
/// 1.8 MB `.rela.dyn` table ld.so reads at every start became resident memory.
let releaseLinkerSettings: [LinkerSetting] = [
    .unsafeFlags(["-use-ld=lld", "-Xlinker", "-z", "-Xlinker", "pack-relative-relocs"], .when(configuration: .release)),
]

let package = Package(
    name: "scrape",
    products: [
        .library(name: "ScrapeHTTP", targets: ["ScrapeHTTP"]),
        .library(name: "ScrapeHTML", targets: ["ScrapeHTML"]),
        .library(name: "ScrapeResilience", targets: ["ScrapeResilience"]),
        .library(name: "ScrapeCore", targets: ["ScrapeCore"]),
        .library(name: "ScrapePages", targets: ["ScrapePages"]),
        .library(name: "ScrapeCrawl", targets: ["ScrapeCrawl"]),
        .library(name: "ScrapeAPI", targets: ["ScrapeAPI"]),
        .library(name: "ScrapeStream", targets: ["ScrapeStream"]),
        .library(name: "ScrapeFrontier", targets: ["ScrapeFrontier"]),
        .executable(name: "scrape", targets: ["scrape"]),
        .executable(name: "scrape-nio", targets: ["scrape-nio"]),
    ],
    dependencies: [
        // The daemon's control server and the tests' loopback server. Default traits off to skip swift-configuration.
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1", traits: []),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        // wss:// for `scrape ws`; and the tests' WebSocket server.
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-websocket", from: "2.8.1"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-collections", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        // Fleet mode: the shared frontier lives in PostgreSQL.
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
        // Already built for postgres-nio; `scrape ws` takes its SHA-1 for the handshake's accept key.
        .package(url: "https://github.com/apple/swift-crypto.git", from: "4.5.2"),
    ],
    targets: [
        // C shim: typed wrappers for curl's variadic setopt/getinfo; libcurl found through pkg-config.
        .systemLibrary(
            name: "CCurl",
            pkgConfig: "libcurl",
            providers: [.apt(["libcurl4-openssl-dev"])]
        ),
        // zlib's raw inflate, for WebSocket permessage-deflate (RFC 7692).
        .systemLibrary(
            name: "CZlib",
            pkgConfig: "zlib",
            providers: [.apt(["zlib1g-dev"])]
        ),
        // libxml2 holds parsed HTML trees and evaluates XPath over them (its HTML parser is not used).
        .systemLibrary(
            name: "CLibXML2",
            pkgConfig: "libxml-2.0",
            providers: [.apt(["libxml2-dev"])]
        ),
        // libyaml's event parser, for the config file (ScrapeCore's Config/YAML composes its events).
        .systemLibrary(
            name: "CLibYAML",
            pkgConfig: "yaml-0.1",
            providers: [.apt(["libyaml-dev"])]
        ),
        // SQLite, for `scrape crawl`'s state (seen URLs, queue, depths) in one WAL-mode file.
        .systemLibrary(
            name: "CSQLite",
            pkgConfig: "sqlite3",
            providers: [.apt(["libsqlite3-dev"])]
        ),
        // The public suffix list (libpsl), for `scrape crawl --scope domain`.
        .systemLibrary(
            name: "CPSL",
            pkgConfig: "libpsl",
            providers: [.apt(["libpsl-dev"])]
        ),
        // OpenSSL's libcrypto: SHA-256 of every page body (`content_sha256`), with SHA-NI where the
        // CPU has it (~6 µs of CPU per 10 KiB page here, against ~40 µs for SHA-256 in plain Swift).
        .systemLibrary(
            name: "CLibCrypto",
            pkgConfig: "libcrypto",
            providers: [.apt(["libssl-dev"])]
        ),
        // glibc's mallopt, for the one-shot commands' heap settings (CommandSupport.HeapTuning).
        .systemLibrary(name: "CMalloc"),
        // ThreadSanitizer's annotation functions, called by ScrapeBase only in `make test-tsan` builds.
        .systemLibrary(name: "CThreadSanitizer"),
        // Small helpers every module shares (locks, system calls, stderr, trimming, Duration units):
        // the bottom of the dependency graph.
        .target(
            name: "ScrapeBase",
            dependencies: ["CThreadSanitizer"],
            swiftSettings: swiftSettings
        ),
        // Politeness and resilience policies: pure Swift, time from an injected clock, no I/O.
        .target(
            name: "ScrapeResilience",
            dependencies: ["ScrapeBase"],
            swiftSettings: swiftSettings
        ),
        // HTML as browsers read it: encoding sniffing and decoding (iconv from glibc), the title scanner, the
        // standard's tokenizer and tree builder into a libxml2 tree, CSS selectors, XPath, the WHATWG URL parser.
        .target(
            name: "ScrapeHTML",
            dependencies: ["ScrapeBase", "CLibXML2"],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "ScrapeHTTP",
            dependencies: ["CCurl", "ScrapeBase"],
            swiftSettings: swiftSettings
        ),
        // The bottom of the scraping layers: the config model (YAML), the JSON model, input,
        // records and the one output writer every command writes through.
        .target(
            name: "ScrapeCore",
            dependencies: [
                "ScrapeBase", "ScrapeHTTP", "ScrapeResilience", "CLibYAML",
            ],
            swiftSettings: swiftSettings
        ),
        // The page pipeline: the scheduler and its host queues, robots.txt, the stages of one
        // page attempt, and `scrape run` (ScrapeRun), which the daemon's jobs run too.
        .target(
            name: "ScrapePages",
            dependencies: [
                "ScrapeBase", "ScrapeCore", "ScrapeHTTP", "ScrapeHTML", "ScrapeResilience", "CLibCrypto",
                .product(name: "DequeModule", package: "swift-collections"),
            ],
            swiftSettings: swiftSettings
        ),
        // `scrape crawl`: links followed from seeds on the page pipeline, exactly once, with
        // the seen set and the queue in a SQLite state file (resumable through kill -9).
        .target(
            name: "ScrapeCrawl",
            dependencies: ["ScrapeBase", "ScrapeCore", "ScrapeHTML", "ScrapeHTTP", "ScrapePages", "ScrapeResilience", "CSQLite", "CPSL", "CZlib"],
            swiftSettings: swiftSettings
        ),
        // `scrape api`: authenticated, paginated REST walks on the page pipeline's scheduler.
        .target(
            name: "ScrapeAPI",
            dependencies: ["ScrapeBase", "ScrapeCore", "ScrapeHTTP", "ScrapePages", "ScrapeResilience"],
            swiftSettings: swiftSettings
        ),
        // `scrape ws` and `ws:` jobs: WebSocket streams to JSON Lines on SwiftNIO (RFC 6455 and
        // RFC 7692 client), with reconnect decisions as pure policies.
        .target(
            name: "ScrapeStream",
            dependencies: [
                "ScrapeBase", "ScrapeCore", "ScrapeAPI", "ScrapeHTTP", "ScrapeResilience", "CZlib",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOWebSocket", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings
        ),
        // `scrape frontier` and `daemon.frontier`: many workers on one PostgreSQL frontier
        // (versioned SQL migrations, claims with leases, fleet-wide politeness in the database).
        .target(
            name: "ScrapeFrontier",
            dependencies: [
                "ScrapeBase", "ScrapeCore", "ScrapePages", "ScrapeCrawl", "ScrapeHTML", "ScrapeHTTP", "ScrapeResilience",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "DequeModule", package: "swift-collections"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ],
            swiftSettings: swiftSettings
        ),
        // `scrape daemon`: services (engine, jobs, inbox, control server) in one ServiceGroup.
        .target(
            name: "ScrapeDaemon",
            dependencies: [
                "ScrapeBase", "ScrapeCore", "ScrapePages", "ScrapeCrawl", "ScrapeAPI", "ScrapeHTTP", "ScrapeStream", "ScrapeFrontier",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
            ],
            swiftSettings: swiftSettings
        ),
        // What both executables share: exit statuses, stderr, heap settings, stop signals.
        .target(
            name: "CommandSupport",
            dependencies: [
                "CMalloc", "ScrapeBase", .product(name: "ArgumentParser", package: "swift-argument-parser"),
                // Signals as an async sequence; a small target of its own, without NIO.
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "scrape",
            dependencies: [
                "ScrapeBase", "ScrapeCore", "ScrapePages", "ScrapeCrawl", "ScrapeAPI", "ScrapeHTTP", "ScrapeResilience", "CommandSupport",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: swiftSettings,
            linkerSettings: releaseLinkerSettings
        ),
        // The service, exec'd by `scrape daemon`; apart so one-shot runs do not load NIO and Hummingbird.
        .executableTarget(
            name: "scrape-nio",
            dependencies: [
                "ScrapeDaemon", "ScrapeStream", "ScrapeFrontier", "ScrapeCrawl", "ScrapeCore", "ScrapePages", "ScrapeAPI", "ScrapeBase", "ScrapeHTTP", "CommandSupport",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings,
            linkerSettings: releaseLinkerSettings
        ),
        .target(
            name: "ScrapeTestSupport",
            dependencies: [
                "ScrapeBase",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdWebSocket", package: "hummingbird-websocket"),
                .product(name: "HummingbirdWSCompression", package: "hummingbird-websocket"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOWebSocket", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
            ],
            exclude: ["Fixtures"],
            swiftSettings: swiftSettings
        ),
        // Fetch-only driver of the HTTP engine, for `make bench-http`.
        .executableTarget(
            name: "scrape-fetch",
            dependencies: ["ScrapeBase", "ScrapeHTTP"],
            swiftSettings: swiftSettings,
            linkerSettings: releaseLinkerSettings
        ),
        .testTarget(
            name: "ScrapeResilienceTests",
            dependencies: ["ScrapeResilience", "ScrapeTestSupport"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "ScrapeHTMLTests",
            dependencies: ["ScrapeHTML"],
            exclude: ["Fixtures"],  // read through #filePath: the title cases and their generator
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "ScrapeCoreTests",
            dependencies: ["ScrapeBase", "ScrapeCore", "ScrapePages", "ScrapeAPI", "ScrapeHTML", "ScrapeHTTP", "ScrapeResilience", "ScrapeTestSupport"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "ScrapeCrawlTests",
            dependencies: ["ScrapeCrawl", "ScrapeHTML", "ScrapeCore"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "ScrapeCLITests",
            dependencies: ["scrape", "ScrapeTestSupport"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "ScrapeDaemonTests",
            dependencies: [
                "scrape", "scrape-nio", "ScrapeDaemon", "ScrapeCore", "ScrapePages", "ScrapeHTTP", "ScrapeTestSupport",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ],
            swiftSettings: swiftSettings
        ),
        // `make test-stress`: the concurrent parts under contention, many rounds (not in `make test`).
        .testTarget(
            name: "ScrapeStressTests",
            dependencies: ["ScrapeBase", "ScrapeCore", "ScrapePages", "ScrapeHTTP", "ScrapeResilience", "ScrapeTestSupport"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "ScrapeStreamTests",
            dependencies: [
                "ScrapeStream", "ScrapeBase", "ScrapeCore", "ScrapeAPI", "ScrapeResilience", "ScrapeTestSupport", "scrape", "scrape-nio",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOWebSocket", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        // Fleet mode against a real PostgreSQL 15 (a throwaway cluster the tests start).
        .testTarget(
            name: "ScrapeFrontierTests",
            dependencies: [
                "ScrapeFrontier", "ScrapeCrawl", "ScrapeBase", "ScrapeCore", "ScrapePages", "ScrapeHTTP", "ScrapeResilience", "ScrapeTestSupport", "scrape-nio",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "ScrapeHTTPTests",
            dependencies: ["ScrapeBase", "ScrapeHTTP", "ScrapeTestSupport", "CCurl"],
            swiftSettings: swiftSettings
        ),
    ]
)

// `make fuzz` only: libFuzzer harnesses (Sources/scrape-fuzz, driven through libFuzzer's
// LLVMFuzzerRunDriver). Built with `-sanitize=fuzzer,address`, which links libFuzzer; a
// plain `swift build` could not link the target, so it exists only when SCRAPE_FUZZ is set.
if ProcessInfo.processInfo.environment["SCRAPE_FUZZ"] != nil {
    package.targets.append(contentsOf: [
        .target(name: "CFuzzDriver"),
        .executableTarget(
            name: "scrape-fuzz",
            dependencies: [
                "ScrapeCore", "ScrapePages", "ScrapeAPI", "ScrapeHTML", "ScrapeStream", "CFuzzDriver",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOWebSocket", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings,
            linkerSettings: [.unsafeFlags(["-use-ld=lld"])]  // gold fails on this toolchain's DWARF 5 with ASan
        ),
    ])
    package.products.append(.executable(name: "scrape-fuzz", targets: ["scrape-fuzz"]))
}
