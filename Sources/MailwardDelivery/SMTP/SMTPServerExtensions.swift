import SMTPCodec

/// What a server offered in its EHLO reply (RFC 5321 §4.1.1.1), as far as delivery cares.
/// Pure: parsed from the reply's lines; unknown keywords are ignored.
struct SMTPServerExtensions: Sendable, Equatable {
    var startTLS = false
    var pipelining = false
    var eightBitMIME = false
    var smtpUTF8 = false
    var enhancedStatusCodes = false
    /// DSN (RFC 3461): the server takes a sender's notification request on and reports itself.
    var dsn = false
    /// SIZE with a limit (0 or absent means no fixed limit).
    var sizeLimit: Int?
    var sizeOffered = false
    /// SASL mechanisms offered with AUTH (RFC 4954), upper-cased; also from the `AUTH=` form
    /// that servers wrote for clients older than the RFC.
    var authMechanisms: Set<String> = []

    init() {}

    init(ehlo reply: SMTPReply) {
        for line in reply.lines.dropFirst() {
            let words = line.split(separator: " ")
            guard let keyword = words.first?.uppercased() else { continue }
            if keyword == "AUTH" || keyword.hasPrefix("AUTH=") {
                let first = keyword == "AUTH" ? [] : [keyword.dropFirst(5)]
                authMechanisms.formUnion((first + words.dropFirst()).map { $0.uppercased() }.filter { !$0.isEmpty })
                continue
            }
            switch keyword {
            case "STARTTLS": startTLS = true
            case "PIPELINING": pipelining = true
            case "8BITMIME": eightBitMIME = true
            case "SMTPUTF8": smtpUTF8 = true
            case "ENHANCEDSTATUSCODES": enhancedStatusCodes = true
            case "DSN": dsn = true
            case "SIZE":
                sizeOffered = true
                if words.count > 1, let limit = Int(words[1]), limit > 0 { sizeLimit = limit }
            default: continue
            }
        }
    }
}
