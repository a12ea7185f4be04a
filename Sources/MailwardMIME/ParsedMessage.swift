import Foundation

/// Everything the store keeps about a message after parsing it once at delivery (cached as JSON).
/// It does not hold the raw bytes; ``bodyStructure`` ranges index them.
public struct ParsedMessage: Sendable, Codable, Equatable {
    /// Top-level header fields in order (raw unfolded values).
    public var headers: [HeaderField]
    /// IMAP's ENVELOPE of the header fields, made when asked for: a delivery's parse never needs
    /// it, and a cached parse (not holding it) reads it from ``headers``.
    public var envelope: Envelope { Envelope(headers: headers) }
    public var bodyStructure: BodyStructure
    /// Size of the raw message in octets.
    public var size: Int
    /// The Date header, parsed; nil when absent or unreadable.
    public var date: Date?
    /// Decoded Subject.
    public var subject: String?
    /// Decoded From addresses.
    public var from: [MailAddress]
    /// About 200 characters of body text, whitespace collapsed.
    public var preview: String
    /// Decoded subject, From/To/Cc and body text (HTML stripped), capped at ``searchTextLimit`` bytes.
    public var searchText: String
    /// Whether there is at least one attachment that is not an inline image referenced by Content-ID.
    public var hasAttachments: Bool

    public static let previewLength = 200
    public static let searchTextLimit = 1 << 20

    public init(headers: [HeaderField], bodyStructure: BodyStructure, size: Int, date: Date?,
                subject: String?, from: [MailAddress], preview: String, searchText: String, hasAttachments: Bool) {
        self.headers = headers
        self.bodyStructure = bodyStructure
        self.size = size
        self.date = date
        self.subject = subject
        self.from = from
        self.preview = preview
        self.searchText = searchText
        self.hasAttachments = hasAttachments
    }

    /// The part of ``searchText`` that comes from header fields: the subject and the From, To
    /// and Cc addresses (names included).
    public static func headerSearchText(_ headers: [HeaderField]) -> String {
        var search = SearchTextBuilder(limit: searchTextLimit)
        appendHeaderText(headers, subject: headers.first(named: "Subject").map { EncodedWord.decode($0) }, to: &search)
        return search.text
    }

    private static func appendHeaderText(_ headers: [HeaderField], subject: String?, to search: inout SearchTextBuilder) {
        search.append(subject ?? "")
        for name in ["From", "To", "Cc"] {
            for value in headers.all(named: name) {
                for a in AddressParser.parse(value) { search.append((a.displayName.map { $0 + " " } ?? "") + a.address) }
            }
        }
    }

    /// The subject and the From, To and Cc addresses of an encapsulated message.
    private static func appendEnvelopeText(_ envelope: Envelope, to search: inout SearchTextBuilder) {
        search.append(envelope.subject.map { EncodedWord.decode($0) } ?? "")
        for address in envelope.from + envelope.to + envelope.cc {
            // Group markers have no host; a missing part is not text of the message.
            guard let host = address.host, let mailbox = address.mailbox else { continue }
            var words: [String] = []
            if let name = address.name { words.append(EncodedWord.decode(name)) }
            if mailbox != "MISSING_MAILBOX" { words.append(host == "MISSING_DOMAIN" ? mailbox : mailbox + "@" + host) }
            search.append(words.joined(separator: " "))
        }
    }

    /// `withSearchText: false` leaves ``searchText`` empty and decodes only the text parts the
    /// preview needs (delivery does that; the full-text index extracts the text later).
    /// `searchHeaders: false` leaves the header fields out of ``searchText`` (see
    /// ``MIMEParser/bodySearchText(_:)``).
    init(bytes: [UInt8], headers: [HeaderField], bodyStructure: BodyStructure, withSearchText: Bool, searchHeaders: Bool = true) {
        let subject = headers.first(named: "Subject").map { EncodedWord.decode($0) }
        let from = headers.first(named: "From").map(AddressParser.parse) ?? []
        // Without search text the builder is full from the start: only the preview's parts are decoded.
        var search = SearchTextBuilder(limit: withSearchText ? Self.searchTextLimit : 0)
        if searchHeaders && withSearchText { Self.appendHeaderText(headers, subject: subject, to: &search) }
        var firstPlain: String?
        var firstHTML: String?
        var hasAttachments = false
        PartClassifier.visit(bodyStructure, descendIntoMessages: true) { _, part, role in
            switch role {
            case .plainText:
                guard !search.isFull || firstPlain == nil else { return }
                let text = part.decodedText(in: bytes)
                if firstPlain == nil { firstPlain = text }
                search.append(text)
            case .html:
                guard !search.isFull || (firstHTML == nil && firstPlain == nil) else { return }
                let text = HTMLText.plainText(from: part.decodedText(in: bytes))
                if firstHTML == nil { firstHTML = text }
                search.append(text)
            case .attachment(let isInline):
                if !isInline || part.contentID == nil { hasAttachments = true }
                if let name = part.filename { search.append(name) }
                // A text attachment's words are in the message's body too (IMAP SEARCH BODY
                // finds them in Dovecot); not shown as the body, but found.
                if part.isText, !search.isFull {
                    let text = part.decodedText(in: bytes)
                    search.append(part.subtype.equalsIgnoringASCIICase("html") ? HTMLText.plainText(from: text) : text)
                }
            case .encapsulatedMessage:
                // A forwarded message's subject and addresses are in the outer message's body.
                if let envelope = part.envelope, !search.isFull { Self.appendEnvelopeText(envelope, to: &search) }
            }
        }
        self.init(
            headers: headers, bodyStructure: bodyStructure, size: bytes.count,
            date: headers.first(named: "Date").flatMap(MailDate.parse), subject: subject, from: from,
            preview: Self.collapse(firstPlain ?? firstHTML ?? "", limit: Self.previewLength),
            searchText: search.text, hasAttachments: hasAttachments)
    }

