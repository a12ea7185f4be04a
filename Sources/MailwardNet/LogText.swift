/// Text a client chose (a user name at sign-in), made safe for a log line: control characters —
/// CR and LF above all, which a SASL PLAIN or IMAP literal user name may carry — are written as
/// escapes, so a client cannot forge log lines (or fool a log watcher such as fail2ban), and the
/// text is cut to a bounded length.
public enum LogText {
    public static func quoted(_ text: String, limit: Int = 128) -> String {
        var out = ""
        for scalar in text.unicodeScalars.prefix(limit) {
            switch scalar.value {
            case 0x20..<0x7F where scalar != "\\" && scalar != "\"": out.unicodeScalars.append(scalar)
            case 0x00..<0x20, 0x7F..<0xA0, 0x2028, 0x2029: out += "\\u{\(String(scalar.value, radix: 16))}"
            case 0x5C: out += "\\\\"
            case 0x22: out += "\\\""
            default: out.unicodeScalars.append(scalar)
            }
        }
        if text.unicodeScalars.count > limit { out += "…" }
        return "\"\(out)\""
    }
}
