import NIOCore

/// An SMTP reply (RFC 5321 §4.2): a three-digit code, an optional RFC 3463 enhanced status code
/// and one or more lines of text.
///
/// Encoding (``write(into:)``) produces, for a multi-line reply, `250-first\r\n250-…\r\n250 last\r\n`,
/// with the enhanced code repeated on every line as RFC 2034 §3 requires. Text is sanitised: CR,
/// LF and other control characters become spaces, so no caller can inject a second reply.
public struct SMTPReply: Hashable, Sendable, CustomStringConvertible {
    /// 200...599.
    public var code: Int
    public var enhancedStatusCode: SMTPEnhancedStatusCode?
    /// Never empty once encoded: an empty array encodes as a single line without text.
    public var lines: [String]

    public init(code: Int, enhancedStatusCode: SMTPEnhancedStatusCode? = nil, lines: [String]) {
        precondition((200...599).contains(code), "SMTP reply codes are 200...599")
        self.code = code
        self.enhancedStatusCode = enhancedStatusCode
        self.lines = lines
    }

    /// A single-line reply.
    public init(code: Int, _ enhancedStatusCode: SMTPEnhancedStatusCode?, _ text: String) {
        self.init(code: code, enhancedStatusCode: enhancedStatusCode, lines: [text])
    }

    /// 2yz
    public var isPositiveCompletion: Bool { self.code / 100 == 2 }
    /// 3yz (354 after DATA, 334 during AUTH)
    public var isPositiveIntermediate: Bool { self.code / 100 == 3 }
    /// 4yz: try again later.
    public var isTransientFailure: Bool { self.code / 100 == 4 }
    /// 5yz: do not retry.
    public var isPermanentFailure: Bool { self.code / 100 == 5 }

    /// Appends the wire form of this reply to `buffer`.
    public func write(into buffer: inout ByteBuffer) {
        let lines = self.lines.isEmpty ? [""] : self.lines
        for (index, line) in lines.enumerated() {
            buffer.writeString(String(self.code))
            buffer.writeInteger(index == lines.count - 1 ? UInt8(ascii: " ") : UInt8(ascii: "-"))
            if let enhanced = self.enhancedStatusCode {
                buffer.writeString(enhanced.description)
                if !line.isEmpty { buffer.writeInteger(UInt8(ascii: " ")) }
            }
            Self.writeSanitised(line, into: &buffer)
            buffer.writeInteger(UInt8(ascii: "\r"))
            buffer.writeInteger(UInt8(ascii: "\n"))
        }
    }

    /// The wire form as a fresh buffer.
    public var encoded: ByteBuffer {
        var buffer = ByteBuffer()
        self.write(into: &buffer)
        return buffer
    }

    public var description: String {
        let enhanced = self.enhancedStatusCode.map { " \($0)" } ?? ""
        return "\(self.code)\(enhanced) \(self.lines.joined(separator: " | "))"
    }

    /// Writes `text`, replacing control characters (except HTAB) with spaces.
    static func writeSanitised(_ text: String, into buffer: inout ByteBuffer) {
        for byte in text.utf8 {
            if byte < 0x20 && byte != 0x09 || byte == 0x7F {
                buffer.writeInteger(UInt8(ascii: " "))
            } else {
                buffer.writeInteger(byte)
            }
        }
    }
}
