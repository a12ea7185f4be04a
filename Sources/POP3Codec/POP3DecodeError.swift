/// Why a POP3 command line could not be decoded. ``reason`` is a fixed codec text (it never
/// echoes client input, so it is safe to log and to send).
public struct POP3DecodeError: Error, Hashable, Sendable, CustomStringConvertible {
    public enum Kind: Hashable, Sendable {
        /// Longer than the configured bound; discarded up to its end.
        case lineTooLong
        /// A bare LF while only CRLF is accepted.
        case bareLineFeed
        /// Not a POP3 command this codec knows.
        case unknownCommand
        /// A known command with missing, extra or malformed arguments.
        case invalidArguments
    }

    public var kind: Kind
    public var reason: String

    public init(_ kind: Kind, _ reason: String) {
        self.kind = kind
        self.reason = reason
    }

    /// The `-ERR` response a server should send.
    public var response: POP3Response {
        switch self.kind {
        case .lineTooLong: return .err("Line too long")
        case .bareLineFeed: return .err("Lines must end with CRLF")
        case .unknownCommand: return .err("Unknown command")
        case .invalidArguments: return .err("Syntax error: \(self.reason)")
        }
    }

    public var description: String { "POP3DecodeError(\(self.kind): \(self.reason))" }
}
