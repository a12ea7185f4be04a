/// Parses a whole message (RFC 5322 + RFC 2045–2049) into a ``ParsedMessage``.
///
/// Never throws and never traps: malformed input degrades to the best reading, in the manner of
/// Dovecot. Resource use is bounded: nesting deeper than ``maxDepth`` levels and parts beyond
/// ``maxParts`` are not split further (they stay opaque bodies), and the work is linear in the
/// input size times the nesting depth. Pure: no I/O, no clock.
public enum MIMEParser {
    /// Maximum multipart / message/rfc822 nesting that is descended into.
    public static let maxDepth = 50
    /// Maximum number of entities in one message.
    public static let maxParts = 10_000

    /// With `searchText: false` the result's ``ParsedMessage/searchText`` is empty and only the
    /// text parts the preview needs are decoded (cheaper for long or many-part messages).
    public static func parse(_ bytes: [UInt8], searchText: Bool = true) -> ParsedMessage {
        var parser = EntityParser(bytes: bytes)
        let (root, headers) = parser.entity(0..<bytes.count, depth: 0, inDigest: false, wantHeaders: true)
        return ParsedMessage(bytes: bytes, headers: headers, bodyStructure: root, withSearchText: searchText)
    }

    /// The values of the top-level header fields named `name` (case-insensitive), unfolded, in
    /// order — the header section only, nothing of the body is looked at.
    public static func headerValues(named name: String, in bytes: [UInt8]) -> [String] {
        let lowercased = name.lowercased()
        return HeaderParser.scan(bytes, in: 0..<bytes.count).fields
            .filter { HeaderParser.nameEquals($0, lowercased, in: bytes) }
            .map { HeaderParser.value($0, in: bytes, declaredCharset: nil) }
    }

    /// The message's own header fields, decoded exactly as ``parse(_:searchText:)`` decodes them,
    /// without parsing the body — what IMAP's header searches need (`SUBJECT`, `FROM`,
    /// `HEADER`, `SENTSINCE`…), at a fraction of a whole parse's cost. Only a field with raw
    /// 8-bit bytes that are not UTF-8 depends on the body (they are read in the charset the
    /// message's text parts declare); such a message is parsed whole.
    public static func headerFields(_ bytes: [UInt8]) -> [HeaderField] {
        let block = HeaderParser.scan(bytes, in: 0..<bytes.count)
        var fields: [HeaderField] = []
        fields.reserveCapacity(block.fields.count)
        for field in block.fields {
            // The lines are scanned in place; only a field with 8-bit bytes is joined to check it.
            if field.valueLines.contains(where: { bytes[$0].contains { $0 >= 0x80 } }),
               String(validating: HeaderParser.valueBytes(field, in: bytes), as: UTF8.self) == nil {
                return parseStructure(bytes).headers
            }
            fields.append(HeaderField(name: HeaderParser.name(field, in: bytes),
                                      value: HeaderParser.value(field, in: bytes, declaredCharset: nil)))
        }
        return fields
    }

    /// The addresses of the message's `From:` fields, one list per field.
    public static func authors(of bytes: [UInt8]) -> [[MailAddress]] {
        headerValues(named: "From", in: bytes).map(AddressParser.parse)
    }

    /// The text IMAP's `SEARCH BODY` looks in (RFC 3501 §6.4.4: the body, not the header): the
    /// text parts and attachment names — ``ParsedMessage/searchText`` without the header fields.
    public static func bodySearchText(_ bytes: [UInt8]) -> String {
        var parser = EntityParser(bytes: bytes)
        let (root, headers) = parser.entity(0..<bytes.count, depth: 0, inDigest: false, wantHeaders: true)
        return ParsedMessage(bytes: bytes, headers: headers, bodyStructure: root, withSearchText: true, searchHeaders: false).searchText
    }

    /// Parses only the structure (cheaper than ``parse(_:)``: no text extraction).
    public static func parseStructure(_ bytes: [UInt8]) -> (headers: [HeaderField], bodyStructure: BodyStructure) {
        var parser = EntityParser(bytes: bytes)
        let (root, headers) = parser.entity(0..<bytes.count, depth: 0, inDigest: false, wantHeaders: true)
        return (headers, root)
    }
}

/// The recursive descent over entities; counts parts to enforce ``MIMEParser/maxParts``.
struct EntityParser {
    let bytes: [UInt8]
    var partCount = 0

