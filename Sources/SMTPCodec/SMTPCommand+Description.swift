/// Log-friendly text for commands: the wire form, with AUTH data redacted (DESIGN principle 6).
extension SMTPCommand: CustomStringConvertible, CustomDebugStringConvertible {
    public var description: String {
        switch self {
        case .ehlo(let host): return "EHLO \(host)"
        case .helo(let host): return "HELO \(host)"
        case .mail(let path, let parameters):
            var text = "MAIL FROM:\(path)"
            if let size = parameters.size { text += " SIZE=\(size)" }
            if let body = parameters.body { text += " BODY=\(body.rawValue)" }
            if parameters.smtpUTF8 { text += " SMTPUTF8" }
            if let auth = parameters.auth { text += " AUTH=\(auth)" }
            if let ret = parameters.ret { text += " RET=\(ret)" }
            if let envelopeID = parameters.envelopeID { text += " ENVID=\(envelopeID)" }
            for parameter in parameters.unrecognized { text += " \(parameter)" }
            return text
        case .rcpt(let path, let parameters):
            var text = "RCPT TO:\(path)"
            if let notify = parameters.notify { text += " NOTIFY=\(notify)" }
            if let original = parameters.originalRecipient { text += " ORCPT=\(original)" }
            for parameter in parameters.unrecognized { text += " \(parameter)" }
            return text
        case .data: return "DATA"
        case .bdat(let size, let last): return last ? "BDAT \(size) LAST" : "BDAT \(size)"
        case .rset: return "RSET"
        case .noop: return "NOOP"
        case .quit: return "QUIT"
        case .vrfy(let text): return "VRFY \(text)"
        case .expn(let text): return "EXPN \(text)"
        case .help(let topic): return topic.map { "HELP \($0)" } ?? "HELP"
        case .startTLS: return "STARTTLS"
        case .auth(let mechanism, let initialResponse):
            return initialResponse == nil ? "AUTH \(mechanism)" : "AUTH \(mechanism) <redacted>"
        }
    }

    public var debugDescription: String { self.description }
}

extension SMTPClientCommand: CustomStringConvertible, CustomDebugStringConvertible {
    /// The wire form without CRLF, AUTH data redacted.
    public var description: String {
        switch self {
        case .auth(let mechanism, let initialResponse):
            return initialResponse == nil ? "AUTH \(mechanism)" : "AUTH \(mechanism) <redacted>"
        case .authenticationResponse(let response):
            return response == "*" ? "*" : "<redacted>"
        default:
            guard let buffer = try? self.encoded() else { return "<unencodable command>" }
            return String(decoding: buffer.readableBytesView.dropLast(2), as: UTF8.self)
        }
    }

    public var debugDescription: String { self.description }
}
