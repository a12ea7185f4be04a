/// Content-Disposition (RFC 2183) as written: the type (`inline`, `attachment`...) and raw parameters.
public struct ContentDisposition: Sendable, Codable, Equatable, Hashable {
    public var type: String
    public var parameters: [MIMEParameter]

    public init(type: String, parameters: [MIMEParameter]) {
        self.type = type
        self.parameters = parameters
    }

    public var isAttachment: Bool { type.equalsIgnoringASCIICase("attachment") }
    public var isInline: Bool { type.equalsIgnoringASCIICase("inline") }
}

/// One MIME entity of a message, for IMAP BODY/BODYSTRUCTURE and for serving sections by slicing.
///
/// `type`, `subtype`, `encoding` and parameter names are kept **as sent** (case preserved, as
/// Dovecot does); compare them case-insensitively (``isMultipart``, ``mimeType``...). Absent values
/// get the RFC 2045 defaults `text`/`plain`, `charset=us-ascii`, `7bit`.
///
/// Byte ranges index the raw message the structure was parsed from:
/// - ``headerRange``: the entity's header including the blank line that ends it — `BODY[n.MIME]`,
///   and for the root (or an encapsulated message) `BODY[HEADER]` / `BODY[n.HEADER]`;
/// - ``bodyRange``: its body — `BODY[n]`, and for the root / an encapsulated message `BODY[TEXT]`.
/// For a part inside a multipart the body ends before the line break that precedes the next boundary.
public struct BodyStructure: Sendable, Codable, Equatable, Hashable {
    public var type: String
    public var subtype: String
    public var parameters: [MIMEParameter]
    public var contentID: String?
    public var contentDescription: String?
    public var encoding: String
    /// Body size in octets (as stored).
    public var size: Int
    /// Number of lines of the body, for `text/*` and `message/rfc822` only: LF bytes, plus one
    /// for a last line without a line end (RFC 3501 says "size in text lines"; Dovecot counts
    /// LF bytes only, one fewer for a part that runs straight into the next boundary).
    public var lines: Int?
    public var contentMD5: String?
    public var disposition: ContentDisposition?
    public var contentLanguage: [String]?
    public var contentLocation: String?
    public var headerRange: Range<Int>
    public var bodyRange: Range<Int>
    /// Children of a multipart (never empty for one split into parts, see ``isMultipart``).
    public var children: [BodyStructure]
    /// ENVELOPE of an encapsulated `message/rfc822` (or `message/global`) body.
    public var envelope: Envelope?
    /// Storage for ``encapsulated`` (zero or one element; an array gives the recursion an indirection).
    private var encapsulatedStorage: [BodyStructure]

    public init(type: String, subtype: String, parameters: [MIMEParameter] = [], contentID: String? = nil,
                contentDescription: String? = nil, encoding: String = "7bit", size: Int = 0, lines: Int? = nil,
                contentMD5: String? = nil, disposition: ContentDisposition? = nil, contentLanguage: [String]? = nil,
                contentLocation: String? = nil, headerRange: Range<Int> = 0..<0, bodyRange: Range<Int> = 0..<0,
                children: [BodyStructure] = [], envelope: Envelope? = nil, encapsulated: BodyStructure? = nil) {
        self.type = type
        self.subtype = subtype
        self.parameters = parameters
        self.contentID = contentID
        self.contentDescription = contentDescription
        self.encoding = encoding
        self.size = size
        self.lines = lines
        self.contentMD5 = contentMD5
        self.disposition = disposition
        self.contentLanguage = contentLanguage
        self.contentLocation = contentLocation
        self.headerRange = headerRange
        self.bodyRange = bodyRange
        self.children = children
        self.envelope = envelope
        self.encapsulatedStorage = encapsulated.map { [$0] } ?? []
    }

    /// The root entity of an encapsulated message (`message/rfc822` parts only).
    public var encapsulated: BodyStructure? {
        get { encapsulatedStorage.first }
        set { encapsulatedStorage = newValue.map { [$0] } ?? [] }
    }

    /// The message a `message/rfc822` (or `message/global`) part holds, as IMAP numbers its
    /// sections: the parsed one, or — not descended into (sent base64, against RFC 2046 §5.2.1,
    /// or nested too deep) — the empty text/plain its BODYSTRUCTURE shows, so that every part
    /// BODYSTRUCTURE lists can be fetched. Nil for other types.
    public var sectionMessage: BodyStructure? {
        if let encapsulated { return encapsulated }
        return encapsulatesMessage ? .emptyText(at: bodyRange.upperBound) : nil
    }

    /// An empty `text/plain` at `offset`: what Dovecot reports where IMAP needs a part and the
    /// message has none to show (a multipart without parts, a message/rfc822 not descended into).
    public static func emptyText(at offset: Int) -> BodyStructure {
        BodyStructure(type: "text", subtype: "plain", parameters: [MIMEParameter(name: "charset", value: "us-ascii")],
                      lines: 0, headerRange: offset..<offset, bodyRange: offset..<offset)
    }