    init(bytes: [UInt8]) {
        self.bytes = bytes
    }

    /// Content-* fields of one entity, located by the header scan.
    private struct ContentFields {
        var type: HeaderParser.RawField?
        var encoding: HeaderParser.RawField?
        var id: HeaderParser.RawField?
        var description: HeaderParser.RawField?
        var md5: HeaderParser.RawField?
        var disposition: HeaderParser.RawField?
        var language: HeaderParser.RawField?
        var location: HeaderParser.RawField?
    }

    private func contentFields(_ fields: [HeaderParser.RawField]) -> ContentFields {
        var c = ContentFields()
        for f in fields {
            let name = bytes[f.name]
            guard name.count >= 10, name.hasASCIIPrefixIgnoringCase("content-".utf8) else { continue }
            func take(_ slot: inout HeaderParser.RawField?, _ n: String) {
                if slot == nil && HeaderParser.nameEquals(f, n, in: bytes) { slot = f }
            }
            take(&c.type, "content-type")
            take(&c.encoding, "content-transfer-encoding")
            take(&c.id, "content-id")
            take(&c.description, "content-description")
            take(&c.md5, "content-md5")
            take(&c.disposition, "content-disposition")
            take(&c.language, "content-language")
            take(&c.location, "content-location")
        }
        return c
    }

    mutating func entity(_ range: Range<Int>, depth: Int, inDigest: Bool, wantHeaders: Bool) -> (BodyStructure, [HeaderField]) {
        partCount += 1
        let block = HeaderParser.scan(bytes, in: range)
        let bodyRange = block.bodyStart..<range.upperBound
        let content = contentFields(block.fields)
        func text(_ f: HeaderParser.RawField?, charset: String? = nil) -> String? {
            f.map { HeaderParser.value($0, in: bytes, declaredCharset: charset) }
        }

        // Content-Type, with RFC 2045 defaults (text/plain; charset=us-ascii, or message/rfc822 in a digest).
        var type = inDigest ? "message" : "text"
        var subtype = inDigest ? "rfc822" : "plain"
        var parameters = inDigest ? [] : [MIMEParameter(name: "charset", value: "us-ascii")]
        if let value = text(content.type) {
            let (mediaType, params) = MIMEParameters.parse(value)
            let pieces = mediaType.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
            if pieces.count == 2, !pieces[0].isEmpty, !pieces[1].isEmpty {
                type = String(pieces[0])
                subtype = String(pieces[1])
                parameters = params
            } else {
                type = "text"
                subtype = "plain"
                parameters = params
            }
        }
        let declaredCharset = MIMEParameters.decodedValue("charset", in: parameters)
        if type.equalsIgnoringASCIICase("text") && !parameters.contains(where: { $0.name.equalsIgnoringASCIICase("charset") }) {
            parameters.insert(MIMEParameter(name: "charset", value: "us-ascii"), at: 0)  // RFC 2045 §5.2 default, as IMAP reports it
        }
        let charset = MIMEParameters.decodedValue("charset", in: parameters)

        var structure = BodyStructure(
            type: type, subtype: subtype, parameters: parameters,
            contentID: text(content.id), contentDescription: text(content.description, charset: charset),
            encoding: text(content.encoding) ?? "7bit",
            size: bodyRange.count, lines: nil, contentMD5: text(content.md5),
            headerRange: range.lowerBound..<block.bodyStart, bodyRange: bodyRange)
        if let value = text(content.disposition, charset: charset) {
            let (dispositionType, params) = MIMEParameters.parse(value)
            structure.disposition = ContentDisposition(type: dispositionType.isEmpty ? "attachment" : dispositionType, parameters: params)
        }
        if let value = text(content.language) {
            let tags = value.split(whereSeparator: { $0 == "," || $0 == " " || $0 == "\t" }).map(String.init)
            structure.contentLanguage = tags.isEmpty ? nil : tags
        }
        if let value = text(content.location) {
            structure.contentLocation = String(value.filter { !$0.isWhitespace })
        }

        let canDescend = depth < MIMEParser.maxDepth && partCount < MIMEParser.maxParts
        let boundary = structure.declaresMultipart ? MIMEParameters.decodedValue("boundary", in: parameters) ?? "" : ""
        if !boundary.isEmpty && canDescend {
            let isDigest = subtype.equalsIgnoringASCIICase("digest")
            for partRange in splitMultipart(bodyRange, boundary: Array(boundary.utf8)) {
                guard partCount < MIMEParser.maxParts else { break }
                let (child, _) = entity(partRange, depth: depth + 1, inDigest: isDigest, wantHeaders: false)
                structure.children.append(child)
            }
            if structure.children.isEmpty {
                // IMAP needs at least one part; like Dovecot, report an empty text/plain.
                structure.children = [.emptyText(at: bodyRange.upperBound)]
            }
        } else if structure.declaresMultipart {
            // Not split — no boundary to split at, or nested past the limits: as in Dovecot, one
            // leaf that keeps its bytes (``BodyStructure/isMultipart`` is false without children),
            // shown as text rather than lost.
        } else if structure.encapsulatesMessage {
            structure.lines = ByteScan.countLines(in: bytes, bodyRange)
            let identity: Bool
            switch structure.transferEncoding {
            case .sevenBit, .eightBit, .binary: identity = true
            case .base64, .quotedPrintable, .uuencode, .other: identity = false
            }
            if canDescend && identity {
                let (inner, innerHeaders) = entity(bodyRange, depth: depth + 1, inDigest: false, wantHeaders: true)
                structure.envelope = Envelope(headers: innerHeaders)
                structure.encapsulated = inner
            }
        } else if structure.isText {
            structure.lines = ByteScan.countLines(in: bytes, bodyRange)
        }

        // The message's own header, decoded once its parts are known: raw 8-bit bytes there are
        // read in the charset the message declares (see `messageCharset`).
        var headers: [HeaderField] = []
        if wantHeaders {
            let messageCharset = declaredCharset ?? Self.firstTextCharset(structure)
            headers.reserveCapacity(block.fields.count)
            for f in block.fields {
                headers.append(HeaderField(name: HeaderParser.name(f, in: bytes),
                                           value: HeaderParser.value(f, in: bytes, declaredCharset: messageCharset)))
            }
        }
        return (structure, headers)
    }

