import NIOCore

/// What `TOP msg n` sends (RFC 1939 §7): the header section, the blank line that ends it, and
/// the first `n` lines of the body. Pure; line endings may be CRLF or bare LF.
public enum POP3TopSelection {
    /// The prefix of `message` to send for `TOP msg bodyLines` (not yet dot-stuffed).
    public static func select(from message: ByteBuffer, bodyLines: Int) -> ByteBuffer {
        let view = message.readableBytesView
        var index = view.startIndex
        var inBody = false
        var bodyLinesLeft = max(0, bodyLines)
        var lineIsEmpty = true
        while index < view.endIndex {
            if inBody && bodyLinesLeft == 0 { break }
            let byte = view[index]
            index += 1
            if byte == UInt8(ascii: "\n") {
                if inBody {
                    bodyLinesLeft -= 1
                } else if lineIsEmpty {
                    inBody = true
                }
                lineIsEmpty = true
            } else if byte != UInt8(ascii: "\r") {
                lineIsEmpty = false
            }
        }
        return message.getSlice(at: message.readerIndex, length: index - view.startIndex) ?? ByteBuffer()
    }
}
