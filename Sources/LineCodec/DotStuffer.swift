import NIOCore

/// Streams a message into a dot-terminated body — after SMTP DATA (RFC 5321 §4.5.2) and in POP3
/// RETR/TOP answers (RFC 1939 §3): doubles a "." at the start of a line, turns bare LF and bare
/// CR into CRLF (so the peer never sees a bare line ending), and ``finish(into:)`` completes the
/// last line and writes the end marker `.CRLF`.
///
/// Incremental: feed the body in any number of pieces; state carries across calls.
public struct DotStuffer: Sendable {
    private var atLineStart = true
    private var afterCarriageReturn = false

    public init() {}

    public mutating func stuff(_ input: ByteBuffer, into output: inout ByteBuffer) {
        output.reserveCapacity(minimumWritableBytes: input.readableBytes + input.readableBytes / 64 + 8)
        for byte in input.readableBytesView {
            if self.afterCarriageReturn {
                self.afterCarriageReturn = false
                output.writeInteger(UInt8(ascii: "\n"))
                self.atLineStart = true
                if byte == UInt8(ascii: "\n") { continue }
            }
            switch byte {
            case UInt8(ascii: "\r"):
                output.writeInteger(byte)
                self.afterCarriageReturn = true
            case UInt8(ascii: "\n"):
                output.writeStaticString("\r\n")
                self.atLineStart = true
            default:
                if self.atLineStart && byte == UInt8(ascii: ".") {
                    output.writeInteger(UInt8(ascii: "."))
                }
                output.writeInteger(byte)
                self.atLineStart = false
            }
        }
    }

    /// Completes the last line if needed and writes the end marker `.CRLF`.
    public mutating func finish(into output: inout ByteBuffer) {
        if self.afterCarriageReturn {
            output.writeInteger(UInt8(ascii: "\n"))
        } else if !self.atLineStart {
            output.writeStaticString("\r\n")
        }
        output.writeStaticString(".\r\n")
        self = DotStuffer()
    }

    /// One-shot: the whole body, stuffed and terminated.
    public static func stuffed(_ message: ByteBuffer) -> ByteBuffer {
        var stuffer = DotStuffer()
        var output = ByteBuffer()
        stuffer.stuff(message, into: &output)
        stuffer.finish(into: &output)
        return output
    }
}
