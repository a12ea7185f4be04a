import NIOCore

/// Incremental, bounded IMAP command decoder (the server side of RFC 3501 / RFC 9051).
///
/// Usage, as in a NIO `ByteToMessageDecoder`: keep one cumulation buffer per connection,
/// append received bytes to it, and call ``next(_:)`` until it returns ``IMAPDecodeResult/needMoreData``.
/// The decoder consumes a command's bytes only once the command is complete (so a command is
/// handed out as one zero-copy slice), and tracks its framing progress itself; between calls
/// the caller must only **append** to the buffer.
///
/// Framing (lines, literals, limits) is done here; grammar is checked by a parser that sees
/// only complete commands. Bad input never throws: it is reported as ``IMAPDecodeResult/error(_:)``
/// and the decoder skips the rest of that command without buffering it.
public struct IMAPCommandDecoder: Sendable {
    public var limits: IMAPDecoderLimits

    private var mode: Mode = .command
    private var state: State = .framing(Framing())

    /// What the next line is expected to be.
    private enum Mode: Sendable {
        case command
        case idleDone
        case authenticateResponse
    }

    private enum State: Sendable {
        /// Collecting a command; nothing consumed yet.
        case framing(Framing)
        /// Throwing away the bytes of a refused non-synchronizing literal.
        case discardingLiteral(remaining: UInt64)
        /// Throwing away the rest of a refused line. A command line may end in a non-synchronizing
        /// literal announcement whose literal goes too; an AUTHENTICATE response or IDLE's `DONE`
        /// line has no literals (`command` false), whatever it ends with.
        case discardingLine(command: Bool)
    }

    /// Progress through the current command, as offsets from the buffer's reader index.
    private struct Framing: Sendable {
        /// Bytes of complete lines and literals so far.
        var framedLength = 0
        /// Where to resume looking for LF.
        var scanOffset = 0
        /// Literal bytes still to arrive.
        var literalRemaining = 0
        var tag: String?
        var isAppend = false
    }

    /// Bytes of a discarded line kept back so a literal announcement at its end is still seen.
    private static let discardTail = 32

    public init(limits: IMAPDecoderLimits = .default) {
        self.limits = limits
    }

    /// The next line is the client's end of IDLE: expect `DONE`. Call after answering `IDLE` with `+ idling`.
    public mutating func expectIdleDone() {
        mode = .idleDone
    }

    /// The next line answers an AUTHENTICATE challenge: base64 or `*`. Call after sending each `+ challenge`.
    public mutating func expectAuthenticateResponse() {
        mode = .authenticateResponse
    }

    /// Refuses the literal just announced by ``IMAPDecodeResult/continuationNeeded(tag:)``:
    /// call instead of sending `+` when the server answers the command at once (`NO [TOOBIG]`,
    /// `NO [TRYCREATE]`, `BAD`). The client then abandons the command (RFC 3501 §7.5), so the
    /// decoder drops what it framed of it.
    public mutating func rejectContinuation(_ buffer: inout ByteBuffer) {
        guard case .framing(let framing) = state, framing.literalRemaining > 0 else { return }
        buffer.moveReaderIndex(forwardBy: min(framing.framedLength, buffer.readableBytes))
        state = .framing(Framing())
    }

    /// How many bytes the command being framed will occupy once its announced literal has
    /// arrived (its lines and literals so far, the literal included whole); 0 when no literal is
    /// awaited. The session reserves memory for this much before inviting or accepting a literal.
    public var awaitedCommandLength: Int {
        guard case .framing(let framing) = state, framing.literalRemaining > 0 else { return 0 }
        return framing.framedLength + framing.literalRemaining
    }

    /// Gives up the command whose literal is arriving (the server cannot hold it): what was
    /// framed is dropped and the rest of the literal and of its command line will be skipped as
    /// it comes. For a literal already invited with `+` or sent without waiting (LITERAL+),
    /// which the client sends in full anyway (RFC 7888 §4). Returns the command's tag, to
    /// answer it with.
    public mutating func abandonCommand(_ buffer: inout ByteBuffer) -> String? {
        guard case .framing(let framing) = state, framing.literalRemaining > 0 else { return nil }
        buffer.moveReaderIndex(forwardBy: min(framing.framedLength, buffer.readableBytes))
        state = .discardingLiteral(remaining: UInt64(framing.literalRemaining))
        return framing.tag
    }

