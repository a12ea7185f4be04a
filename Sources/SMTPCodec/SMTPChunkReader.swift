import NIOCore

/// Reads the payload of one `BDAT size [LAST]` command (RFC 3030 §2): exactly `size` octets,
/// binary, no dot-stuffing and no end marker. Emits `.content` pieces and then `.end`.
///
/// The reader does not enforce the message size limit across chunks: the server adds up
/// ``SMTPDataSummary/byteCount`` and, once over the limit, keeps reading chunks but drops them.
public struct SMTPChunkReader: Sendable {
    public let size: Int
    private var remaining: Int
    private var sawNUL = false

    public init(size: Int) {
        self.size = max(0, size)
        self.remaining = self.size
    }

    public mutating func next(_ buffer: inout ByteBuffer) -> SMTPDataEvent {
        if self.remaining == 0 {
            return .end(SMTPDataSummary(byteCount: self.size, sawBareLineEnding: false, sawNUL: self.sawNUL))
        }
        let length = min(self.remaining, buffer.readableBytes)
        guard length > 0, let piece = buffer.readSlice(length: length) else { return .needMoreData }
        if piece.readableBytesView.contains(0) { self.sawNUL = true }
        self.remaining -= length
        return .content(piece)
    }
}