    /// The first value of header `name` (case-insensitive), raw.
    public func header(_ name: String) -> String? { headers.first(named: name) }

    /// Every value of header `name`, raw.
    public func headers(named name: String) -> [String] { headers.all(named: name) }

    /// The first value of header `name` with RFC 2047 encoded words decoded.
    public func decodedHeader(_ name: String) -> String? { header(name).map { EncodedWord.decode($0) } }

    /// Whitespace runs collapsed to one space, trimmed, cut to `limit` characters.
    ///
    /// Non-blank text is appended a run at a time, not character by character; a character is
    /// blank when its first scalar is whitespace (as `Character.isWhitespace` decides) or a
    /// zero-width space / BOM.
    static func collapse(_ text: String, limit: Int) -> String {
        // The text's own UTF-8, copied a run at a time, becomes the string once at the end:
        // appending each run to a `String` cost more than finding the runs.
        var out: [UInt8] = []
        var count = 0
        var pendingSpace = false
        let utf8 = text.utf8
        let scalars = text.unicodeScalars
        var index = text.startIndex
        var runStart: String.Index?  // start of the non-blank characters not yet appended
        while index < text.endIndex, count < limit {
            // An ASCII byte other than CR that no non-ASCII byte follows is a character of its
            // own: telling that is far cheaper than grapheme breaking, which only the rest needs.
            // So is CR, alone or with the LF after it (nothing else joins either: UAX #29 GB3,
            // GB4), and both are blank.
            let byte = utf8[index]
            let next = utf8.index(after: index)
            let end: String.Index
            let blank: Bool
            if byte == 0x0D {
                end = next < utf8.endIndex && utf8[next] == 0x0A ? utf8.index(after: next) : next
                blank = true
            } else if byte < 0x80, next == utf8.endIndex || utf8[next] < 0x80 {
                end = next
                blank = byte == 0x20 || (0x09...0x0C).contains(byte)
            } else {
                end = text.index(after: index)
                let first = scalars[index]
                blank = first.properties.isWhitespace || first == "\u{FEFF}" || first == "\u{200B}"
            }
            if blank {
                if let start = runStart {
                    out.append(contentsOf: utf8[start..<index])
                    runStart = nil
                }
                pendingSpace = !out.isEmpty
            } else {
                if pendingSpace {
                    out.append(0x20)
                    count += 1
                    pendingSpace = false
                }
                if count < limit {
                    if runStart == nil { runStart = index }
                    count += 1
                }
            }
            index = end
        }
        if let start = runStart { out.append(contentsOf: utf8[start..<index]) }
        return String(decoding: out, as: UTF8.self)
    }
}

/// Accumulates search text up to a byte limit, never cutting inside a character.
struct SearchTextBuilder {
    let limit: Int
    private(set) var text = ""
    private var used = 0

    init(limit: Int) {
        self.limit = limit
    }

    var isFull: Bool { used >= limit }

    mutating func append(_ piece: String) {
        guard !piece.isEmpty, used < limit else { return }
        if !text.isEmpty { text.append("\n"); used += 1 }
        let room = limit - used
        if piece.utf8.count <= room {
            text.append(piece)
            used += piece.utf8.count
            return
        }
        var taken = 0
        for scalar in piece.unicodeScalars {
            let n = String(scalar).utf8.count
            if taken + n > room { break }
            text.unicodeScalars.append(scalar)
            taken += n
        }
        used = limit
    }
}