    /// Decodes from `buffer`, consuming what it used. Returns ``IMAPDecodeResult/needMoreData``
    /// when `buffer` holds no further complete item.
    public mutating func next(_ buffer: inout ByteBuffer) -> IMAPDecodeResult {
        while true {
            switch state {
            case .discardingLiteral(let remaining):
                let n = Int(min(remaining, UInt64(buffer.readableBytes)))
                buffer.moveReaderIndex(forwardBy: n)
                if UInt64(n) < remaining {
                    state = .discardingLiteral(remaining: remaining - UInt64(n))
                    return .needMoreData
                }
                state = .discardingLine(command: true)
            case .discardingLine(let command):
                guard let lf = Self.lineFeed(in: buffer, from: 0) else {
                    let drop = buffer.readableBytes - Self.discardTail
                    if drop > 0 { buffer.moveReaderIndex(forwardBy: drop) }
                    return .needMoreData
                }
                skipLine(through: lf, in: &buffer, command: command)
            case .framing(var framing):
                switch mode {
                case .command:
                    if let result = frameCommand(&framing, in: &buffer) {
                        return result
                    }
                case .idleDone, .authenticateResponse:
                    if let result = frameSingleLine(in: &buffer) {
                        return result
                    }
                }
            }
        }
    }

    /// Consumes through `lf` (a discarded line's end); after a command line, also discards a
    /// non-synchronizing literal it announced.
    private mutating func skipLine(through lf: Int, in buffer: inout ByteBuffer, command: Bool) {
        let line = buffer.getBytes(at: buffer.readerIndex, length: lf) ?? []
        buffer.moveReaderIndex(forwardBy: lf + 1)
        if command, let literal = LiteralAnnouncement(lineEnding: Self.stripCR(line[...])), !literal.isSynchronizing {
            state = .discardingLiteral(remaining: literal.size)
        } else {
            state = .framing(Framing())
        }
    }

    /// Advances the framing of a command. Returns nil to loop again (state changed).
    private mutating func frameCommand(_ framing: inout Framing, in buffer: inout ByteBuffer) -> IMAPDecodeResult? {
        if framing.literalRemaining > 0 {
            guard buffer.readableBytes - framing.framedLength >= framing.literalRemaining else {
                state = .framing(framing)
                return .needMoreData
            }
            framing.framedLength += framing.literalRemaining
            framing.literalRemaining = 0
            framing.scanOffset = framing.framedLength
        }
        let lineStart = framing.framedLength
        guard let lf = Self.lineFeed(in: buffer, from: max(framing.scanOffset, lineStart)) else {
            framing.scanOffset = buffer.readableBytes
            let lineSoFar = buffer.readableBytes - lineStart
            if lineSoFar > limits.maxLineLength || framing.framedLength + lineSoFar > commandLimit(framing) {
                let tag = framing.tag ?? (lineStart == 0 ? Self.tag(in: buffer, lineLength: lineSoFar) : nil)
                let reason: IMAPDecodeError.Reason = lineSoFar > limits.maxLineLength
                    ? .lineTooLong(limit: limits.maxLineLength) : .commandTooLong(limit: commandLimit(framing))
                // Keep only the tail of *this* line: earlier lines of the command end in LF.
                buffer.moveReaderIndex(forwardBy: buffer.readableBytes - min(Self.discardTail, lineSoFar))
                state = .discardingLine(command: true)
                return .error(IMAPDecodeError(tag: tag, reason: reason))
            }
            state = .framing(framing)
            return .needMoreData
        }
        let lineLength = lf + 1 - lineStart
        if lineStart == 0 {
            framing.tag = Self.tag(in: buffer, lineLength: lineLength)
            framing.isAppend = Self.isAppend(in: buffer, lineLength: lineLength)
        }
        let content = buffer.getBytes(at: buffer.readerIndex + lineStart, length: lf - lineStart) ?? []
        let literal = LiteralAnnouncement(lineEnding: Self.stripCR(content[...]))

        func refuse(_ reason: IMAPDecodeError.Reason) -> IMAPDecodeResult {
            buffer.moveReaderIndex(forwardBy: lf + 1)
            if let literal, !literal.isSynchronizing {
                state = .discardingLiteral(remaining: literal.size)
            } else {
                state = .framing(Framing())
            }
            return .error(IMAPDecodeError(tag: framing.tag, reason: reason))
        }

        if lineLength > limits.maxLineLength {
            return refuse(.lineTooLong(limit: limits.maxLineLength))
        }
        if framing.framedLength + lineLength > commandLimit(framing) {
            return refuse(.commandTooLong(limit: commandLimit(framing)))
        }
        guard let literal else {
            // The command is complete.
            let length = framing.framedLength + lineLength
            let slice = buffer.readSlice(length: length)!
            state = .framing(Framing())
            var parser = CommandParser(slice)
            do {
                return .command(try parser.parseTaggedCommand())
            } catch {
                return .error(IMAPDecodeError(tag: framing.tag, reason: .syntax(error.detail)))
            }
        }
        let literalLimit = framing.isAppend ? limits.maxAppendLiteralSize : limits.maxOtherLiteralSize
        if literal.size > UInt64(literalLimit) {
            return refuse(.literalTooBig(announced: literal.size, limit: literalLimit))
        }
        if UInt64(framing.framedLength + lineLength) + literal.size > UInt64(commandLimit(framing)) {
            return refuse(.commandTooLong(limit: commandLimit(framing)))
        }
        if framing.tag == nil {
            // Never invite a literal for a command we will refuse anyway.
            return refuse(.syntax("missing or invalid tag"))
        }
        framing.framedLength += lineLength
        framing.scanOffset = framing.framedLength
        framing.literalRemaining = Int(literal.size)
        state = .framing(framing)
        if literal.isSynchronizing {
            return .continuationNeeded(tag: framing.tag ?? "")
        }
        return nil
    }

