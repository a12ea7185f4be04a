import Foundation

/// Builds outgoing messages (RFC 5322 + MIME) with CRLF line ends and headers folded to at most
/// 78 columns. Non-ASCII header text becomes UTF-8 "B" encoded words; non-ASCII bodies are sent
/// as quoted-printable (mostly ASCII text) or Base64 (mostly non-ASCII, e.g. Chinese);
/// attachments as Base64 with `filename*=UTF-8''…` (RFC 2231) plus an encoded-word `name=` for
/// old clients. Bcc is never written.
///
/// Deterministic: the date is a property and the randomness (boundaries, Message-ID) comes from
/// the generator passed to ``build(using:)``.
public struct MessageBuilder: Sendable {
    public struct Attachment: Sendable, Equatable {
        public var filename: String
        /// `type/subtype`, e.g. `application/pdf`.
        public var contentType: String
        public var data: [UInt8]
        /// Without angle brackets. An inline attachment with a Content-ID goes into multipart/related with the HTML.
        public var contentID: String?
        public var isInline: Bool

        public init(filename: String, contentType: String, data: [UInt8], contentID: String? = nil, isInline: Bool = false) {
            self.filename = filename
            self.contentType = contentType
            self.data = data
            self.contentID = contentID
            self.isInline = isInline
        }
    }

    /// The message and the Message-ID it carries (with angle brackets).
    public struct Output: Sendable, Equatable {
        public var bytes: [UInt8]
        public var messageID: String
    }

    public var from: [MailAddress] = []
    public var sender: MailAddress?
    public var to: [MailAddress] = []
    public var cc: [MailAddress] = []
    /// Recipients for the envelope only; never written into the message.
    public var bcc: [MailAddress] = []
    public var replyTo: [MailAddress] = []
    public var subject: String?
    public var date: Date
    /// Zone of the Date header, seconds east of UTC.
    public var timeZoneOffsetSeconds: Int = 0
    /// Message-ID with or without angle brackets; generated from the generator when nil.
    public var messageID: String?
    /// Domain for a generated Message-ID; defaults to the first From address's domain.
    public var messageIDDomain: String?
    public var inReplyTo: String?
    public var references: [String] = []
    public var textBody: String?
    public var htmlBody: String?
    public var attachments: [Attachment] = []
    /// Written after the standard fields (values that need it are encoded as unstructured text).
    public var extraHeaders: [HeaderField] = []

    public init(date: Date) {
        self.date = date
    }

    public func build(using generator: inout some RandomNumberGenerator) -> Output {
        var w = HeaderWriter()
        w.field("Date", MailDate.format(date, offsetSeconds: timeZoneOffsetSeconds))
        if !from.isEmpty { w.addresses("From", from) }
        if let sender { w.addresses("Sender", [sender]) }
        if !replyTo.isEmpty { w.addresses("Reply-To", replyTo) }
        if !to.isEmpty { w.addresses("To", to) }
        if !cc.isEmpty { w.addresses("Cc", cc) }
        if let subject { w.unstructured("Subject", subject) }
        let id: String
        if let given = messageID {
            id = Self.angled(given)
        } else {
            let domain = messageIDDomain ?? from.first?.domain ?? "localhost"
            id = "<" + Self.randomHex(16, &generator) + "@" + domain + ">"
        }
        w.field("Message-ID", id)
        // Identifiers that are not msg-ids are left out rather than written (they come from
        // other messages and from API clients).
        if let parent = inReplyTo.flatMap(HeaderSyntax.messageID) { w.field("In-Reply-To", parent) }
        let chain = references.compactMap(HeaderSyntax.messageID)
        if !chain.isEmpty { w.field("References", chain.joined(separator: " ")) }
        w.field("MIME-Version", "1.0")
        for h in extraHeaders where HeaderWriter.isFieldName(h.name) { w.unstructured(h.name, h.value) }

        let body = makeBody(&generator)
        var out = w.bytes
        out.append(contentsOf: body.header)
        out.append(contentsOf: [ASCII.cr, ASCII.lf])
        out.append(contentsOf: body.body)
        return Output(bytes: out, messageID: id)
    }

    // MARK: - Body

    /// A MIME entity: its Content-* header lines (CRLF-terminated) and its body.
    struct Entity {
        var header: [UInt8]
        var body: [UInt8]
    }

