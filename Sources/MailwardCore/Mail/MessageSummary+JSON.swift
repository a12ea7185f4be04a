import Foundation

extension MessageSummary {
    /// The summary as the JSON `JSONEncoder` writes for it (same keys, absent optionals left
    /// out, the date as seconds since 2001 — `JSONDecoder` reads either back), written directly:
    /// every delivery stores one, and `JSONEncoder` was 2 % of a delivery's CPU.
    public var storedJSON: String {
        var out = "{"
        var first = true
        func key(_ name: String) {
            if !first { out += "," }
            first = false
            out += "\"" + name + "\":"
        }
        func string(_ name: String, _ value: String?) {
            guard let value else { return }
            key(name)
            Self.appendJSONString(value, to: &out)
        }
        string("subject", subject)
        string("fromName", fromName)
        string("fromAddress", fromAddress)
        string("to", to)
        if let date {
            key("date")
            // Shortest text that reads back as the same Double.
            out += "\(date.timeIntervalSinceReferenceDate)"
        }
        string("preview", preview)
        key("hasAttachments")
        out += hasAttachments ? "true" : "false"
        string("messageIDHeader", messageIDHeader)
        out += "}"
        return out
    }

    /// A JSON string literal (RFC 8259 §7): quote, backslash and control characters escaped,
    /// everything else as UTF-8. Scanned as UTF-8 bytes: every byte that needs an escape is ASCII,
    /// so the runs between escapes end on character boundaries and are appended whole.
    static func appendJSONString(_ value: String, to out: inout String) {
        out += "\""
        let bytes = value.utf8
        var plainStart = bytes.startIndex
        var index = bytes.startIndex
        while index != bytes.endIndex {
            let byte = bytes[index]
            let escape: String
            switch byte {
            case UInt8(ascii: "\""): escape = "\\\""
            case UInt8(ascii: "\\"): escape = "\\\\"
            case UInt8(ascii: "\n"): escape = "\\n"
            case UInt8(ascii: "\r"): escape = "\\r"
            case UInt8(ascii: "\t"): escape = "\\t"
            case ..<0x20: escape = "\\u00" + (byte < 0x10 ? "0" : "") + String(byte, radix: 16)
            default:
                bytes.formIndex(after: &index)
                continue
            }
            out += value[plainStart..<index]
            out += escape
            bytes.formIndex(after: &index)
            plainStart = index
        }
        out += value[plainStart...]
        out += "\""
    }
}
