import LineCodec
import NIOCore

/// Incrementally decodes server replies on the client side (outbound delivery).
///
///     Reply-line = *( Reply-code "-" [ textstring ] CRLF ) Reply-code [ SP textstring ] CRLF
///     Reply-code = %x32-35 %x30-35 %x30-39
///
/// Multi-line replies come out as one ``SMTPReply``. When the first line starts with an
/// RFC 3463 code whose class matches the reply code, it becomes ``SMTPReply/enhancedStatusCode``
/// and is removed from every line that repeats it. Lines ending in a bare LF are tolerated
/// (servers, unlike clients, are not a smuggling vector here). Line length and line count are
/// bounded.
public struct SMTPReplyDecoder: Sendable {
    public struct Configuration: Hashable, Sendable {
        /// Longest reply line including CRLF. RFC 5321 says 512; real servers exceed it.
        public var maximumLineLength: Int
        /// Most lines in one reply.
        public var maximumLineCount: Int

        public init(maximumLineLength: Int = 2048, maximumLineCount: Int = 128) {
            self.maximumLineLength = maximumLineLength
            self.maximumLineCount = maximumLineCount
        }
    }

    public var configuration: Configuration
    private var framer = LineFramer()
    private var pendingCode: Int?
    private var pendingLines: [String] = []

    public init(configuration: Configuration = Configuration()) {
        self.configuration = configuration
    }

    public mutating func next(_ buffer: inout ByteBuffer) -> SMTPDecodeResult<SMTPReply> {
        while true {
            switch self.framer.next(&buffer, maximumLength: self.configuration.maximumLineLength, acceptsBareLineFeed: true) {
            case .needMoreData:
                return .needMoreData
            case .tooLong:
                return self.fail(.replyTooLong, "reply line too long")
            case .bareLineFeed:
                return self.fail(.malformedReply, "bare LF")  // not reached: bare LF is accepted
            case .line(let line):
                guard line.count >= 3, let code = Self.code(line[0], line[1], line[2]) else {
                    return self.fail(.malformedReply, "bad reply code")
                }
                guard self.pendingCode == nil || self.pendingCode == code else {
                    return self.fail(.malformedReply, "reply code changed within a multi-line reply")
                }
                let isLast: Bool
                switch line.count > 3 ? line[3] : UInt8(ascii: " ") {
                case UInt8(ascii: " "): isLast = true
                case UInt8(ascii: "-"): isLast = false
                default: return self.fail(.malformedReply, "bad reply separator")
                }
                guard self.pendingLines.count < self.configuration.maximumLineCount else {
                    return self.fail(.replyTooLong, "too many reply lines")
                }
                self.pendingCode = code
                self.pendingLines.append(line.count > 4 ? String(decoding: line[4...], as: UTF8.self) : "")
                if isLast {
                    let reply = Self.makeReply(code: code, lines: self.pendingLines)
                    self.pendingCode = nil
                    self.pendingLines = []
                    return .value(reply)
                }
            }
        }
    }

    private mutating func fail(_ kind: SMTPDecodeError.Kind, _ reason: String) -> SMTPDecodeResult<SMTPReply> {
        self.pendingCode = nil
        self.pendingLines = []
        return .error(SMTPDecodeError(kind, reason))
    }

    private static func code(_ a: UInt8, _ b: UInt8, _ c: UInt8) -> Int? {
        guard (UInt8(ascii: "2")...UInt8(ascii: "5")).contains(a), (UInt8(ascii: "0")...UInt8(ascii: "5")).contains(b),
            isASCIIDigit(c)
        else { return nil }
        return Int(a - 48) * 100 + Int(b - 48) * 10 + Int(c - 48)
    }

    /// Splits off an enhanced status code of the reply's class from the start of the lines.
    static func makeReply(code: Int, lines: [String]) -> SMTPReply {
        func split(_ line: String) -> (SMTPEnhancedStatusCode, String)? {
            let token = line.prefix { $0 != " " }
            guard let enhanced = SMTPEnhancedStatusCode(token), enhanced.statusClass == code / 100 else { return nil }
            return (enhanced, String(line.dropFirst(token.count).drop { $0 == " " }))
        }
        guard let first = lines.first, let (enhanced, _) = split(first) else {
            return SMTPReply(code: code, enhancedStatusCode: nil, lines: lines)
        }
        let stripped = lines.map { line in
            if let (lineCode, rest) = split(line), lineCode == enhanced { return rest }
            return line
        }
        return SMTPReply(code: code, enhancedStatusCode: enhanced, lines: stripped)
    }
}