    private func makeBody(_ generator: inout some RandomNumberGenerator) -> Entity {
        var textual: [Entity] = []
        if let textBody { textual.append(Self.textEntity(textBody, subtype: "plain")) }
        if let htmlBody { textual.append(Self.textEntity(htmlBody, subtype: "html")) }
        if textual.isEmpty { textual.append(Self.textEntity("", subtype: "plain")) }
        var main = textual.count == 1 ? textual[0] : Self.multipart("alternative", textual, &generator)

        let related = attachments.filter { $0.isInline && $0.contentID != nil && htmlBody != nil }
        let mixed = attachments.filter { !($0.isInline && $0.contentID != nil && htmlBody != nil) }
        if !related.isEmpty {
            main = Self.multipart("related", [main] + related.map(Self.attachmentEntity), &generator)
        }
        if !mixed.isEmpty {
            main = Self.multipart("mixed", [main] + mixed.map(Self.attachmentEntity), &generator)
        }
        return main
    }

    static func textEntity(_ text: String, subtype: String) -> Entity {
        let crlf = LineEndings.crlf(Array(text.utf8))
        var w = HeaderWriter()
        let nonASCII = crlf.reduce(0) { $0 + ($1 >= 0x80 ? 1 : 0) }
        let hasControls = crlf.contains { $0 < 0x20 && $0 != ASCII.cr && $0 != ASCII.lf && $0 != ASCII.tab || $0 == 0x7F }
        let longLine = maxLineLength(crlf) > 900
        if nonASCII == 0 && !hasControls && !longLine {
            w.field("Content-Type", "text/\(subtype); charset=us-ascii")
            w.field("Content-Transfer-Encoding", "7bit")
            return Entity(header: w.bytes, body: crlf)
        }
        w.field("Content-Type", "text/\(subtype); charset=utf-8")
        if nonASCII * 3 > crlf.count {
            w.field("Content-Transfer-Encoding", "base64")
            return Entity(header: w.bytes, body: Base64.encode(crlf))
        }
        w.field("Content-Transfer-Encoding", "quoted-printable")
        return Entity(header: w.bytes, body: QuotedPrintable.encode(crlf))
    }

    static func attachmentEntity(_ a: Attachment) -> Entity {
        var w = HeaderWriter()
        let type = HeaderSyntax.mimeType(a.contentType) ?? "application/octet-stream"
        w.field("Content-Type", type + "; " + nameParameter("name", a.filename, extended: false))
        w.field("Content-Transfer-Encoding", "base64")
        w.field("Content-Disposition", (a.isInline ? "inline" : "attachment") + "; " + nameParameter("filename", a.filename, extended: true))
        if let cid = a.contentID { w.field("Content-ID", angled(cid)) }
        return Entity(header: w.bytes, body: Base64.encode(a.data))
    }

    /// `name="plain"`, or for non-ASCII `filename*=UTF-8''%E4…` (split into `*0*`, `*1*`…
    /// sections when long) / `name="=?UTF-8?B?…?="`.
    static func nameParameter(_ name: String, _ value: String, extended: Bool) -> String {
        if !EncodedWord.needsEncoding(value) && !value.contains("\"") && !value.contains("\\") {
            return "\(name)=\"\(value)\""
        }
        guard extended else {
            return "\(name)=\"" + EncodedWord.encodeWords(value).joined(separator: " ") + "\""
        }
        let encoded = MIMEParameters.percentEncode(value)
        if encoded.utf8.count <= 50 { return "\(name)*=UTF-8''\(encoded)" }
        var sections: [String] = []
        var current = ""
        var bytes = Array(encoded.utf8)[...]
        while !bytes.isEmpty {
            let step = bytes.first == ASCII.percent ? 3 : 1
            current += String(decoding: bytes.prefix(step), as: UTF8.self)
            bytes = bytes.dropFirst(step)
            if current.utf8.count >= 48 { sections.append(current); current = "" }
        }
        if !current.isEmpty { sections.append(current) }
        return sections.enumerated().map { i, s in
            i == 0 ? "\(name)*0*=UTF-8''\(s)" : "\(name)*\(i)*=\(s)"
        }.joined(separator: "; ")
    }

