import NIOCore

/// Recursive-descent parser over the bytes of **one complete command** (all lines and
/// literals, as framed by ``IMAPCommandDecoder``). It never needs more data: running out of
/// bytes is a syntax error here, because framing already guaranteed completeness.
struct CommandParser {
    /// Bytes still to parse; `readerIndex` is the cursor.
    var buffer: ByteBuffer
    /// Search keys parsed so far in this command (``maxSearchKeys``).
    var searchKeys = 0

    init(_ buffer: ByteBuffer) {
        self.buffer = buffer
    }

    // MARK: Cursor primitives

    var isAtEnd: Bool { buffer.readableBytes == 0 }

    func peek(_ offset: Int = 0) -> UInt8? {
        buffer.getInteger(at: buffer.readerIndex + offset, as: UInt8.self)
    }

    mutating func advance(_ n: Int = 1) {
        buffer.moveReaderIndex(forwardBy: n)
    }

    mutating func expect(_ byte: UInt8, _ what: @autoclosure () -> String) throws(ParserError) {
        guard peek() == byte else { throw ParserError("expected \(what())") }
        advance()
    }

    /// `SP`
    mutating func space() throws(ParserError) {
        try expect(UInt8(ascii: " "), "space")
    }

    /// Consumes one SP if present.
    mutating func optionalSpace() -> Bool {
        if peek() == UInt8(ascii: " ") {
            advance()
            return true
        }
        return false
    }

    /// `CRLF` (a bare LF is tolerated) and nothing after it.
    mutating func endOfCommand() throws(ParserError) {
        if peek() == UInt8(ascii: "\r") { advance() }
        guard peek() == UInt8(ascii: "\n") else { throw ParserError("unexpected characters at end of command") }
        advance()
        guard isAtEnd else { throw ParserError("unexpected data after command") }
    }

    /// Whether the next bytes are `CRLF` / `LF` (without consuming).
    var atLineEnd: Bool {
        peek() == UInt8(ascii: "\r") || peek() == UInt8(ascii: "\n")
    }

    /// Consumes `keyword` (ASCII, case-insensitive) if the next bytes spell it and the byte
    /// after it is not an atom character.
    mutating func consumeKeyword(_ keyword: String) -> Bool {
        let utf8 = Array(keyword.utf8)
        for (i, k) in utf8.enumerated() {
            guard let b = peek(i), asciiUpper(b) == asciiUpper(k) else { return false }
        }
        if let after = peek(utf8.count), CharacterClasses.isAtomChar(after), !isKeywordBoundary(after) { return false }
        advance(utf8.count)
        return true
    }

    /// `.` and `[` end a keyword in fetch attributes (`BODY.PEEK[`), `<` in partials.
    private func isKeywordBoundary(_ b: UInt8) -> Bool {
        b == UInt8(ascii: "[") || b == UInt8(ascii: "<")
    }

    mutating func expectKeyword(_ keyword: String) throws(ParserError) {
        guard consumeKeyword(keyword) else { throw ParserError("expected \(keyword)") }
    }

    func asciiUpper(_ b: UInt8) -> UInt8 {
        b >= UInt8(ascii: "a") && b <= UInt8(ascii: "z") ? b - 32 : b
    }

    /// Reads bytes while `predicate` holds.
    mutating func take(while predicate: (UInt8) -> Bool) -> [UInt8] {
        var out: [UInt8] = []
        while let b = peek(), predicate(b) {
            out.append(b)
            advance()
        }
        return out
    }

    /// Runs `body`; on failure, restores the cursor and returns nil.
    mutating func attempt<T>(_ body: (inout CommandParser) throws(ParserError) -> T) -> T? {
        let saved = buffer.readerIndex
        do {
            return try body(&self)
        } catch {
            buffer.moveReaderIndex(to: saved)
            return nil
        }
    }

    // MARK: Top level

    /// `command = tag SP (command-any / command-auth / command-nonauth / command-select) CRLF`
    mutating func parseTaggedCommand() throws(ParserError) -> TaggedCommand {
        let tag = try parseTag()
        try space()
        let command = try parseCommandBody()
        try endOfCommand()
        return TaggedCommand(tag: tag, command: command)
    }

    /// `tag = 1*<any ASTRING-CHAR except "+">`
    mutating func parseTag() throws(ParserError) -> String {
        let bytes = take(while: CharacterClasses.isTagChar)
        guard !bytes.isEmpty else { throw ParserError("missing tag") }
        return String(decoding: bytes, as: UTF8.self)
    }
}
