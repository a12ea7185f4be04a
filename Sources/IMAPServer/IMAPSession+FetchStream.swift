import IMAPCodec
import MailwardCore
import MailwardMIME
import NIOCore

/// FETCH of a large message in pieces: the text items (`BODY[…]`, `RFC822…`) are read from
/// storage a piece at a time (`MailService.raw(_:range:)`, `readPieceSize`) and written as they
/// are read, so a 50 MiB message costs the session a quarter of a MiB (8 MiB on PostgreSQL), not
/// the message two or three times
/// over (read, cut into an item, encoded). Where each section lies comes from the parse cached
/// at delivery; `HEADER.FIELDS` items, which filter lines, are read and built whole from the
/// header alone.
extension IMAPSession {
    /// Whether a FETCH of `record` goes in pieces: a large message, and no BINARY item (those
    /// are decoded from the whole part).
    static func streamsFetch(of record: MessageRecord, attributes: [FetchAttribute]) -> Bool {
        record.size > MailService.piecewiseReadThreshold && !attributes.contains { attribute in
            switch attribute {
            case .binary, .binarySize: return true
            default: return false
            }
        }
    }

    /// Writes the FETCH response of one large message. `extra` items (a changed FLAGS) go
    /// along. Once the first piece is out nothing else can be said on this connection if
    /// storage fails: the session then ends, as a literal cannot be cut short.
    func streamFetch(_ attributes: [FetchAttribute], record: MessageRecord, sequence: UInt32, isRecent: Bool,
                     parsed: ParsedMessage?, extra: [FetchResponseItem]) async throws {
        var whole: [FetchResponseItem] = []
        var texts: [(item: FetchResponseItem, range: Range<Int>)] = []
        let size = record.size
        // Where the sections lie: the parse cached at delivery, unless only the whole message is asked for.
        let needsStructure = attributes.contains { attribute in
            switch attribute {
            case .rfc822Header, .rfc822Text: return true
            case .bodySection(let section, _, _): return !(section.part.isEmpty && section.kind == .complete)
            default: return false
            }
        }
        var structure = parsed?.bodyStructure
        if structure == nil, needsStructure { structure = try await mail.parsed(record).bodyStructure }
        func root() throws -> BodyStructure {
            guard let structure else { throw MailError.noSuchMessage }
            return structure
        }
        for attribute in attributes {
            switch attribute {
            case .rfc822:
                texts.append((.rfc822(nil), 0..<size))
            case .rfc822Header:
                texts.append((.rfc822Header(nil), MessageMapping.clamped(try root().headerRange, size)))
            case .rfc822Text:
                texts.append((.rfc822Text(nil), MessageMapping.clamped(try root().bodyRange, size)))
            case .bodySection(let section, let partial, _):
                let origin = partial?.lowerBound
                switch section.kind {
                case .headerFields(let names), .headerFieldsNot(let names):
                    var data: ByteBuffer?
                    if let header = MessageMapping.headerRange(of: section, size: size, root: try root()) {
                        let keep = if case .headerFields = section.kind { true } else { false }
                        let lines = MessageMapping.filterHeader(try await mail.raw(record, range: header)[...], names: names, keep: keep)
                        data = ByteBuffer(bytes: MessageMapping.partial(lines[...], partial))
                    }
                    whole.append(.bodySection(section, origin: origin, data: data))
                case .complete, .mime, .header, .text:
                    let range = section.part.isEmpty && section.kind == .complete
                        ? 0..<size : MessageMapping.sectionRange(section, size: size, root: try root())
                    if let range {
                        texts.append((.bodySection(section, origin: origin, data: nil), MessageMapping.partial(range, partial)))
                    } else {
                        whole.append(.bodySection(section, origin: origin, data: nil))
                    }
                }
            default:
                var unknownEncoding = false
                whole += fetchItems([attribute], record: record, isRecent: isRecent, parsed: parsed, raw: nil,
                                    unknownEncoding: &unknownEncoding)
            }
        }
        whole += extra
        // Earlier responses go first, so a failure below leaves only this one unfinished.
        await flush()
        encoder.encodeFetchStart(sequence, into: &outbound)
        for (index, item) in whole.enumerated() {
            encoder.encodeFetchItem(item, first: index == 0, into: &outbound)
        }
        do {
            for (index, text) in texts.enumerated() {
                encoder.encodeFetchLiteralHead(text.item, length: text.range.count, first: whole.isEmpty && index == 0, into: &outbound)
                var offset = text.range.lowerBound
                while offset < text.range.upperBound, !finished {
                    let end = min(offset + mail.readPieceSize, text.range.upperBound)
                    let piece = try await mail.raw(record, range: offset..<end)
                    guard piece.count == end - offset else {
                        throw StoreError.missing("message \(record.id) is \(offset + piece.count) bytes long, not \(size)")
                    }
                    outbound.writeBytes(piece)
                    await flush()
                    offset = end
                }
            }
        } catch {
            logger.error("IMAP FETCH broke off in the middle of a message; the connection is closed",
                         metadata: ["message": "\(record.id)", "error": "\(error)"])
            outbound.clear()
            finished = true
            await connection.close()
            return
        }
        encoder.encodeFetchEnd(into: &outbound)
    }
}
