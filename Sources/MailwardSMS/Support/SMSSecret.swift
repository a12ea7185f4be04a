/// A credential (API secret, auth token, webhook key) that never shows up in logs, `print`,
/// string interpolation, `dump` or debugger descriptions. Read it only where it is used to sign.
public struct SMSSecret: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible,
    CustomReflectable, ExpressibleByStringLiteral
{
    /// The secret itself. Deliberately a long name so that it stands out in review.
    public let revealedValue: String

    public init(_ value: String) {
        self.revealedValue = value
    }

    public init(stringLiteral value: String) {
        self.revealedValue = value
    }

    public var isEmpty: Bool { revealedValue.isEmpty }

    public var description: String { "<redacted>" }
    public var debugDescription: String { "SMSSecret(<redacted>)" }
    public var customMirror: Mirror { Mirror(self, children: [], displayStyle: .struct) }
}
