import LineCodec
import NIOCore

/// Incrementally decodes POP3 command lines. Each `.value`/`.error` consumed one line, so
/// pipelined commands (RFC 2449 PIPELINING) come out one by one. During an AUTH exchange read
/// the client's lines with ``nextAuthenticationLine(_:)``.
public struct POP3CommandDecoder: Sendable {
    public struct Configuration: Hashable, Sendable {
        /// Longest command line including CRLF (RFC 2449 §4: 255).
        public var maximumLineLength: Int
        /// Longest AUTH command or SASL response line including CRLF (tokens such as OAuth
        /// bearer tokens exceed 255).
        public var maximumAuthenticationLineLength: Int
        /// Accept lines ending in a bare LF (default true: POP3 has no smuggling risk and hand
        /// testing with `nc` sends LF).
        public var acceptsBareLineFeed: Bool

        public init(maximumLineLength: Int = 255, maximumAuthenticationLineLength: Int = 12288, acceptsBareLineFeed: Bool = true) {
            self.maximumLineLength = maximumLineLength
            self.maximumAuthenticationLineLength = maximumAuthenticationLineLength
            self.acceptsBareLineFeed = acceptsBareLineFeed
        }
    }

    public var configuration: Configuration
    private var framer = LineFramer()

    public init(configuration: Configuration = Configuration()) {
        self.configuration = configuration
    }

    /// Decodes the next command, if a complete line is buffered.
    public mutating func next(_ buffer: inout ByteBuffer) -> POP3DecodeResult<POP3Command> {
        let bound = max(self.configuration.maximumLineLength, self.configuration.maximumAuthenticationLineLength)
        switch self.framer.next(&buffer, maximumLength: bound, acceptsBareLineFeed: self.configuration.acceptsBareLineFeed) {
        case .needMoreData:
            return .needMoreData
        case .tooLong:
            return .error(POP3DecodeError(.lineTooLong, "line too long"))
        case .bareLineFeed:
            return .error(POP3DecodeError(.bareLineFeed, "bare LF"))
        case .line(let line):
            if line.count + 2 > self.configuration.maximumLineLength {
                let isAuth = line.count > 5 && String(decoding: line.prefix(5), as: UTF8.self).uppercased() == "AUTH "
                guard isAuth else { return .error(POP3DecodeError(.lineTooLong, "line too long")) }
            }
            switch Self.parse(line: line) {
            case .success(let command): return .value(command)
            case .failure(let error): return .error(error)
            }
        }
    }

    /// Decodes one client line of a SASL exchange (after a `+ ` continuation), trailing spaces
    /// removed: base64, `=` or `*` (cancel, RFC 5034 §4).
    public mutating func nextAuthenticationLine(_ buffer: inout ByteBuffer) -> POP3DecodeResult<String> {
        let bound = self.configuration.maximumAuthenticationLineLength
        switch self.framer.next(&buffer, maximumLength: bound, acceptsBareLineFeed: self.configuration.acceptsBareLineFeed) {
        case .needMoreData:
            return .needMoreData
        case .tooLong:
            return .error(POP3DecodeError(.lineTooLong, "line too long"))
        case .bareLineFeed:
            return .error(POP3DecodeError(.bareLineFeed, "bare LF"))
        case .line(var line):
            while line.last == UInt8(ascii: " ") { line.removeLast() }
            guard line.allSatisfy({ POP3CommandParser.isBase64Character($0) || $0 == UInt8(ascii: "*") }) else {
                return .error(POP3DecodeError(.invalidArguments, "bad SASL response"))
            }
            return .value(String(decoding: line, as: UTF8.self))
        }
    }

    /// Parses one complete line (without CRLF). Pure; for ``next(_:)`` and fuzzers.
    public static func parse(line: [UInt8]) -> Result<POP3Command, POP3DecodeError> {
        do throws(POP3DecodeError) {
            return .success(try POP3CommandParser.parse(line: line))
        } catch {
            return .failure(error)
        }
    }
}
