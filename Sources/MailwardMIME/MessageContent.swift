/// What the webmail shows: the body as text and/or HTML, and the list of attachments.
public struct MessageContent: Sendable, Codable, Equatable {
    /// All `text/plain` body parts decoded and joined (line breaks normalised to LF).
    public var textBody: String?
    /// All `text/html` body parts decoded and joined (line breaks normalised to LF).
    public var htmlBody: String?
    public var attachments: [Attachment]

    public init(textBody: String?, htmlBody: String?, attachments: [Attachment]) {
        self.textBody = textBody
        self.htmlBody = htmlBody
        self.attachments = attachments
    }

    public struct Attachment: Sendable, Codable, Equatable, Hashable {
        /// IMAP section path (`[2]`, `[1, 3]`); pass to ``MessageContent/attachmentData(at:in:)``.
        public var partPath: [Int]
        /// Decoded filename (RFC 2231 / RFC 2047), nil when the part has none.
        public var filename: String?
        /// Lowercased `type/subtype`.
        public var contentType: String
        /// Decoded size in bytes: what the download weighs.
        public var size: Int
        /// Content-ID without angle brackets.
        public var contentID: String?
        public var isInline: Bool

        public init(partPath: [Int], filename: String?, contentType: String, size: Int, contentID: String?, isInline: Bool) {
            self.partPath = partPath
            self.filename = filename
            self.contentType = contentType
            self.size = size
            self.contentID = contentID
            self.isInline = isInline
        }
    }

    /// Parses `bytes` and extracts the content.
    public static func extract(from bytes: [UInt8]) -> MessageContent {
        extract(from: MIMEParser.parseStructure(bytes).bodyStructure, in: bytes)
    }

    /// Extracts the content given an already parsed structure of `bytes`.
    public static func extract(from structure: BodyStructure, in bytes: [UInt8]) -> MessageContent {
        var texts: [String] = []
        var htmls: [String] = []
        var attachments: [Attachment] = []
        PartClassifier.visit(structure, descendIntoMessages: false) { path, part, role in
            switch role {
            case .plainText:
                texts.append(normaliseLineBreaks(part.decodedText(in: bytes)))
            case .html:
                htmls.append(normaliseLineBreaks(part.decodedText(in: bytes)))
            case .attachment(let isInline):
                let size = part.decodedSize(in: bytes)
                var cid = part.contentID?.trimmingMailWhitespace
                if let c = cid, c.hasPrefix("<"), c.hasSuffix(">"), c.count >= 2 { cid = String(c.dropFirst().dropLast()) }
                var filename = part.filename
                if filename == nil, part.isMessage, let subject = part.envelope?.subject {
                    filename = EncodedWord.decode(subject) + ".eml"
                }
                attachments.append(Attachment(partPath: path, filename: filename, contentType: part.mimeType, size: size,
                                              contentID: cid, isInline: isInline))
            case .encapsulatedMessage:
                break  // not visited without descending into messages
            }
        }
        return MessageContent(
            textBody: texts.isEmpty ? nil : texts.joined(separator: "\n"),
            htmlBody: htmls.isEmpty ? nil : htmls.joined(separator: "\n"),
            attachments: attachments)
    }

    /// The decoded bytes (transfer encoding removed) of the part at an IMAP section path.
    public static func attachmentData(at partPath: [Int], in bytes: [UInt8]) -> [UInt8]? {
        attachmentData(at: partPath, structure: MIMEParser.parseStructure(bytes).bodyStructure, in: bytes)
    }

    /// Variant of ``attachmentData(at:in:)`` with an already parsed (e.g. cached) structure.
    public static func attachmentData(at partPath: [Int], structure: BodyStructure, in bytes: [UInt8]) -> [UInt8]? {
        guard !partPath.isEmpty, let part = structure.part(at: partPath), !part.isMultipart else { return nil }
        return part.decodedBody(in: bytes)
    }

    /// CRLF and lone CR become LF.
    static func normaliseLineBreaks(_ text: String) -> String {
        guard text.utf8.contains(ASCII.cr) else { return text }
        let input = Array(text.utf8)
        var out = [UInt8](repeating: 0, count: input.count)
        var n = 0
        input.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                var i = 0
                while i < src.count {
                    let b = src[i]
                    if b == ASCII.cr {
                        dst[n] = ASCII.lf
                        if i + 1 < src.count && src[i + 1] == ASCII.lf { i += 1 }
                    } else {
                        dst[n] = b
                    }
                    n += 1
                    i += 1
                }
            }
        }
        out.removeLast(out.count - n)
        return String(decoding: out, as: UTF8.self)
    }
}
