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
    /// everything else as UTF-8.
    static func appendJSONString(_ value: String, to out: inout String) {
        out += "\""
        var plainStart = value.unicodeScalars.startIndex
        for index in value.unicodeScalars.indices {
            let scalar = value.unicodeScalars[index]
            let escape: String
            switch scalar {
            case "\"": escape = "\\\""
            case "\\": escape = "\\\\"
            case "\n": escape = "\\n"
            case "\r": escape = "\\r"
            case "\t": escape = "\\t"
            case _ where scalar.value < 0x20:
                escape = "\\u00" + (scalar.value < 0x10 ? "0" : "") + String(scalar.value, radix: 16)
            default: continue
            }
            out.unicodeScalars.append(contentsOf: value.unicodeScalars[plainStart..<index])
            out += escape
            plainStart = value.unicodeScalars.index(after: index)
        }
        out.unicodeScalars.append(contentsOf: value.unicodeScalars[plainStart...])
        out += "\""
    }
}
