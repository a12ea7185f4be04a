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

    /// Copies runs of bytes between line endings whole: a POP3 RETR of a 45 MiB message went
    /// through here byte by byte at ~65 MB/s, most of the session's CPU.
    public mutating func stuff(_ input: ByteBuffer, into output: inout ByteBuffer) {
        output.reserveCapacity(minimumWritableBytes: input.readableBytes + input.readableBytes / 64 + 8)
        let cr = UInt8(ascii: "\r"), lf = UInt8(ascii: "\n"), dot = UInt8(ascii: ".")
        input.withUnsafeReadableBytes { bytes in
            var i = 0
            while i < bytes.count {
                if self.afterCarriageReturn {
                    self.afterCarriageReturn = false
                    output.writeInteger(lf)
                    self.atLineStart = true
                    if bytes[i] == lf {
                        i += 1
                        continue
                    }
                }
                if self.atLineStart && bytes[i] == dot { output.writeInteger(dot) }
                // The run up to the next line ending goes as it is.
                var end = i
                while end < bytes.count && bytes[end] != cr && bytes[end] != lf { end += 1 }
                if end > i {
                    output.writeBytes(UnsafeRawBufferPointer(rebasing: bytes[i..<end]))
                    self.atLineStart = false
                    i = end
                }
                guard i < bytes.count else { break }
                if bytes[i] == cr {
                    output.writeInteger(cr)
                    self.afterCarriageReturn = true
                } else {
                    output.writeStaticString("\r\n")
                    self.atLineStart = true
                }
                i += 1
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
