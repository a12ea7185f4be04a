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

    /// The authserv-id a field names (its first token), lowercased; nil when there is none.
    static func authservID(ofValue value: String) -> String? {
        var text = Substring(value)
        // Skip leading whitespace and comments.
        while let first = text.first, first == " " || first == "\t" || first == "\r" || first == "\n" || first == "(" {
            if first == "(" {
                guard let close = text.firstIndex(of: ")") else { return nil }
                text = text[text.index(after: close)...]
            } else {
                text = text.dropFirst()
            }
        }
        let id = text.prefix { !" \t\r\n;(".contains($0) }
        return id.isEmpty ? nil : id.lowercased()
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
