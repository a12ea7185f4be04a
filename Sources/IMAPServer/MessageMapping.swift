import Foundation
import IMAPCodec
import MailwardCore
import MailwardMIME

/// Maps the MIME model cached at delivery onto IMAP's wire types (ENVELOPE, BODYSTRUCTURE),
/// and cuts `BODY[section]` out of the raw bytes using the parse's byte ranges. Pure.
enum MessageMapping {
    static func envelope(_ e: Envelope) -> IMAPEnvelope {
        IMAPEnvelope(date: e.date, subject: e.subject, from: e.from.map(address), sender: e.sender.map(address),
                     replyTo: e.replyTo.map(address), to: e.to.map(address), cc: e.cc.map(address),
                     bcc: e.bcc.map(address), inReplyTo: e.inReplyTo, messageID: e.messageID)
    }

    static func address(_ a: EnvelopeAddress) -> IMAPAddress {
        IMAPAddress(name: a.name, adl: a.adl, mailbox: a.mailbox, host: a.host)
    }

    static func bodyStructure(_ b: BodyStructure) -> IMAPBodyStructure {
        let disposition = b.disposition.map { IMAPBodyDisposition(type: $0.type, parameters: parameters($0.parameters)) }
        if b.isMultipart {
            return .multipart(IMAPBodyStructure.Multipart(
                parts: b.children.map(bodyStructure), subtype: b.subtype, parameters: parameters(b.parameters),
                disposition: disposition, language: b.contentLanguage ?? [], location: b.contentLocation))
        }
        let kind: IMAPBodyStructure.SinglePart.Kind
        if let inner = b.sectionMessage {
            // Not descended into (sent base64 or quoted-printable, or nested too deep), RFC 3501's
            // body-type-msg still needs an envelope, a body and a line count: as Dovecot, an
            // empty envelope around an empty text/plain (``BodyStructure/sectionMessage``).
            kind = .message(envelope(b.envelope ?? Envelope()), bodyStructure(inner), lines: UInt64(b.lines ?? 0))
        } else if b.isText {
            kind = .text(lines: UInt64(b.lines ?? 0))
        } else {
            kind = .basic
        }
        return .singlePart(IMAPBodyStructure.SinglePart(
            type: b.type, subtype: b.subtype, parameters: parameters(b.parameters), id: b.contentID,
            description: b.contentDescription, encoding: b.encoding, size: UInt64(b.size), kind: kind, md5: b.contentMD5,
            disposition: disposition, language: b.contentLanguage ?? [], location: b.contentLocation))
    }

    /// RFC 2231 sections joined, as Dovecot reports them (``MIMEParameters/joiningSections(_:)``).
    static func parameters(_ parameters: [MIMEParameter]) -> [IMAPBodyParameter] {
        MIMEParameters.joiningSections(parameters).map { IMAPBodyParameter($0.name, $0.value) }
    }

    /// The bytes of `BODY[section]` (before any partial), or nil when the section does not exist.
    static func section(_ section: SectionSpecifier, raw: [UInt8], root: BodyStructure) -> ArraySlice<UInt8>? {
        switch section.kind {
        case .headerFields(let names), .headerFieldsNot(let names):
            guard let header = headerRange(of: section, size: raw.count, root: root) else { return nil }
            if case .headerFields = section.kind { return ArraySlice(filterHeader(raw[header], names: names, keep: true)) }
            return ArraySlice(filterHeader(raw[header], names: names, keep: false))
        case .complete, .mime, .header, .text:
            return sectionRange(section, size: raw.count, root: root).map { raw[$0] }
        }
    }

    /// Where `BODY[section]` lies in a message of `size` bytes, for the sections that are one
    /// piece of it (all but `HEADER.FIELDS` and `HEADER.FIELDS.NOT`, which filter lines): nil
    /// when the section does not exist. A FETCH of a large message streams this range.
    static func sectionRange(_ section: SectionSpecifier, size: Int, root: BodyStructure) -> Range<Int>? {
        switch section.kind {
        case .complete:
            if section.part.isEmpty { return 0..<size }
            return root.part(at: section.part).map { clamped($0.bodyRange, size) }
        case .mime:
            guard !section.part.isEmpty else { return nil }
            return root.part(at: section.part).map { clamped($0.headerRange, size) }
        case .header:
            return headerRange(of: section, size: size, root: root)
        case .headerFields, .headerFieldsNot:
            return nil
        case .text:
            return messageRoot(of: section, root: root).map { clamped($0.bodyRange, size) }
        }
    }

    /// The header of the message a `HEADER…` or `TEXT` section names.
    static func headerRange(of section: SectionSpecifier, size: Int, root: BodyStructure) -> Range<Int>? {
        messageRoot(of: section, root: root).map { clamped($0.headerRange, size) }
    }

    /// The entity whose header and text a section names: the root message, or the message
    /// encapsulated in the part the section names (nil when that part is not a message).
    private static func messageRoot(of section: SectionSpecifier, root: BodyStructure) -> BodyStructure? {
        section.part.isEmpty ? root : root.part(at: section.part)?.sectionMessage
    }

