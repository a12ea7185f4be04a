import NIOCore

/// Streams a message (RETR, TOP) into a multi-line response body: doubles a "." at the start
/// of a line, turns bare CR and bare LF into CRLF, and ``finish(into:)`` completes the last
/// line and writes the terminating `.CRLF`. Feed the message in any number of pieces.
public struct POP3DotStuffer: Sendable {
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

    public mutating func finish(into output: inout ByteBuffer) {
        if self.afterCarriageReturn {
            output.writeInteger(UInt8(ascii: "\n"))
        } else if !self.atLineStart {
            output.writeStaticString("\r\n")
        }
        output.writeStaticString(".\r\n")
        self = POP3DotStuffer()
    }
}
