import NIOCore

/// A single-line POP3 response: `+OK text`, `-ERR [CODE] text`, or the SASL continuation
/// `+ base64` (RFC 5034). Text is sanitised: CR, LF and other control characters become spaces.
public struct POP3Response: Hashable, Sendable, CustomStringConvertible {
    public enum Status: Hashable, Sendable {
        case ok
        case err
        /// `+ ` SASL continuation.
        case continuation
    }

    public var status: Status
    /// Only written for `-ERR` responses.
    public var code: POP3ResponseCode?
    public var text: String

    public init(status: Status, code: POP3ResponseCode? = nil, text: String) {
        self.status = status
        self.code = code
        self.text = text
    }

    public static func ok(_ text: String = "") -> POP3Response {
        POP3Response(status: .ok, text: text)
    }

    /// `-ERR text`
    public static func err(_ text: String) -> POP3Response {
        POP3Response(status: .err, text: text)
    }

    /// `-ERR [CODE] text`, e.g. `.err(.auth, "Invalid credentials")`.
    public static func err(_ code: POP3ResponseCode, _ text: String) -> POP3Response {
        POP3Response(status: .err, code: code, text: text)
    }

    /// `+ challenge` (already base64; empty for the first step of PLAIN).
    public static func continuation(_ base64: String = "") -> POP3Response {
        POP3Response(status: .continuation, text: base64)
    }

    /// `+OK count size` answer to STAT (RFC 1939 §5).
    public static func stat(messageCount: Int, totalSize: Int) -> POP3Response {
        .ok("\(messageCount) \(totalSize)")
    }

    /// `+OK msg size` answer to `LIST msg`.
    public static func scanListing(messageNumber: Int, size: Int) -> POP3Response {
        .ok("\(messageNumber) \(size)")
    }

    /// `+OK msg uid` answer to `UIDL msg`.
    public static func uniqueIDListing(messageNumber: Int, uniqueID: String) -> POP3Response {
        .ok("\(messageNumber) \(uniqueID)")
    }

    public func write(into buffer: inout ByteBuffer) {
        switch self.status {
        case .ok: buffer.writeStaticString("+OK")
        case .err: buffer.writeStaticString("-ERR")
        case .continuation: buffer.writeStaticString("+")
        }
        if self.status == .err, let code = self.code {
            buffer.writeString(" [\(code.rawValue)]")
        }
        if !self.text.isEmpty || self.status == .continuation {
            buffer.writeStaticString(" ")
            Self.writeSanitised(self.text, into: &buffer)
        }
        buffer.writeStaticString("\r\n")
    }

    public var encoded: ByteBuffer {
        var buffer = ByteBuffer()
        self.write(into: &buffer)
        return buffer
    }

    public var description: String {
        String(decoding: self.encoded.readableBytesView.dropLast(2), as: UTF8.self)
    }

    static func writeSanitised(_ text: String, into buffer: inout ByteBuffer) {
        for byte in text.utf8 {
            buffer.writeInteger(byte < 0x20 && byte != 0x09 || byte == 0x7F ? UInt8(ascii: " ") : byte)
        }
    }
}
