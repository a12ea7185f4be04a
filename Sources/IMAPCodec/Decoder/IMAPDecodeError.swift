/// Bad input from the client, with the command's tag when it could be read.
public struct IMAPDecodeError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Why the input was refused.
    public enum Reason: Sendable, Equatable {
        /// A line was longer than ``IMAPDecoderLimits/maxLineLength``.
        case lineTooLong(limit: Int)
        /// A literal was announced larger than the limit for this command.
        /// Answer `NO [TOOBIG]` (APPEND) or `BAD`.
        case literalTooBig(announced: UInt64, limit: Int)
        /// The whole command grew beyond ``IMAPDecoderLimits/maxCommandSize``.
        case commandTooLong(limit: Int)
        /// The command did not match the grammar; `detail` is safe to show the client.
        case syntax(String)
        /// In IDLE, the client sent something other than `DONE`.
        case expectedDone
        /// In AUTHENTICATE, the client's line was not base64.
        case invalidBase64
    }

    /// The tag of the offending command, if it was readable (answer untagged `* BAD` otherwise).
    public var tag: String?
    public var reason: Reason

    public init(tag: String?, reason: Reason) {
        self.tag = tag
        self.reason = reason
    }

    /// Whether the server should answer `NO [TOOBIG]` rather than `BAD`.
    public var isTooBig: Bool {
        if case .literalTooBig = reason { return true }
        return false
    }

    /// A short text for the response line (no client data echoed back).
    public var description: String {
        switch reason {
        case .lineTooLong(let limit): return "Line too long (limit \(limit) bytes)"
        case .literalTooBig(_, let limit): return "Literal too big (limit \(limit) bytes)"
        case .commandTooLong(let limit): return "Command too long (limit \(limit) bytes)"
        case .syntax(let detail): return "Syntax error: \(detail)"
        case .expectedDone: return "Expected DONE"
        case .invalidBase64: return "Invalid base64"
        }
    }
}
