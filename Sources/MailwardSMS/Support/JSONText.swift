/// Writes JSON by hand so that key order is fixed and non-ASCII text stays readable.
///
/// `JSONEncoder` orders keys only alphabetically and escapes `/`; the outbox format, the webhook
/// body and the signed vendor bodies need an exact, stable byte sequence, so the few objects this
/// module writes are assembled from these pieces.
enum JSONText {
    /// `text` as a JSON string literal: quotes, backslashes and control characters escaped,
    /// everything else (including Chinese) written as UTF-8.
    static func quoted(_ text: String) -> String {
        var out = "\""
        out.reserveCapacity(text.utf8.count + 2)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\u{08}": out += "\\b"
            case "\u{0C}": out += "\\f"
            case _ where scalar.value < 0x20 || scalar.value == 0x7F:
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default:
                out.unicodeScalars.append(scalar)
            }
        }
        out += "\""
        return out
    }

    /// An object whose members appear in the given order; values are already-encoded JSON.
    static func object(_ members: [(key: String, json: String)]) -> String {
        "{" + members.map { quoted($0.key) + ":" + $0.json }.joined(separator: ",") + "}"
    }

    /// An object of string members, in the given order.
    static func stringObject(_ members: [(String, String)]) -> String {
        object(members.map { (key: $0.0, json: quoted($0.1)) })
    }

    static func stringArray(_ values: [String]) -> String {
        "[" + values.map(quoted).joined(separator: ",") + "]"
    }
}
