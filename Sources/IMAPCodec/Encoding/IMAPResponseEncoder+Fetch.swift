import NIOCore

extension IMAPResponseEncoder {
    /// `msg-att-dynamic / msg-att-static` (RFC 3501 §7.4.2)
    func writeFetchItem(_ item: FetchResponseItem, into buffer: inout ByteBuffer) {
        switch item {
        case .uid(let uid): buffer.writeASCII("UID \(uid)")
        case .flags(let flags):
            buffer.writeASCII("FLAGS ")
            buffer.writeFlagList(flags)
        case .internalDate(let date):
            buffer.writeASCII("INTERNALDATE \"\(date.description)\"")
        case .rfc822Size(let size): buffer.writeASCII("RFC822.SIZE \(size)")
        case .modSequence(let modSequence): buffer.writeASCII("MODSEQ (\(modSequence))")
        case .envelope(let envelope):
            buffer.writeASCII("ENVELOPE ")
            writeEnvelope(envelope, into: &buffer)
        case .bodyStructure(let body, let extensible):
            buffer.writeASCII(extensible ? "BODYSTRUCTURE " : "BODY ")
            writeBody(body, extensible: extensible, into: &buffer)
        case .bodySection(_, _, let data):
            writeMessageTextName(item, into: &buffer)
            writeNLiteral(data, into: &buffer)
        case .binary(let part, let origin, let data):
            buffer.writeASCII("BINARY[\(part.map(String.init).joined(separator: "."))]")
            if let origin { buffer.writeASCII("<\(origin)>") }
            buffer.writeASCII(" ")
            if let data {
                buffer.writeIMAPLiteral8(buffer: data)
            } else {
                buffer.writeASCII("NIL")
            }
        case .binarySize(let part, let size):
            buffer.writeASCII("BINARY.SIZE[\(part.map(String.init).joined(separator: "."))] \(size)")
        case .rfc822(let data), .rfc822Header(let data), .rfc822Text(let data):
            writeMessageTextName(item, into: &buffer)
            writeNLiteral(data, into: &buffer)
        }
    }

    /// The name of a message-text item and its space (`BODY[1.MIME]<0> `, `RFC822.TEXT `);
    /// nothing for the other items.
    private func writeMessageTextName(_ item: FetchResponseItem, into buffer: inout ByteBuffer) {
        switch item {
        case .bodySection(let section, let origin, _):
            buffer.writeASCII("BODY[\(section.description)]")
            if let origin { buffer.writeASCII("<\(origin)>") }
            buffer.writeASCII(" ")
        case .rfc822: buffer.writeASCII("RFC822 ")
        case .rfc822Header: buffer.writeASCII("RFC822.HEADER ")
        case .rfc822Text: buffer.writeASCII("RFC822.TEXT ")
        default: break
        }
    }

    // MARK: A FETCH response in pieces

    /// `* n FETCH (` — the start of a FETCH response written in pieces, for a message too large
    /// to hold in memory: then its items, each either whole (``encodeFetchItem(_:first:into:)``)
    /// or, for message text, only the literal's head (``encodeFetchLiteralHead(_:length:first:into:)``)
    /// followed by exactly that many bytes the caller writes; then ``encodeFetchEnd(into:)``.
    public func encodeFetchStart(_ number: UInt32, into buffer: inout ByteBuffer) {
        buffer.writeASCII("* \(number) FETCH (")
    }

    /// One item of a FETCH response begun with ``encodeFetchStart(_:into:)``.
    public func encodeFetchItem(_ item: FetchResponseItem, first: Bool, into buffer: inout ByteBuffer) {
        if !first { buffer.writeASCII(" ") }
        writeFetchItem(item, into: &buffer)
    }

