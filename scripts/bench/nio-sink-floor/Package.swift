// swift-tools-version:6.2
// The SMTP ingest benchmark's floor reference (scripts/bench/smtp-ingest --only floor): a bare
// SwiftNIO server that answers like smtp-sink. A package of its own, built by the benchmark on
// demand — never part of Mailward's build or tests.
import PackageDescription

let package = Package(
    name: "nio-sink-floor",
    dependencies: [.package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2")],
    targets: [
        .executableTarget(name: "nio-sink-floor", dependencies: [
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
        ]),
    ]
)
