import NIOCore

/// Writes server responses into a `ByteBuffer`, CRLF included.
///
/// Strings are written as atoms, quoted strings or literals as the bytes allow; mailbox names
/// are written in modified UTF-7, or in UTF-8 once ``utf8Accept`` is on (RFC 6855).
public struct IMAPResponseEncoder: Sendable {
    /// Set after the client sent `ENABLE UTF8=ACCEPT`.
    public var utf8Accept: Bool

    public init(utf8Accept: Bool = false) {
        self.utf8Accept = utf8Accept
    }

    /// Writes one complete response line (with any literals it contains).
    public func encode(_ response: Response, into buffer: inout ByteBuffer) {
        switch response {
        case .tagged(let tag, let status):
            buffer.writeASCII(tag)
            buffer.writeASCII(" ")
            writeStatus(status, into: &buffer)
        case .untagged(let untagged):
            buffer.writeASCII("* ")
            writeUntagged(untagged, into: &buffer)
        case .continuation(let text):
            buffer.writeASCII("+ ")
            buffer.writeIMAPText(text.isEmpty ? "" : text)
        }
        buffer.writeASCII("\r\n")
    }

    /// Convenience: the bytes of one response.
    public func bytes(of response: Response) -> ByteBuffer {
        var buffer = ByteBuffer()
        encode(response, into: &buffer)
        return buffer
    }

    // MARK: Status

    /// `resp-cond-state = ("OK" / "NO" / "BAD") SP resp-text`; `resp-text = ["[" resp-text-code "]" SP] text`
    func writeStatus(_ status: StatusResponse, into buffer: inout ByteBuffer) {
        buffer.writeASCII(status.status.rawValue)
        buffer.writeASCII(" ")
        if let code = status.code {
            buffer.writeASCII("[")
            writeCode(code, into: &buffer)
            buffer.writeASCII("] ")
        }
        buffer.writeIMAPText(status.text.isEmpty ? status.status.rawValue.lowercased() : status.text)
    }

    /// `resp-text-code`
    func writeCode(_ code: ResponseCode, into buffer: inout ByteBuffer) {
        switch code {
        case .alert: buffer.writeASCII("ALERT")
        case .alreadyExists: buffer.writeASCII("ALREADYEXISTS")
        case .appendUID(let validity, let uids):
            buffer.writeASCII("APPENDUID \(validity) ")
            buffer.writeSequenceSet(uids)
        case .authenticationFailed: buffer.writeASCII("AUTHENTICATIONFAILED")
        case .authorizationFailed: buffer.writeASCII("AUTHORIZATIONFAILED")
        case .badCharset(let charsets):
            buffer.writeASCII("BADCHARSET")
            if !charsets.isEmpty {
                buffer.writeASCII(" (")
                for (i, c) in charsets.enumerated() {
                    if i > 0 { buffer.writeASCII(" ") }
                    buffer.writeIMAPAstring(Array(c.utf8), utf8Allowed: false)
                }
                buffer.writeASCII(")")
            }
        case .cannot: buffer.writeASCII("CANNOT")
        case .capability(let caps): buffer.writeASCII((["CAPABILITY"] + caps).joined(separator: " "))
        case .clientBug: buffer.writeASCII("CLIENTBUG")
        case .closed: buffer.writeASCII("CLOSED")
        case .contactAdmin: buffer.writeASCII("CONTACTADMIN")
        case .copyUID(let validity, let source, let destination):
            buffer.writeASCII("COPYUID \(validity) ")
            buffer.writeSequenceSet(source)
            buffer.writeASCII(" ")
            buffer.writeSequenceSet(destination)
        case .corruption: buffer.writeASCII("CORRUPTION")
        case .expired: buffer.writeASCII("EXPIRED")
        case .expungeIssued: buffer.writeASCII("EXPUNGEISSUED")
        case .hasChildren: buffer.writeASCII("HASCHILDREN")
        case .highestModSeq(let n): buffer.writeASCII("HIGHESTMODSEQ \(n)")
        case .inUse: buffer.writeASCII("INUSE")
        case .limit: buffer.writeASCII("LIMIT")
        case .modified(let set):
            buffer.writeASCII("MODIFIED ")
            buffer.writeSequenceSet(set)
        case .noModSeq: buffer.writeASCII("NOMODSEQ")
        case .nonExistent: buffer.writeASCII("NONEXISTENT")
        case .noPerm: buffer.writeASCII("NOPERM")
        case .overQuota: buffer.writeASCII("OVERQUOTA")
        case .parse: buffer.writeASCII("PARSE")
        case .permanentFlags(let flags, let allowsNew):
            buffer.writeASCII("PERMANENTFLAGS ")
            buffer.writeFlagList(flags, trailingWildcard: allowsNew)
        case .privacyRequired: buffer.writeASCII("PRIVACYREQUIRED")
        case .readOnly: buffer.writeASCII("READ-ONLY")
        case .readWrite: buffer.writeASCII("READ-WRITE")
        case .serverBug: buffer.writeASCII("SERVERBUG")
        case .tooBig: buffer.writeASCII("TOOBIG")
        case .tryCreate: buffer.writeASCII("TRYCREATE")
        case .uidNext(let n): buffer.writeASCII("UIDNEXT \(n)")
        case .uidNotSticky: buffer.writeASCII("UIDNOTSTICKY")
        case .uidValidity(let n): buffer.writeASCII("UIDVALIDITY \(n)")
        case .unavailable: buffer.writeASCII("UNAVAILABLE")
        case .unknownCTE: buffer.writeASCII("UNKNOWN-CTE")
        case .unseen(let n): buffer.writeASCII("UNSEEN \(n)")
        case .useAttribute: buffer.writeASCII("USEATTR")
        case .other(let text): buffer.writeIMAPText(String(text.map { $0 == "]" ? " " : $0 }))
        }
    }

    // MARK: Mailbox names

    /// A mailbox name as `astring`, in modified UTF-7 or UTF-8 per the mode.
    func writeMailbox(_ name: String, into buffer: inout ByteBuffer) {
        let wire = MailboxName(name, utf8Accept: utf8Accept)
        buffer.writeIMAPAstring(wire.bytes, utf8Allowed: utf8Accept)
    }
}