    /// The charset of the first text part, depth first through multiparts (an encapsulated
    /// message is another message, and declares its own). With the top-level `charset`
    /// parameter before it, this is the charset a message declares for itself — the best guess
    /// for raw 8-bit bytes in its header that are not UTF-8.
    static func firstTextCharset(_ node: BodyStructure) -> String? {
        if node.isText { return MIMEParameters.decodedValue("charset", in: node.parameters) }
        for child in node.children {
            if let charset = firstTextCharset(child) { return charset }
        }
        return nil
    }

    /// Splits a multipart body at its delimiter lines (RFC 2046 §5.1.1). The preamble and the
    /// epilogue are skipped; without a close delimiter the last part runs to the end. A delimiter
    /// must be followed by nothing but blanks (so `--abc` does not match a nested `--abcd`).
    func splitMultipart(_ body: Range<Int>, boundary: [UInt8]) -> [Range<Int>] {
        var parts: [Range<Int>] = []
        var partStart: Int?
        var i = body.lowerBound
        let end = body.upperBound
        let needed = boundary.count + 2
        while i < end {
            let (contentEnd, next) = ByteScan.line(in: bytes, from: i, end: end)
            if contentEnd - i >= needed, bytes[i] == ASCII.dash, bytes[i + 1] == ASCII.dash,
               bytes[(i + 2)..<(i + needed)].elementsEqual(boundary) {
                let after = i + needed
                let isClose = after + 1 < contentEnd && bytes[after] == ASCII.dash && bytes[after + 1] == ASCII.dash
                if isClose || bytes[after..<contentEnd].allSatisfy(\.isWSP) {
                    if let start = partStart {
                        parts.append(start..<Self.trimLineBreak(before: i, notBelow: start, in: bytes))
                    }
                    if isClose || parts.count >= MIMEParser.maxParts { return parts }
                    partStart = next
                }
            }
            i = next
        }
        if let start = partStart { parts.append(start..<end) }
        return parts
    }

    /// The position of the line break that ends just before `index` (CRLF or LF), if any.
    static func trimLineBreak(before index: Int, notBelow lower: Int, in bytes: [UInt8]) -> Int {
        var e = index
        if e > lower && bytes[e - 1] == ASCII.lf {
            e -= 1
            if e > lower && bytes[e - 1] == ASCII.cr { e -= 1 }
        }
        return e
    }
}
