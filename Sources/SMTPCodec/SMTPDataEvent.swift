import NIOCore

/// One step of ``SMTPDataDecoder`` or ``SMTPChunkReader``.
public enum SMTPDataEvent: Hashable, Sendable {
    /// All input was consumed; the end marker has not arrived yet.
    case needMoreData
    /// The next piece of the message (dot-unstuffed). Write it out and call again.
    case content(ByteBuffer)
    /// The message ended within the size limit. Bytes after the end marker stay in the buffer
    /// (pipelined commands).
    case end(SMTPDataSummary)
    /// The message ended but exceeded the limit: discard what was written, answer
    /// ``SMTPReply/messageTooLarge`` (552 5.3.4).
    case tooLarge(SMTPDataSummary)
}
