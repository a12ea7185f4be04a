import LineCodec
import NIOCore

/// Incrementally decodes SMTP command lines from a server's inbound byte stream.
///
/// Call ``next(_:)`` after every read until it answers `.needMoreData`; each `.value` or `.error`
/// consumed exactly one line, so pipelined commands (RFC 2920) come out one by one. After DATA or
/// BDAT the server switches to ``SMTPDataDecoder`` / ``SMTPChunkReader`` on the *same* buffer;
/// during an AUTH exchange it reads client responses with ``nextAuthenticationLine(_:)``.
///
/// The decoder holds no session state: the server changes ``configuration`` (e.g. enabling
/// UTF-8 addresses once it advertises SMTPUTF8) between calls if it needs to.
public struct SMTPCommandDecoder: Sendable {
    public struct Configuration: Hashable, Sendable {
        /// Longest command line including CRLF (RFC 5321 §4.5.3.1.4: 512).
        public var maximumLineLength: Int
        /// Longest `AUTH` command or SASL response line including CRLF (RFC 4954 §4: 12288).
        public var maximumAuthenticationLineLength: Int
        /// Longest `MAIL` or `RCPT` line including CRLF. The extensions the server offers let
        /// their parameters lengthen these two past 512: SIZE (RFC 1870) by 26, RET and ENVID
        /// (RFC 3461) by 100 and NOTIFY and ORCPT by 500, AUTH (RFC 4954) by 500 — a relaying
        /// MTA's `RCPT` with a 500-character ORCPT must fit. 2048, as Postfix's
        /// `line_length_limit`.
        public var maximumParameterLineLength: Int
        /// True when the server offers SMTPUTF8: non-ASCII addresses are then accepted in
        /// `MAIL FROM` carrying the `SMTPUTF8` parameter and in `RCPT TO` (the server must still
        /// check the transaction used SMTPUTF8, see ``SMTPPath/isInternationalized``).
        public var allowsUTF8Addresses: Bool
        /// Accept command lines ending in a bare LF (default false, as Postfix 3.9 does).
        public var acceptsBareLineFeed: Bool

        public init(
            maximumLineLength: Int = 512, maximumAuthenticationLineLength: Int = 12288,
            maximumParameterLineLength: Int = 2048, allowsUTF8Addresses: Bool = false, acceptsBareLineFeed: Bool = false
        ) {
            self.maximumLineLength = maximumLineLength
            self.maximumAuthenticationLineLength = maximumAuthenticationLineLength
            self.maximumParameterLineLength = maximumParameterLineLength
            self.allowsUTF8Addresses = allowsUTF8Addresses
            self.acceptsBareLineFeed = acceptsBareLineFeed
        }

        /// The longest line the decoder holds before refusing it: the largest of the limits.
        public var lineBound: Int {
            max(maximumLineLength, maximumAuthenticationLineLength, maximumParameterLineLength)
        }

        /// The limit of a command line that starts like `line`.
        func limit(of line: [UInt8]) -> Int {
            for (verb, limit) in [("AUTH ", maximumAuthenticationLineLength), ("MAIL ", maximumParameterLineLength),
                                  ("RCPT ", maximumParameterLineLength)] {
                var cursor = SMTPByteCursor(line)
                if cursor.consumeCaseInsensitive(verb) { return max(limit, maximumLineLength) }
            }
            return maximumLineLength
        }
    }

    public var configuration: Configuration
    private var framer = LineFramer()

    public init(configuration: Configuration = Configuration()) {
        self.configuration = configuration
    }

    /// Decodes the next command line, if complete.
    public mutating func next(_ buffer: inout ByteBuffer) -> SMTPDecodeResult<SMTPCommand> {
        switch self.framer.next(&buffer, maximumLength: self.configuration.lineBound,
                                acceptsBareLineFeed: self.configuration.acceptsBareLineFeed) {
        case .needMoreData:
            return .needMoreData
        case .tooLong:
            return .error(SMTPDecodeError(.lineTooLong, "line too long"))
        case .bareLineFeed:
            return .error(SMTPDecodeError(.bareLineFeed, "bare LF"))
        case .line(let line):
            // AUTH (initial responses can be long), MAIL and RCPT (parameters) have longer limits.
            if line.count + 2 > self.configuration.maximumLineLength, line.count + 2 > self.configuration.limit(of: line) {
                return .error(SMTPDecodeError(.lineTooLong, "line too long"))
            }
            switch Self.parse(line: line, configuration: self.configuration) {
            case .success(let command): return .value(command)
            case .failure(let error): return .error(error)
            }
        }
    }

    /// Decodes one client line of a SASL exchange (after a 334 challenge), trailing spaces
    /// removed. Interpret it with ``SASLResponse/init(line:)`` (`*` cancels, `=` is empty).
    public mutating func nextAuthenticationLine(_ buffer: inout ByteBuffer) -> SMTPDecodeResult<String> {
        let bound = self.configuration.maximumAuthenticationLineLength
        switch self.framer.next(&buffer, maximumLength: bound, acceptsBareLineFeed: self.configuration.acceptsBareLineFeed) {
        case .needMoreData:
            return .needMoreData
        case .tooLong:
            return .error(SMTPDecodeError(.lineTooLong, "line too long"))
        case .bareLineFeed:
            return .error(SMTPDecodeError(.bareLineFeed, "bare LF"))
        case .line(var line):
            while line.last == UInt8(ascii: " ") { line.removeLast() }
            guard line.allSatisfy({ $0 > 0x20 && $0 < 0x7F }), let text = validUTF8String(line) else {
                return .error(SMTPDecodeError(.invalidArguments, "bad SASL response"))
            }
            return .value(text)
        }
    }

    /// Parses one complete command line (without CRLF). Pure; used by ``next(_:)`` and fuzzers.
    public static func parse(line: [UInt8], configuration: Configuration = Configuration()) -> Result<SMTPCommand, SMTPDecodeError> {
        do throws(SMTPDecodeError) {
            return .success(try SMTPCommandParser.parse(line: line, allowsUTF8Addresses: configuration.allowsUTF8Addresses))
        } catch {
            return .failure(error)
        }
    }
}
