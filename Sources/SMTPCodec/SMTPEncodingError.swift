/// A client command could not be encoded because a value would break the line syntax
/// (e.g. a CR or LF in a host name), which would allow command injection.
public struct SMTPEncodingError: Error, Hashable, Sendable, CustomStringConvertible {
    public var reason: String

    public init(_ reason: String) {
        self.reason = reason
    }

    public var description: String { "SMTPEncodingError(\(self.reason))" }
}
