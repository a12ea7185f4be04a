import NIOCore

/// A multi-line POP3 response (RFC 1939 §3): a `+OK` line, then lines with a leading "."
/// doubled, then the terminating `.CRLF`. For message bodies (RETR, TOP) stream them through
/// ``DotStuffer`` instead of building lines.
public struct POP3MultilineResponse: Hashable, Sendable {
    public var status: POP3Response
    /// Each line without line ending; CR/LF inside a line are replaced by spaces.
    public var lines: [String]

    public init(status: POP3Response = .ok(), lines: [String]) {
        self.status = status
        self.lines = lines
    }

    public func write(into buffer: inout ByteBuffer) {
        self.status.write(into: &buffer)
        for line in self.lines {
            if line.utf8.first == UInt8(ascii: ".") {
                buffer.writeStaticString(".")
            }
            POP3Response.writeSanitised(line, into: &buffer)
            buffer.writeStaticString("\r\n")
        }
        buffer.writeStaticString(".\r\n")
    }

    public var encoded: ByteBuffer {
        var buffer = ByteBuffer()
        self.write(into: &buffer)
        return buffer
    }

    /// Answer to `LIST`: one `msg size` line per message (deleted messages left out by the caller).
    public static func scanListings(_ entries: [(messageNumber: Int, size: Int)], text: String = "scan listing follows") -> Self {
        Self(status: .ok(text), lines: entries.map { "\($0.messageNumber) \($0.size)" })
    }

    /// Answer to `UIDL`: one `msg unique-id` line per message.
    public static func uniqueIDListings(_ entries: [(messageNumber: Int, uniqueID: String)]) -> Self {
        Self(status: .ok("unique-id listing follows"), lines: entries.map { "\($0.messageNumber) \($0.uniqueID)" })
    }

    /// Answer to `CAPA` (RFC 2449 §5).
    public static func capabilities(_ capabilities: [POP3Capability]) -> Self {
        Self(status: .ok("Capability list follows"), lines: capabilities.map(\.capaLine))
    }
}