    /// Frames one line in IDLE or AUTHENTICATE mode.
    private mutating func frameSingleLine(in buffer: inout ByteBuffer) -> IMAPDecodeResult? {
        guard let lf = Self.lineFeed(in: buffer, from: 0) else {
            if buffer.readableBytes > limits.maxLineLength {
                mode = .command
                buffer.moveReaderIndex(forwardBy: max(0, buffer.readableBytes - Self.discardTail))
                state = .discardingLine(command: false)
                return .error(IMAPDecodeError(tag: nil, reason: .lineTooLong(limit: limits.maxLineLength)))
            }
            return .needMoreData
        }
        let line = Self.stripCR((buffer.readBytes(length: lf + 1) ?? []).dropLast())
        let wasIdle = mode == .idleDone
        mode = .command
        if lf + 1 > limits.maxLineLength {
            return .error(IMAPDecodeError(tag: nil, reason: .lineTooLong(limit: limits.maxLineLength)))
        }
        if wasIdle {
            guard String(decoding: line, as: UTF8.self).uppercased() == "DONE" else {
                return .error(IMAPDecodeError(tag: nil, reason: .expectedDone))
            }
            return .idleDone
        }
        if line.elementsEqual([UInt8(ascii: "*")]) {
            return .authenticateResponse(.cancelled)
        }
        guard let data = Base64.decode(line) else {
            return .error(IMAPDecodeError(tag: nil, reason: .invalidBase64))
        }
        return .authenticateResponse(.data(data))
    }

    // MARK: Helpers

    /// The size limit for the command being framed (APPEND may be much larger than the rest).
    private func commandLimit(_ framing: Framing) -> Int {
        framing.isAppend ? limits.maxCommandSize : min(limits.maxCommandSize, limits.maxOtherCommandSize)
    }

    /// Offset (from the reader index) of the first LF at or after `from`.
    private static func lineFeed(in buffer: ByteBuffer, from: Int) -> Int? {
        guard from < buffer.readableBytes else { return nil }
        return buffer.withUnsafeReadableBytes { bytes in
            bytes[from...].firstIndex(of: UInt8(ascii: "\n"))
        }
    }

    private static func stripCR(_ line: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        line.last == UInt8(ascii: "\r") ? line.dropLast() : line
    }

    /// The tag at the start of the first line, if it is well-formed and followed by a space.
    private static func tag(in buffer: ByteBuffer, lineLength: Int) -> String? {
        let bytes = buffer.getBytes(at: buffer.readerIndex, length: min(lineLength, 128)) ?? []
        guard let space = bytes.firstIndex(of: UInt8(ascii: " ")), space > 0,
              bytes[..<space].allSatisfy(CharacterClasses.isTagChar) else { return nil }
        return String(decoding: bytes[..<space], as: UTF8.self)
    }

    /// Whether the command name (second token of the first line) is APPEND.
    private static func isAppend(in buffer: ByteBuffer, lineLength: Int) -> Bool {
        let bytes = buffer.getBytes(at: buffer.readerIndex, length: min(lineLength, 160)) ?? []
        guard let space = bytes.firstIndex(of: UInt8(ascii: " ")) else { return false }
        let name = bytes[(space + 1)...].prefix(7)
        return String(decoding: name, as: UTF8.self).uppercased() == "APPEND "
    }
}
