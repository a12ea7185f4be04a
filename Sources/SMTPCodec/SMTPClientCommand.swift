import NIOCore

/// A command an SMTP client (Mailward's outbound delivery) sends. ``write(into:)`` refuses
/// values that would break the line (control characters, spaces in a host name, malformed
/// parameters) instead of sending them.
public enum SMTPClientCommand: Hashable, Sendable {
    /// `EHLO host`; `host` is a domain or an address literal such as `[192.0.2.1]`.
    case ehlo(String)
    case helo(String)
    /// `MAIL FROM:<path> params`; use ``SMTPPath/null`` for bounces.
    case mailFrom(SMTPPath, parameters: [SMTPParameter] = [])
    case rcptTo(SMTPPath, parameters: [SMTPParameter] = [])
    case data
    /// `BDAT size [LAST]`; the payload follows without dot-stuffing.
    case bdat(size: Int, last: Bool)
    case rset
    case noop
    case quit
    case startTLS
    /// `AUTH mechanism [initial-response]`; an empty initial response is sent as `=`.
    case auth(mechanism: String, initialResponse: String?)
    /// One line answering a 334 challenge (base64, or `*` to cancel).
    case authenticationResponse(String)

    /// Appends the command line, CRLF included.
    public func write(into buffer: inout ByteBuffer) throws(SMTPEncodingError) {
        let line: String
        switch self {
        case .ehlo(let host): line = "EHLO \(try Self.checkedToken(host, "host"))"
        case .helo(let host): line = "HELO \(try Self.checkedToken(host, "host"))"
        case .mailFrom(let path, let parameters):
            line = "MAIL FROM:\(try Self.checkedPath(path))\(try Self.checkedParameters(parameters))"
        case .rcptTo(let path, let parameters):
            line = "RCPT TO:\(try Self.checkedPath(path))\(try Self.checkedParameters(parameters))"
        case .data: line = "DATA"
        case .bdat(let size, let last):
            guard size >= 0 else { throw SMTPEncodingError("negative BDAT size") }
            line = last ? "BDAT \(size) LAST" : "BDAT \(size)"
        case .rset: line = "RSET"
        case .noop: line = "NOOP"
        case .quit: line = "QUIT"
        case .startTLS: line = "STARTTLS"
        case .auth(let mechanism, let initialResponse):
            let mechanism = try Self.checkedToken(mechanism, "mechanism")
            if let initialResponse {
                line = "AUTH \(mechanism) \(initialResponse.isEmpty ? "=" : try Self.checkedToken(initialResponse, "response"))"
            } else {
                line = "AUTH \(mechanism)"
            }
        case .authenticationResponse(let response):
            line = response.isEmpty ? "" : try Self.checkedToken(response, "response")
        }
        buffer.writeString(line)
        buffer.writeStaticString("\r\n")
    }

    /// The encoded line as a fresh buffer.
    public func encoded() throws(SMTPEncodingError) -> ByteBuffer {
        var buffer = ByteBuffer()
        try self.write(into: &buffer)
        return buffer
    }

    /// A non-empty run of printable non-space characters.
    private static func checkedToken(_ text: String, _ what: String) throws(SMTPEncodingError) -> String {
        guard !text.isEmpty, text.utf8.allSatisfy({ $0 > 0x20 && $0 != 0x7F }) else {
            throw SMTPEncodingError("invalid \(what)")
        }
        return text
    }

    private static func checkedPath(_ path: SMTPPath) throws(SMTPEncodingError) -> String {
        let wire = path.description
        guard wire.utf8.allSatisfy({ $0 >= 0x20 && $0 != 0x7F }) else { throw SMTPEncodingError("invalid path") }
        return wire
    }

    private static func checkedParameters(_ parameters: [SMTPParameter]) throws(SMTPEncodingError) -> String {
        var text = ""
        for parameter in parameters {
            let keywordOK = parameter.keyword.utf8.first.map { isASCIIAlpha($0) || isASCIIDigit($0) } ?? false
                && parameter.keyword.utf8.allSatisfy { isASCIIAlpha($0) || isASCIIDigit($0) || $0 == UInt8(ascii: "-") }
            let valueOK = parameter.value.map { value in
                !value.isEmpty && value.utf8.allSatisfy { (33...60).contains($0) || (62...126).contains($0) || $0 >= 0x80 }
            } ?? true
            guard keywordOK, valueOK else { throw SMTPEncodingError("invalid parameter") }
            text += " \(parameter)"
        }
        return text
    }
}