    /// The name of a message-text item (`BODY[…]`, `RFC822`, `RFC822.HEADER`, `RFC822.TEXT`; its
    /// data is ignored) and the head of its literal, `{length}` CRLF: the caller writes the
    /// `length` bytes next.
    public func encodeFetchLiteralHead(_ item: FetchResponseItem, length: Int, first: Bool, into buffer: inout ByteBuffer) {
        if !first { buffer.writeASCII(" ") }
        writeMessageTextName(item, into: &buffer)
        buffer.writeASCII("{\(length)}\r\n")
    }

    /// The end of a FETCH response written in pieces.
    public func encodeFetchEnd(into buffer: inout ByteBuffer) {
        buffer.writeASCII(")\r\n")
    }

    /// Message data always goes as a literal (it contains CRLF), or `NIL`.
    private func writeNLiteral(_ data: ByteBuffer?, into buffer: inout ByteBuffer) {
        if let data {
            buffer.writeIMAPLiteral(buffer: data)
        } else {
            buffer.writeASCII("NIL")
        }
    }

    /// `envelope = "(" env-date SP env-subject SP env-from SP env-sender SP env-reply-to SP env-to
    ///  SP env-cc SP env-bcc SP env-in-reply-to SP env-message-id ")"`
    func writeEnvelope(_ envelope: IMAPEnvelope, into buffer: inout ByteBuffer) {
        buffer.writeASCII("(")
        buffer.writeIMAPNString(envelope.date, utf8Allowed: utf8Accept)
        buffer.writeASCII(" ")
        buffer.writeIMAPNString(envelope.subject, utf8Allowed: utf8Accept)
        for list in [envelope.from, envelope.sender, envelope.replyTo, envelope.to, envelope.cc, envelope.bcc] {
            buffer.writeASCII(" ")
            writeAddresses(list, into: &buffer)
        }
        buffer.writeASCII(" ")
        buffer.writeIMAPNString(envelope.inReplyTo, utf8Allowed: utf8Accept)
        buffer.writeASCII(" ")
        buffer.writeIMAPNString(envelope.messageID, utf8Allowed: utf8Accept)
        buffer.writeASCII(")")
    }

    /// `env-from = "(" 1*address ")" / nil` — addresses follow each other without spaces.
    private func writeAddresses(_ addresses: [IMAPAddress], into buffer: inout ByteBuffer) {
        guard !addresses.isEmpty else {
            buffer.writeASCII("NIL")
            return
        }
        buffer.writeASCII("(")
        for address in addresses {
            buffer.writeASCII("(")
            buffer.writeIMAPNString(address.name, utf8Allowed: utf8Accept)
            buffer.writeASCII(" ")
            buffer.writeIMAPNString(address.adl, utf8Allowed: utf8Accept)
            buffer.writeASCII(" ")
            buffer.writeIMAPNString(address.mailbox, utf8Allowed: utf8Accept)
            buffer.writeASCII(" ")
            buffer.writeIMAPNString(address.host, utf8Allowed: utf8Accept)
            buffer.writeASCII(")")
        }
        buffer.writeASCII(")")
    }

    /// `body = "(" (body-type-1part / body-type-mpart) ")"`
    func writeBody(_ body: IMAPBodyStructure, extensible: Bool, into buffer: inout ByteBuffer) {
        buffer.writeASCII("(")
        switch body {
        case .singlePart(let part):
            writeSinglePart(part, extensible: extensible, into: &buffer)
        case .multipart(let multipart):
            // body-type-mpart = 1*body SP media-subtype [SP body-ext-mpart]
            for child in multipart.parts {
                writeBody(child, extensible: extensible, into: &buffer)
            }
            buffer.writeASCII(" ")
            buffer.writeIMAPString(multipart.subtype, utf8Allowed: false)
            if extensible {
                // body-ext-mpart = body-fld-param [SP body-fld-dsp [SP body-fld-lang [SP body-fld-loc]]]
                buffer.writeASCII(" ")
                writeParameters(multipart.parameters, into: &buffer)
                writeExtensionTail(disposition: multipart.disposition, language: multipart.language,
                                   location: multipart.location, into: &buffer)
            }
        }
        buffer.writeASCII(")")
    }