    /// The sections of the top-level message cut from the raw bytes alone — `BODY[]`,
    /// `BODY[HEADER]`, `BODY[HEADER.FIELDS (…)]`, `BODY[HEADER.FIELDS.NOT (…)]` — so they need no
    /// cached parse; nil for the others (parts, `TEXT`, `MIME`).
    static func rootSection(_ section: SectionSpecifier, raw: [UInt8]) -> ArraySlice<UInt8>? {
        guard section.part.isEmpty else { return nil }
        switch section.kind {
        case .complete: return raw[...]
        case .header: return IMAPSession.rootHeader(raw)
        case .headerFields(let names): return ArraySlice(filterHeader(IMAPSession.rootHeader(raw), names: names, keep: true))
        case .headerFieldsNot(let names): return ArraySlice(filterHeader(IMAPSession.rootHeader(raw), names: names, keep: false))
        case .text, .mime: return nil
        }
    }

    /// The header lines (with continuation lines) whose field name is (or, with `keep` false, is
    /// not) in `names`, followed by the blank line (RFC 3501 §6.4.5).
    static func filterHeader(_ header: ArraySlice<UInt8>, names: [String], keep: Bool) -> [UInt8] {
        // Field names compared as lower-case ASCII bytes: this runs for every message of a
        // header FETCH, and Foundation string trimming was most of its cost.
        let wanted = Set(names.map { $0.utf8.map(\.asciiLowercased) })
        var out: [UInt8] = []
        var current: [UInt8] = []
        var currentKept = false
        func flush() {
            if currentKept { out.append(contentsOf: current) }
            current.removeAll(keepingCapacity: true)
        }
        var lineStart = header.startIndex
        while lineStart < header.endIndex {
            let lf = header[lineStart...].firstIndex(of: 0x0A) ?? (header.endIndex - 1)
            let line = header[lineStart...lf]
            lineStart = lf + 1
            if line.first == 0x20 || line.first == 0x09 {
                current.append(contentsOf: line)
                continue
            }
            flush()
            guard let colon = line.firstIndex(of: UInt8(ascii: ":")) else { continue }  // blank line or junk
            var name = line[line.startIndex..<colon]
            while name.last?.isWSP == true { name = name.dropLast() }
            while name.first?.isWSP == true { name = name.dropFirst() }
            currentKept = wanted.contains(name.map(\.asciiLowercased)) == keep
            current.append(contentsOf: line)
        }
        flush()
        // The blank line ends the subset, except for a message with no body and no blank line
        // (RFC 3501 §6.4.5), whose header range ends with its last field.
        let tail = header.suffix(3)
        if tail.last == 0x0A, header.count == 1 || tail.dropLast().last == 0x0A
            || (tail.dropLast().last == 0x0D && (header.count == 2 || tail.dropLast(2).last == 0x0A)) {
            out.append(contentsOf: [0x0D, 0x0A])
        }
        return out
    }

    /// What `BINARY[part]` names (RFC 3516 §4.2): the part's body with its content transfer
    /// encoding undone. `[]` is the whole message: its header as written, then its body decoded
    /// (a multipart's body is never encoded). A part the message does not have is empty, as in
    /// Dovecot; a multipart part is its body as written. Nil: an encoding this server does not
    /// know or does not decode for IMAP (x-uuencode, as Dovecot), which the client must hear as `NO [UNKNOWN-CTE]`.
    static func binary(_ part: [Int], raw: [UInt8], root: BodyStructure) -> [UInt8]? {
        func body(_ entity: BodyStructure) -> [UInt8]? {
            if entity.isMultipart { return Array(raw[clamped(entity.bodyRange, raw.count)]) }
            switch entity.transferEncoding {
            case .other, .uuencode: return nil
            case .sevenBit, .eightBit, .binary, .base64, .quotedPrintable: break
            }
            return entity.decodedBody(in: raw)
        }
        guard !part.isEmpty else {
            guard let decoded = body(root) else { return nil }
            return Array(raw[clamped(0..<root.bodyRange.lowerBound, raw.count)]) + decoded
        }
        guard let entity = root.part(at: part) else { return [] }
        return body(entity)
    }

    static func clamped(_ range: Range<Int>, _ count: Int) -> Range<Int> {
        let lower = min(max(range.lowerBound, 0), count)
        return lower..<min(max(range.upperBound, lower), count)
    }

    /// Applies `<origin.length>`; the origin is echoed in the response.
    static func partial(_ bytes: ArraySlice<UInt8>, _ range: ClosedRange<UInt32>?) -> ArraySlice<UInt8> {
        bytes[partial(bytes.indices, range)]
    }

    /// ``partial(_:_:)-(ArraySlice<UInt8>,_)`` of a section's place in the message.
    static func partial(_ section: Range<Int>, _ range: ClosedRange<UInt32>?) -> Range<Int> {
        guard let range else { return section }
        let start = section.lowerBound + min(Int(range.lowerBound), section.count)
        let length = Int(range.upperBound) - Int(range.lowerBound) + 1
        return start..<min(start + length, section.upperBound)
    }

    /// A MODSEQ as the wire carries it: a positive number (RFC 7162 §7, `mod-sequence-value`).
    static func wireModSeq(_ modSeq: ModSeq) -> UInt64 {
        UInt64(max(modSeq, 1))
    }

    static func imapDate(_ date: Date) -> IMAPDateTime {
        IMAPDateTime(secondsSince1970: Int64(date.timeIntervalSince1970.rounded(.down)), zoneOffsetMinutes: 0)
    }

    static func date(_ dateTime: IMAPDateTime) -> Date {
        Date(timeIntervalSince1970: TimeInterval(dateTime.secondsSince1970))
    }

    /// The day (UTC) of a moment, for SEARCH BEFORE/ON/SINCE.
    static func day(_ date: Date) -> IMAPDate {
        IMAPDate(daysSince1970: Int((date.timeIntervalSince1970 / 86_400).rounded(.down)))
    }
}
