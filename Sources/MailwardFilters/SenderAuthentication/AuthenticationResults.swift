import MailwardMIME

/// The `Authentication-Results` field (RFC 8601) that records what the checks found, for the
/// recipient's client and filters. Pure.
enum AuthenticationResults {
    /// `Authentication-Results: <authserv-id>;` then one folded line per method.
    static func field(authservID: String, spf: SPFOutcome, dkim: [DKIMOutcome], dmarc: DMARCOutcome) -> String {
        var results: [String] = []
        let identity = spf.isHELO ? "smtp.helo=" + value(spf.identity) : "smtp.mailfrom=" + value(spf.identity)
        results.append("spf=\(spf.result.rawValue) \(comment(spf.reason)) \(identity)")
        if dkim.isEmpty {
            results.append("dkim=none")
        }
        for outcome in dkim {
            var text = "dkim=\(outcome.result.rawValue) \(comment(outcome.reason))"
            if !outcome.domain.isEmpty { text += " header.d=" + value(outcome.domain) }
            if !outcome.selector.isEmpty { text += " header.s=" + value(outcome.selector) }
            if !outcome.signaturePrefix.isEmpty { text += " header.b=" + value(outcome.signaturePrefix) }
            results.append(text)
        }
        var dmarcText = "dmarc=\(dmarc.result.rawValue)"
        if let published = dmarc.published {
            dmarcText += " (p=\(published.rawValue) dis=\(dmarc.disposition.rawValue))"
        } else {
            dmarcText += " " + comment(dmarc.reason)
        }
        if !dmarc.fromDomain.isEmpty { dmarcText += " header.from=" + value(dmarc.fromDomain) }
        results.append(dmarcText)
        return "Authentication-Results: " + authservID + ";\r\n\t" + results.joined(separator: ";\r\n\t")
    }

    /// The authserv-id a field names, lowercased; nil when there is none. RFC 8601 §2.2: after
    /// optional folding white space and comments (which nest, and may hold quoted pairs), a
    /// `value` — a token, or a quoted string whose quotes and escapes do not count. A forger
    /// may write ours in any of these spellings to have the field kept (§5 says remove it).
    /// Read over bytes: as `Character`s, a folded line's CR LF is one character and would never
    /// equal "\r" or "\n".
    static func authservID(ofValue value: String) -> String? {
        let b = Array(value.utf8)
        func isBlank(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 || byte == 0x0D || byte == 0x0A }
        var i = 0
        // Folding white space and comments.
        while i < b.count, isBlank(b[i]) || b[i] == UInt8(ascii: "(") {
            if b[i] == UInt8(ascii: "(") {
                i = MIMEParameters.skipComment(b, from: i)
                if i == b.count { return nil }  // never closed
            } else {
                i += 1
            }
        }
        var id: [UInt8] = []
        if i < b.count, b[i] == UInt8(ascii: "\"") {
            i += 1
            while i < b.count, b[i] != UInt8(ascii: "\"") {
                if b[i] == UInt8(ascii: "\\"), i + 1 < b.count { i += 1 }
                if b[i] != 0x0D && b[i] != 0x0A { id.append(b[i]) }
                i += 1
            }
            // Blanks inside the quotes do not make another name either.
            while let first = id.first, isBlank(first) { id.removeFirst() }
            while let last = id.last, isBlank(last) { id.removeLast() }
        } else {
            while i < b.count, !isBlank(b[i]), b[i] != UInt8(ascii: ";"), b[i] != UInt8(ascii: "(") {
                id.append(b[i])
                i += 1
            }
        }
        return id.isEmpty ? nil : String(decoding: id, as: UTF8.self).lowercased()
    }

    /// A comment: printable ASCII without parentheses or backslashes, at most 100 characters.
    private static func comment(_ text: String) -> String {
        let cleaned = text.unicodeScalars.map { scalar -> Character in
            scalar.isASCII && scalar.value >= 0x20 && scalar.value < 0x7F && !"()\\".unicodeScalars.contains(scalar)
                ? Character(scalar) : "?"
        }
        return "(" + String(cleaned.prefix(100)) + ")"
    }

    /// A property value: as it is when it is a token (or an address), quoted otherwise.
    private static func value(_ text: String) -> String {
        let plain = !text.isEmpty && text.unicodeScalars.allSatisfy { scalar in
            scalar.value > 0x7F || (scalar.value > 0x20 && scalar.value < 0x7F && !"()<>,;:\\\"[]?= ".unicodeScalars.contains(scalar))
        }
        if plain { return text }
        return "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            .replacingOccurrences(of: "\r", with: "").replacingOccurrences(of: "\n", with: "") + "\""
    }
}