    /// `body-type-1part = (body-type-basic / body-type-msg / body-type-text) [SP body-ext-1part]`;
    /// `body-fields = body-fld-param SP body-fld-id SP body-fld-desc SP body-fld-enc SP body-fld-octets`
    private func writeSinglePart(_ part: IMAPBodyStructure.SinglePart, extensible: Bool, into buffer: inout ByteBuffer) {
        buffer.writeIMAPString(part.type, utf8Allowed: false)
        buffer.writeASCII(" ")
        buffer.writeIMAPString(part.subtype, utf8Allowed: false)
        buffer.writeASCII(" ")
        writeParameters(part.parameters, into: &buffer)
        buffer.writeASCII(" ")
        buffer.writeIMAPNString(part.id, utf8Allowed: utf8Accept)
        buffer.writeASCII(" ")
        buffer.writeIMAPNString(part.description, utf8Allowed: utf8Accept)
        buffer.writeASCII(" ")
        buffer.writeIMAPString(part.encoding, utf8Allowed: false)
        buffer.writeASCII(" \(part.size)")
        switch part.kind {
        case .basic:
            break
        case .text(let lines):
            buffer.writeASCII(" \(lines)")
        case .message(let envelope, let body, let lines):
            buffer.writeASCII(" ")
            writeEnvelope(envelope, into: &buffer)
            buffer.writeASCII(" ")
            writeBody(body, extensible: extensible, into: &buffer)
            buffer.writeASCII(" \(lines)")
        }
        if extensible {
            // body-ext-1part = body-fld-md5 [SP body-fld-dsp [SP body-fld-lang [SP body-fld-loc]]]
            buffer.writeASCII(" ")
            buffer.writeIMAPNString(part.md5, utf8Allowed: false)
            writeExtensionTail(disposition: part.disposition, language: part.language, location: part.location,
                               into: &buffer)
        }
    }

    /// `SP body-fld-dsp SP body-fld-lang SP body-fld-loc`
    private func writeExtensionTail(disposition: IMAPBodyDisposition?, language: [String], location: String?,
                                    into buffer: inout ByteBuffer) {
        buffer.writeASCII(" ")
        if let disposition {
            buffer.writeASCII("(")
            buffer.writeIMAPString(disposition.type, utf8Allowed: false)
            buffer.writeASCII(" ")
            writeParameters(disposition.parameters, into: &buffer)
            buffer.writeASCII(")")
        } else {
            buffer.writeASCII("NIL")
        }
        buffer.writeASCII(" ")
        switch language.count {
        case 0: buffer.writeASCII("NIL")
        case 1: buffer.writeIMAPString(language[0], utf8Allowed: false)
        default:
            buffer.writeASCII("(")
            for (i, tag) in language.enumerated() {
                if i > 0 { buffer.writeASCII(" ") }
                buffer.writeIMAPString(tag, utf8Allowed: false)
            }
            buffer.writeASCII(")")
        }
        buffer.writeASCII(" ")
        buffer.writeIMAPNString(location, utf8Allowed: utf8Accept)
    }

    /// `body-fld-param = "(" string SP string *(SP string SP string) ")" / nil`
    private func writeParameters(_ parameters: [IMAPBodyParameter], into buffer: inout ByteBuffer) {
        guard !parameters.isEmpty else {
            buffer.writeASCII("NIL")
            return
        }
        buffer.writeASCII("(")
        for (i, p) in parameters.enumerated() {
            if i > 0 { buffer.writeASCII(" ") }
            buffer.writeIMAPString(p.name, utf8Allowed: utf8Accept)
            buffer.writeASCII(" ")
            buffer.writeIMAPString(p.value, utf8Allowed: utf8Accept)
        }
        buffer.writeASCII(")")
    }
}