    static func multipart(_ subtype: String, _ parts: [Entity], _ generator: inout some RandomNumberGenerator) -> Entity {
        var boundary = ""
        repeat {
            boundary = "=_mw_" + randomHex(12, &generator)
        } while parts.contains(where: { contains($0.body, Array(boundary.utf8)) })
        var w = HeaderWriter()
        w.field("Content-Type", "multipart/\(subtype); boundary=\"\(boundary)\"")
        var body: [UInt8] = []
        let delimiter = Array("--\(boundary)\r\n".utf8)
        for part in parts {
            body.append(contentsOf: delimiter)
            body.append(contentsOf: part.header)
            body.append(contentsOf: [ASCII.cr, ASCII.lf])
            body.append(contentsOf: part.body)
            body.append(contentsOf: [ASCII.cr, ASCII.lf])
        }
        body.append(contentsOf: Array("--\(boundary)--\r\n".utf8))
        return Entity(header: w.bytes, body: body)
    }

    // MARK: - Helpers

    static func angled(_ id: String) -> String {
        let t = id.trimmingMailWhitespace
        return t.hasPrefix("<") ? t : "<\(t)>"
    }

    static func randomHex(_ count: Int, _ generator: inout some RandomNumberGenerator) -> String {
        var bytes: [UInt8] = []
        for _ in 0..<count {
            let b = UInt8.random(in: 0...255, using: &generator)
            bytes.append(ASCII.upperHexDigits[Int(b >> 4)].asciiLowercased)
            bytes.append(ASCII.upperHexDigits[Int(b & 15)].asciiLowercased)
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    static func maxLineLength(_ bytes: [UInt8]) -> Int {
        var longest = 0, current = 0
        for b in bytes {
            if b == ASCII.lf { longest = max(longest, current); current = 0 } else { current += 1 }
        }
        return max(longest, current)
    }

    static func contains(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
        guard !needle.isEmpty, haystack.count >= needle.count else { return false }
        let first = needle[0]
        var i = 0
        while i <= haystack.count - needle.count {
            if haystack[i] == first && haystack[i..<(i + needle.count)].elementsEqual(needle) { return true }
            i += 1
        }
        return false
    }
}

/// Writes header fields, folding at blanks so lines stay within 78 columns where possible.
struct HeaderWriter {
    private(set) var bytes: [UInt8] = []

    /// Writes `name: value` with `value` already ASCII-safe; folds before blanks.
    ///
    /// The last line of defence against header injection: every CR, LF (also as one CRLF
    /// character) and other control character in `value` becomes a space, so the only line
    /// breaks in a field are the folds made here.
    mutating func field(_ name: String, _ value: String) {
        let clean = Self.singleLine(value)
        var line = name + ":"
        var lines: [String] = []
        for word in clean.split(separator: " ", omittingEmptySubsequences: false) {
            let piece = " " + word
            if line.utf8.count + piece.utf8.count > 78 && line.utf8.count > name.utf8.count + 1 && !word.isEmpty {
                lines.append(line)
                line = piece
            } else {
                line += piece
            }
        }
        lines.append(line)
        for l in lines {
            bytes.append(contentsOf: l.utf8)
            bytes.append(ASCII.cr); bytes.append(ASCII.lf)
        }
    }

    /// `value` with control characters other than tab (CR and LF included) replaced by spaces.
    static func singleLine(_ value: String) -> String {
        guard value.utf8.contains(where: { ($0 < 0x20 && $0 != ASCII.tab) || $0 == 0x7F }) else { return value }
        var scalars = String.UnicodeScalarView()
        for scalar in value.unicodeScalars {
            let v = scalar.value
            scalars.append((v < 0x20 && v != 0x09) || v == 0x7F ? " " : scalar)
        }
        return String(scalars)
    }

    /// RFC 5322 field name: printable ASCII except colon.
    static func isFieldName(_ name: String) -> Bool {
        !name.isEmpty && name.utf8.allSatisfy { $0 > 0x20 && $0 < 0x7F && $0 != ASCII.colon }
    }

    /// Unstructured text (Subject, extra headers): encoded words when needed.
    mutating func unstructured(_ name: String, _ value: String) {
        if EncodedWord.needsEncoding(value) || value.hasPrefix(" ") || value.hasSuffix(" ") {
            field(name, EncodedWord.encodeWords(value).joined(separator: " "))
        } else {
            field(name, value)
        }
    }

    mutating func addresses(_ name: String, _ list: [MailAddress]) {
        let rendered = list.map { a -> String in
            guard let display = a.displayName, !display.isEmpty else { return a.address }
            guard EncodedWord.needsEncoding(display) else { return a.formatted }
            return EncodedWord.encodeWords(display).joined(separator: " ") + " <" + a.address + ">"
        }
        field(name, rendered.joined(separator: ", "))
    }
}
