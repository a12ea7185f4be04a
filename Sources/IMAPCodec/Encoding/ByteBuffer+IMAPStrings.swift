import NIOCore

/// Writers for the string forms of RFC 3501 §4.3 with automatic choice of representation.
extension ByteBuffer {
    /// Longest string sent quoted; longer ones go as literals (easier on clients).
    static let maxQuotedLength = 1024

    mutating func writeASCII(_ text: String) {
        writeString(text)
    }

    /// `string`: quoted when every byte is safe (7-bit, no CR/LF/NUL; UTF-8 too in UTF8=ACCEPT
    /// mode) and it is short, otherwise a literal.
    mutating func writeIMAPString<Bytes: Collection>(_ bytes: Bytes, utf8Allowed: Bool) where Bytes.Element == UInt8 {
        let safeBytes = bytes.allSatisfy { $0 != 0 && $0 != 0x0D && $0 != 0x0A && ($0 < 0x80 || utf8Allowed) }
        let validText = !utf8Allowed || bytes.allSatisfy({ $0 < 0x80 }) || String(validating: bytes, as: UTF8.self) != nil
        if bytes.count <= Self.maxQuotedLength, safeBytes, validText {
            writeInteger(UInt8(ascii: "\""))
            for b in bytes {
                if b == UInt8(ascii: "\"") || b == UInt8(ascii: "\\") { writeInteger(UInt8(ascii: "\\")) }
                writeInteger(b)
            }
            writeInteger(UInt8(ascii: "\""))
        } else {
            writeIMAPLiteral(bytes)
        }
    }

    mutating func writeIMAPString(_ text: String, utf8Allowed: Bool) {
        writeIMAPString(Array(text.utf8), utf8Allowed: utf8Allowed)
    }

    /// `nstring = string / nil`
    mutating func writeIMAPNString(_ text: String?, utf8Allowed: Bool) {
        guard let text else {
            writeASCII("NIL")
            return
        }
        writeIMAPString(text, utf8Allowed: utf8Allowed)
    }

    /// `astring`: an atom when possible (never the atom `NIL`), else a string.
    mutating func writeIMAPAstring<Bytes: Collection>(_ bytes: Bytes, utf8Allowed: Bool) where Bytes.Element == UInt8 {
        if !bytes.isEmpty, bytes.count <= Self.maxQuotedLength, bytes.allSatisfy(CharacterClasses.isAstringChar),
           String(decoding: bytes, as: UTF8.self).uppercased() != "NIL" {
            writeBytes(bytes)
        } else {
            writeIMAPString(bytes, utf8Allowed: utf8Allowed)
        }
    }

    /// `literal = "{" number "}" CRLF *CHAR8`
    mutating func writeIMAPLiteral<Bytes: Collection>(_ bytes: Bytes) where Bytes.Element == UInt8 {
        writeASCII("{\(bytes.count)}\r\n")
        writeBytes(bytes)
    }

    /// `literal` from a buffer, without copying into an array first.
    mutating func writeIMAPLiteral(buffer: ByteBuffer) {
        writeASCII("{\(buffer.readableBytes)}\r\n")
        writeImmutableBuffer(buffer)
    }

    /// `literal8 = "~{" number "}" CRLF *OCTET` (RFC 3516)
    mutating func writeIMAPLiteral8(buffer: ByteBuffer) {
        writeASCII("~{\(buffer.readableBytes)}\r\n")
        writeImmutableBuffer(buffer)
    }

    /// Text after a status or continuation: CR and LF would end the line early, so they become spaces.
    mutating func writeIMAPText(_ text: String) {
        for b in text.utf8 {
            writeInteger(b == 0x0D || b == 0x0A || b == 0 ? UInt8(ascii: " ") : b)
        }
    }

    /// `sequence-set` in canonical form (`1:3,7,9:*`, or `$`).
    mutating func writeSequenceSet(_ set: SequenceSet) {
        switch set {
        case .lastSearchResult:
            writeASCII("$")
        case .ranges(let ranges):
            for (i, range) in ranges.enumerated() {
                if i > 0 { writeASCII(",") }
                writeSequenceNumber(range.first)
                if range.first != range.last {
                    writeASCII(":")
                    writeSequenceNumber(range.last)
                }
            }
        }
    }

    private mutating func writeSequenceNumber(_ n: SequenceNumber) {
        switch n {
        case .number(let v): writeASCII(String(v))
        case .last: writeASCII("*")
        }
    }

    /// `flag-list`
    mutating func writeFlagList(_ flags: [Flag], trailingWildcard: Bool = false) {
        writeASCII("(")
        var items = flags.map(\.description)
        if trailingWildcard { items.append("\\*") }
        writeASCII(items.joined(separator: " "))
        writeASCII(")")
    }
}