    /// `type/subtype`, lowercased.
    public var mimeType: String { (type + "/" + subtype).asciiLowercased }
    /// A multipart split into its parts. One that could not be split (no boundary, or nested
    /// past ``MIMEParser/maxDepth``) has no children and is a leaf holding its bytes.
    public var isMultipart: Bool { declaresMultipart && !children.isEmpty }
    /// `Content-Type: multipart/…`, whether or not it was split into parts.
    public var declaresMultipart: Bool { type.equalsIgnoringASCIICase("multipart") }
    public var isText: Bool { type.equalsIgnoringASCIICase("text") }
    /// `message/rfc822` or `message/global` with a parsed encapsulated message.
    public var isMessage: Bool { encapsulated != nil }
    /// `message/rfc822` or `message/global` (RFC 6532): a type that encapsulates a message,
    /// whether or not it was parsed (not when sent base64 or too deeply nested).
    public var encapsulatesMessage: Bool {
        type.equalsIgnoringASCIICase("message")
            && (subtype.equalsIgnoringASCIICase("rfc822") || subtype.equalsIgnoringASCIICase("global"))
    }

    /// The decoded value of a Content-Type parameter (RFC 2231/2047 applied).
    public func parameter(_ name: String) -> String? { MIMEParameters.decodedValue(name, in: parameters) }

    /// The `charset` parameter, or `us-ascii`.
    public var charset: String { parameter("charset") ?? "us-ascii" }

    /// Filename from Content-Disposition `filename`, else Content-Type `name`, decoded.
    public var filename: String? {
        if let d = disposition, let f = MIMEParameters.decodedValue("filename", in: d.parameters), !f.isEmpty { return f }
        if let n = parameter("name"), !n.isEmpty { return n }
        return nil
    }

    public var transferEncoding: TransferEncoding { TransferEncoding(headerValue: encoding) }

    /// The body with its transfer encoding removed.
    public func decodedBody(in message: [UInt8]) -> [UInt8] {
        guard bodyRange.upperBound <= message.count else { return [] }
        return transferEncoding.decode(message[bodyRange])
    }

    /// How many bytes ``decodedBody(in:)`` gives — what a download of the part weighs.
    public func decodedSize(in message: [UInt8]) -> Int {
        guard bodyRange.upperBound <= message.count else { return 0 }
        switch transferEncoding {
        case .base64: return Base64.decodedCount(message[bodyRange])
        case .quotedPrintable, .uuencode: return transferEncoding.decode(message[bodyRange]).count
        case .sevenBit, .eightBit, .binary, .other: return bodyRange.count
        }
    }

    /// The body decoded to text with the part's charset.
    public func decodedText(in message: [UInt8]) -> String {
        Charset.decode(decodedBody(in: message), charset: charset)
    }

    /// The entity at an IMAP section path (RFC 3501 §6.4.5), from the message root. `[]` is the
    /// root; in a multipart `n` is its n-th child; a non-multipart message's only part is `1`
    /// (the body itself); after a `message/rfc822` part numbering continues in the encapsulated
    /// message. Returns nil for a path that does not exist.
    public func part(at path: [Int]) -> BodyStructure? {
        var node = self
        var atMessageRoot = true  // `node` is the root entity of a message
        for index in path {
            guard index >= 1 else { return nil }
            if node.isMultipart {
                guard index <= node.children.count else { return nil }
                node = node.children[index - 1]
            } else if atMessageRoot {
                guard index == 1 else { return nil }
            } else if let inner = node.sectionMessage {
                if inner.isMultipart {
                    guard index <= inner.children.count else { return nil }
                    node = inner.children[index - 1]
                } else {
                    guard index == 1 else { return nil }
                    node = inner
                }
            } else {
                return nil
            }
            atMessageRoot = false
        }
        return node
    }

    /// Visits every addressable section depth-first with its IMAP path — exactly the paths for
    /// which ``part(at:)`` returns an entity (the root itself, path `[]`, is not visited).
    public func forEachPart(_ body: (_ path: [Int], _ part: BodyStructure) -> Void) {
        Self.visitMessage(self, prefix: [], body)
    }

    private static func visitMessage(_ root: BodyStructure, prefix: [Int], _ body: (_ path: [Int], _ part: BodyStructure) -> Void) {
        if root.isMultipart {
            visitChildren(of: root, prefix: prefix, body)
        } else {
            body(prefix + [1], root)
            if let inner = root.sectionMessage { visitMessage(inner, prefix: prefix + [1], body) }
        }
    }

    private static func visitChildren(of multipart: BodyStructure, prefix: [Int], _ body: (_ path: [Int], _ part: BodyStructure) -> Void) {
        for (i, child) in multipart.children.enumerated() {
            let path = prefix + [i + 1]
            body(path, child)
            if child.isMultipart {
                visitChildren(of: child, prefix: path, body)
            } else if let inner = child.sectionMessage {
                visitMessage(inner, prefix: path, body)
            }
        }
    }
}
