// swift-tools-version:6.2
import PackageDescription

/// Settings every Mailward target shares: Swift 6 language mode (strict concurrency).
let strict: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
]

let package = Package(
    name: "mailward",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "mailward", targets: ["mailward"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-nio-extras.git", from: "1.35.2"),
        .package(url: "https://github.com/apple/swift-certificates.git", from: "1.21.1"),
        .package(url: "https://github.com/apple/swift-asn1.git", from: "1.7.4"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "4.5.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-configuration.git", from: "1.4.0", traits: ["YAML"]),
        // swift-configuration's own YAML parser, used directly to name keys it would ignore.
        .package(url: "https://github.com/jpsim/Yams", "5.4.0"..<"7.0.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
        .package(url: "https://github.com/apple/swift-system.git", from: "1.8.1"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache.git", from: "2.1.1"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/adam-fowler/compress-nio.git", from: "1.5.0"),
    ],
    targets: [
        // Domain types, rules and ports. No I/O frameworks.
        .target(
            name: "MailwardCore",
            dependencies: [
                "MailwardMIME",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "CryptoExtras", package: "swift-crypto"),
            ],
            swiftSettings: strict
        ),
        // RFC 5322/2045/2047/2231 parsing and building, charsets. Pure.
        .target(name: "MailwardMIME", swiftSettings: strict),
        .executableTarget(name: "mime-fuzz", dependencies: ["MailwardMIME"], swiftSettings: strict),
        // The configuration file model.
        .target(
            name: "MailwardConfig",
            dependencies: [
                .product(name: "Configuration", package: "swift-configuration"),
                .product(name: "Yams", package: "Yams"),
                .product(name: "SystemPackage", package: "swift-system"),
            ],
            swiftSettings: strict
        ),
        // Wire grammar of the mail protocols. Pure: NIOCore's ByteBuffer, no I/O.
        // CRLF line framing with a length bound and dot-stuffing, shared by SMTP and POP3.
        .target(name: "LineCodec", dependencies: [.product(name: "NIOCore", package: "swift-nio")], swiftSettings: strict),
        .target(name: "SMTPCodec", dependencies: ["LineCodec", .product(name: "NIOCore", package: "swift-nio")], swiftSettings: strict),
        .target(name: "POP3Codec", dependencies: ["LineCodec", .product(name: "NIOCore", package: "swift-nio")], swiftSettings: strict),
        .target(name: "IMAPCodec", dependencies: [.product(name: "NIOCore", package: "swift-nio")], swiftSettings: strict),
        // Seeded input mutations for the protocol fuzzers.
        .target(name: "ProtocolFuzzing", dependencies: ["LineCodec", .product(name: "NIOCore", package: "swift-nio")], swiftSettings: strict),
        .executableTarget(name: "imap-fuzz", dependencies: ["IMAPCodec", "ProtocolFuzzing", .product(name: "NIOCore", package: "swift-nio")], swiftSettings: strict),
        .target(
            name: "StoreSQLite",
            dependencies: [
                "MailwardCore",
                "SQLiteProcessSettings",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: strict
        ),
        // One process-wide SQLite setting that only C can make (`sqlite3_config` is variadic).
        .target(
            name: "SQLiteProcessSettings",
            dependencies: [.product(name: "GRDBSQLite", package: "GRDB.swift")]
        ),
        // The store for larger installations and several server nodes (SPEC M7): the same ports
        // as StoreSQLite, on PostgreSQL.
        .target(
            name: "StorePostgres",
            dependencies: [
                "MailwardCore",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        // Content filters for incoming mail (SPEC M9): clamd (virus scanner) and rspamd (spam).
        .target(
            name: "MailwardFilters",
            dependencies: [
                "MailwardCore", "MailwardMIME", "MailwardDelivery",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "CryptoExtras", package: "swift-crypto"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ],
            swiftSettings: strict
        ),
        .target(
            name: "MailwardNet",
            dependencies: [
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "NIOTLS", package: "swift-nio"),
                .product(name: "CompressNIO", package: "compress-nio"),  // IMAP COMPRESS=DEFLATE (RFC 4978)
            ],
            swiftSettings: strict
        ),
        // The SMTP doors: inbound (MX) and submission session state machine and its glue.
        .target(
            name: "SMTPServer",
            dependencies: [
                "SMTPCodec", "MailwardCore", "MailwardMIME", "MailwardNet",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        // Outbound delivery: durable queue worker, DNS (MX) client, SMTP client, DSN bounces.
        .target(
            name: "MailwardDelivery",
            dependencies: [
                "MailwardCore", "MailwardMIME", "SMTPCodec", "LineCodec", "MailwardNet",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        // The POP3 door: session state machine and its glue over MailwardNet (SPEC M5).
        .target(
            name: "POP3Server",
            dependencies: [
                "POP3Codec", "SMTPCodec", "LineCodec", "MailwardCore", "MailwardNet",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        .executableTarget(
            name: "pop3-fuzz",
            dependencies: ["POP3Codec", "POP3Server", "MailwardCore", "LineCodec", "ProtocolFuzzing", .product(name: "NIOCore", package: "swift-nio")],
            swiftSettings: strict
        ),
        .executableTarget(
            name: "smtp-fuzz",
            dependencies: ["SMTPCodec", "SMTPServer", "MailwardCore", "MailwardNet", "LineCodec", "ProtocolFuzzing", .product(name: "NIOCore", package: "swift-nio")],
            swiftSettings: strict
        ),
        .target(
            name: "MailwardWeb",
            dependencies: [
                "MailwardCore",
                "MailwardNet",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            resources: [.copy("Templates"), .copy("Static")],
            swiftSettings: strict
        ),
        // SMS gateway clients (outbox file, webhook, Alibaba Cloud, Tencent Cloud, Twilio).
        .target(
            name: "MailwardSMS",
            dependencies: [
                "MailwardCore",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: strict
        ),
        // The IMAP door: session state machine and its glue over MailwardNet connections.
        .target(
            name: "IMAPServer",
            dependencies: [
                "IMAPCodec", "MailwardCore", "MailwardMIME", "MailwardNet", "SMTPCodec",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            swiftSettings: strict
        ),
        .target(
            name: "MailwardApp",
            dependencies: [
                "MailwardCore", "MailwardConfig", "StoreSQLite", "StorePostgres", "MailwardNet", "MailwardWeb", "MailwardSMS",
                "MailwardFilters",
                "POP3Server", "SMTPServer", "IMAPServer", "IMAPCodec", "MailwardDelivery",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ],
            swiftSettings: strict
        ),
        .executableTarget(
            name: "mailward",
            dependencies: [
                "MailwardApp", "MailwardCore", "MailwardConfig",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ],
            swiftSettings: strict
        ),
        // Benchmarks (not tests): scripts/bench/*
        .executableTarget(
            name: "storage-bench",
            dependencies: ["MailwardApp", "MailwardCore", "MailwardConfig", "StorePostgres"],
            path: "Benchmarks/StorageBenchmark",
            swiftSettings: strict
        ),
        // In-memory twins of Core's ports, fixed clock, test server helpers.
        .target(
            name: "MailwardTesting",
            dependencies: [
                "MailwardCore", "MailwardApp", "MailwardNet", "StoreSQLite",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ],
            swiftSettings: strict
        ),
        .testTarget(name: "MailwardCoreTests", dependencies: ["MailwardCore", "MailwardTesting", "ProtocolFuzzing"], swiftSettings: strict),
        .testTarget(name: "SMTPCodecTests", dependencies: ["SMTPCodec", "LineCodec", .product(name: "NIOCore", package: "swift-nio")], swiftSettings: strict),
        .testTarget(name: "IMAPCodecTests", dependencies: ["IMAPCodec", .product(name: "NIOCore", package: "swift-nio")], swiftSettings: strict),
        .testTarget(name: "POP3CodecTests", dependencies: ["POP3Codec", "LineCodec", .product(name: "NIOCore", package: "swift-nio")], swiftSettings: strict),
        .testTarget(
            name: "MailwardSMSTests",
            dependencies: [
                "MailwardSMS", "MailwardCore", "MailwardTesting",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: strict
        ),
        .testTarget(name: "MailwardMIMETests", dependencies: ["MailwardMIME"], exclude: ["Fixtures"], swiftSettings: strict),
        .testTarget(
            name: "MailwardNetTests",
            dependencies: ["MailwardNet", "MailwardTesting", .product(name: "NIOCore", package: "swift-nio"),
                           .product(name: "NIOPosix", package: "swift-nio"),
                           .product(name: "ServiceLifecycle", package: "swift-service-lifecycle")],
            swiftSettings: strict
        ),
        .testTarget(
            name: "MailwardDeliveryTests",
            dependencies: ["MailwardDelivery", "MailwardCore", "MailwardTesting", "MailwardApp", "MailwardNet", "SMTPCodec",
                           .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOPosix", package: "swift-nio")],
            swiftSettings: strict
        ),
        .testTarget(name: "MailwardConfigTests", dependencies: ["MailwardConfig"], swiftSettings: strict),
        .testTarget(name: "MailwardWebTests", dependencies: ["MailwardWeb", "MailwardCore", "MailwardTesting", "ProtocolFuzzing",
                                                         .product(name: "NIOEmbedded", package: "swift-nio"),
                                                         .product(name: "NIOHTTPTypes", package: "swift-nio-extras")],
                    swiftSettings: strict),
        .testTarget(name: "StoreConformanceTests",
                    dependencies: ["MailwardCore", "MailwardTesting", "StoreSQLite", "StorePostgres",
                                   .product(name: "GRDB", package: "GRDB.swift")],
                    swiftSettings: strict),
        .testTarget(
            name: "POP3ServerTests",
            dependencies: [
                "POP3Server", "POP3Codec", "SMTPCodec", "MailwardCore", "MailwardTesting", "MailwardApp", "MailwardNet",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "IMAPServerTests",
            dependencies: ["IMAPServer", "IMAPCodec", "MailwardTesting", "MailwardApp", "MailwardCore", "MailwardNet",
                           "ProtocolFuzzing", .product(name: "NIOCore", package: "swift-nio"),
                           .product(name: "Logging", package: "swift-log")],
            exclude: ["Scripts"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "MailwardAppTests",
            dependencies: [
                "MailwardApp", "MailwardTesting", "MailwardNet", "MailwardCore", "MailwardConfig", "MailwardMIME", "StoreSQLite",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "SMTPServerTests",
            dependencies: ["SMTPServer", "SMTPCodec", "MailwardCore", "MailwardApp", "MailwardTesting", "MailwardNet", "StoreSQLite",
                           "MailwardFilters", "MailwardDelivery", .product(name: "Crypto", package: "swift-crypto"),
                           .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOEmbedded", package: "swift-nio")],
            swiftSettings: strict
        ),
    ],
    swiftLanguageModes: [.v6]
)
