import Foundation

/// The time source of every rule that expires something (codes, challenges, trusted devices).
/// Injected so tests run against a fixed clock instead of sleeping (DESIGN principle 5).
public protocol WallClock: Sendable {
    var now: Date { get }
}

/// The real clock.
public struct SystemWallClock: WallClock {
    public init() {}
    public var now: Date { Date() }
}
