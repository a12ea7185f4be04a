/// A grammar mismatch inside one complete command; the decoder turns it into
/// ``IMAPDecodeError/Reason/syntax(_:)``.
struct ParserError: Error, Sendable {
    var detail: String
    init(_ detail: String) { self.detail = detail }
}
