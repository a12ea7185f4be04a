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
    /// Read over Unicode scalars: as `Character`s, a folded line's CR LF is one character and
    /// would never equal "\r" or "\n".
    static func authservID(ofValue value: String) -> String? {
        let scalars = Array(value.unicodeScalars)
        var i = 0
        func isBlank(_ s: Unicode.Scalar) -> Bool { s == " " || s == "\t" || s == "\r" || s == "\n" }
        // Folding white space and comments.
        while i < scalars.count {
            if isBlank(scalars[i]) {
                i += 1
            } else if scalars[i] == "(" {
                var depth = 0
                while i < scalars.count {
                    switch scalars[i] {
                    case "\\": i += 1
                    case "(": depth += 1
                    case ")": depth -= 1
                    default: break
                    }
                    i += 1
                    if depth == 0 { break }
                }
                if depth != 0 { return nil }
            } else {
                break
            }
        }
        guard i < scalars.count else { return nil }
        var id = String.UnicodeScalarView()
        if scalars[i] == "\"" {
            i += 1
            while i < scalars.count, scalars[i] != "\"" {
                if scalars[i] == "\\", i + 1 < scalars.count { i += 1 }
                if !(scalars[i] == "\r" || scalars[i] == "\n") { id.append(scalars[i]) }
                i += 1
            }
        } else {
            while i < scalars.count, !isBlank(scalars[i]), scalars[i] != ";", scalars[i] != "(" {
                id.append(scalars[i])
                i += 1
            }
        }
        // Blanks inside the quotes do not make another name either.
        let text = String(String.UnicodeScalarView(id.drop(while: isBlank).reversed().drop(while: isBlank).reversed()))
        return text.isEmpty ? nil : text.lowercased()
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
