import NIOCore

/// Decodes the message text that follows `DATA` / `354` (RFC 5321 §4.1.1.4, §4.5.2).
///
/// * **Streaming**: the decoder never holds the message. Each ``next(_:)`` consumes what is
///   readable and hands it out, dot-unstuffed, as `.content` chunks (at most one per call, no
///   larger than what was read), so the server can write them to disk as they come.
/// * **End marker**: the message ends *only* at `CRLF "." CRLF`; the first CRLF belongs to the
///   message. Bare LF and bare CR are ordinary data and never start a line, so `LF "." LF`,
///   `CR "." LF`, `LF "." CRLF` and friends never end the message (SMTP smuggling defence).
///   Their occurrence is reported in ``SMTPDataSummary/sawBareLineEnding``.
/// * **Size**: at most `maximumMessageSize` octets are handed out; after that the rest is
///   consumed and discarded up to the end marker, and the final event is `.tooLarge`.
///
/// Use one decoder per message. After the final event it keeps returning that event.
public struct SMTPDataDecoder: Sendable {
    private enum State: Sendable {
        /// After CRLF (or at the very start, right after the DATA line's CRLF).
        case lineStart
        /// A "." at line start was read and held back.
        case dot
        /// "." CR at line start were read and held back.
        case dotCR
        /// Inside a line.
        case middle
        /// Inside a line, just after a CR that was handed out.
        case carriageReturn
    }

    public let maximumMessageSize: Int
    private var state = State.lineStart
    private var deliveredCount = 0
    private var totalCount = 0
    private var sawBareLineEnding = false
    private var sawNUL = false
    private var finalEvent: SMTPDataEvent?

    public init(maximumMessageSize: Int) {
        self.maximumMessageSize = max(0, maximumMessageSize)
    }

    /// Consumes readable bytes up to and including the end marker.
    public mutating func next(_ buffer: inout ByteBuffer) -> SMTPDataEvent {
        if let finalEvent = self.finalEvent {
            return finalEvent
        }
        var output = ByteBuffer()
        let base = buffer.readerIndex
        let count = buffer.readableBytes
        var runStart = 0
        var offset = 0
        var ended = false
        buffer.withUnsafeReadableBytes { bytes in
            while offset < count {
                if case .middle = self.state {
                    // Most of a message: ordinary bytes inside a line, skipped without the state machine.
                    while offset < count {
                        let byte = bytes[offset]
                        if byte == UInt8(ascii: "\r") || byte == UInt8(ascii: "\n") || byte == 0 { break }
                        offset += 1
                    }
                    if offset == count { break }
                }
                let byte = bytes[offset]
                if byte == 0 { self.sawNUL = true }
                switch self.state {
                case .lineStart:
                    if byte == UInt8(ascii: ".") {
                        self.deliver(buffer, from: base + runStart, upTo: base + offset, into: &output)
                        runStart = offset + 1
                        self.state = .dot
                    } else {
                        self.inLine(byte)
                    }
                case .dot:
                    if byte == UInt8(ascii: "\r") {
                        runStart = offset + 1
                        self.state = .dotCR
                    } else {
                        // "." followed by more text: the first dot was the stuffing.
                        self.inLine(byte)
                    }
                case .dotCR:
                    if byte == UInt8(ascii: "\n") {
                        offset += 1
                        ended = true
                        return
                    }
                    // "." CR x: the held CR is data, and bare.
                    self.deliver(bytes: [UInt8(ascii: "\r")], into: &output)
                    self.state = .carriageReturn
                    self.afterCarriageReturn(byte)
                case .middle:
                    self.inLine(byte)
                case .carriageReturn:
                    self.afterCarriageReturn(byte)
                }
                offset += 1
            }
        }
        if !ended {
            self.deliver(buffer, from: base + runStart, upTo: base + count, into: &output)
        }
        buffer.moveReaderIndex(forwardBy: offset)
        if ended {
            let summary = SMTPDataSummary(
                byteCount: self.totalCount, sawBareLineEnding: self.sawBareLineEnding, sawNUL: self.sawNUL)
            self.finalEvent = self.totalCount > self.maximumMessageSize ? .tooLarge(summary) : .end(summary)
        }
        if output.readableBytes > 0 {
            return .content(output)
        }
        return self.finalEvent ?? .needMoreData
    }

    private mutating func inLine(_ byte: UInt8) {
        switch byte {
        case UInt8(ascii: "\r"): self.state = .carriageReturn
        case UInt8(ascii: "\n"):
            self.sawBareLineEnding = true
            self.state = .middle
        default: self.state = .middle
        }
    }

    private mutating func afterCarriageReturn(_ byte: UInt8) {
        if byte == UInt8(ascii: "\n") {
            self.state = .lineStart
        } else {
            self.sawBareLineEnding = true
            self.inLine(byte)
        }
    }

    private mutating func deliver(_ source: ByteBuffer, from start: Int, upTo end: Int, into output: inout ByteBuffer) {
        guard end > start, let slice = source.getSlice(at: start, length: end - start) else { return }
        self.deliver(slice: slice, into: &output)
    }

    private mutating func deliver(bytes: [UInt8], into output: inout ByteBuffer) {
        var slice = ByteBuffer()
        slice.writeBytes(bytes)
        self.deliver(slice: slice, into: &output)
    }

    /// Hands out `slice` as far as the size limit allows, counting everything.
    private mutating func deliver(slice: ByteBuffer, into output: inout ByteBuffer) {
        self.totalCount += slice.readableBytes
        let room = self.maximumMessageSize - self.deliveredCount
        guard room > 0 else { return }
        let length = min(room, slice.readableBytes)
        var allowed = slice.getSlice(at: slice.readerIndex, length: length) ?? ByteBuffer()
        output.writeBuffer(&allowed)
        self.deliveredCount += length
    }
}
