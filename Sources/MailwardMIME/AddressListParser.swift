/// A lenient RFC 5322 §3.4 address-list parser shared by ENVELOPE and ``AddressParser``.
///
///     address-list = address *("," address)
///     address      = mailbox / group
///     group        = display-name ":" [mailbox-list] ";"
///     mailbox      = name-addr / addr-spec
///     name-addr    = [display-name] "<" [obs-route] addr-spec ">"
///
/// Results stay *raw*: display names keep their encoded words (IMAP sends them that way); quotes
/// around display names and local parts are removed. A trailing comment is used as the display
/// name when there is none (`bob@example.com (Bob)`). Missing separators, unbalanced quotes and
/// brackets are tolerated.
enum AddressListParser {
    struct Mailbox: Equatable {
        var name: String?
        var route: String?
        var localPart: String
        var domain: String?
    }

    enum Item: Equatable {
        case mailbox(Mailbox)
        case group(name: String, members: [Mailbox])
    }

    static let maxItems = 2_000

    private enum Token: Equatable {
        case word(String)          // atom or dot-atom
        case quoted(String)        // quoted-string, unquoted
        case comment(String)
        case domainLiteral(String) // [..] including brackets
        case special(UInt8)        // < > , : ; @
    }

    static func parse(_ value: String) -> [Item] {
        let tokens = tokenize(Array(value.utf8))
        var items: [Item] = []
        var i = 0
        while i < tokens.count && items.count < maxItems {
            // Group: phrase ":" ... ";" — a colon before any "<" "@" or ",".
            var j = i
            var isGroup = false
            while j < tokens.count {
                if case .special(let s) = tokens[j] {
                    if s == ASCII.colon { isGroup = j > i; break }
                    break
                }
                j += 1
            }
            if isGroup {
                let name = phrase(tokens[i..<j])
                var members: [Mailbox] = []
                var k = j + 1
                while k < tokens.count {
                    let end = itemEnd(tokens, from: k, stopAtSemicolon: true)
                    if let m = mailbox(tokens[k..<end]), members.count < maxItems { members.append(m) }
                    k = end
                    if k < tokens.count, tokens[k] == .special(ASCII.semicolon) { k += 1; break }
                    if k < tokens.count { k += 1 }  // the comma
                }
                items.append(.group(name: name, members: members))
                i = k
                continue
            }
            let end = itemEnd(tokens, from: i, stopAtSemicolon: true)
            if let m = mailbox(tokens[i..<end]) { items.append(.mailbox(m)) }
            i = end + 1
        }
        return items
    }

    /// Whether `value` is a mailbox-list (RFC 5322 §3.4) read one way only: every mailbox one
    /// addr-spec, or one `<…>` with nothing but comments after it — no group, and nothing a
    /// lenient reader could take for a second address. (`<a@x> <b@y>` is one mailbox to
    /// ``parse(_:)`` and two to other readers.)
    static func isUnambiguousMailboxList(_ value: String) -> Bool {
        let tokens = tokenize(Array(value.utf8))
        var start = 0
        var mailboxes = 0
        while start <= tokens.count {
            let end = itemEnd(tokens, from: start, stopAtSemicolon: true)
            let item = tokens[start..<end].filter { if case .comment = $0 { return false }; return true }
            if end < tokens.count, tokens[end] != .special(ASCII.comma) { return false }  // a ";"
            if !item.isEmpty {
                guard isUnambiguousMailbox(item) else { return false }
                mailboxes += 1
            }
            start = end + 1
        }
        return mailboxes > 0
    }

    private static func isUnambiguousMailbox(_ tokens: [Token]) -> Bool {
        let opens = tokens.indices.filter { tokens[$0] == .special(ASCII.lessThan) }
        let closes = tokens.indices.filter { tokens[$0] == .special(ASCII.greaterThan) }
        let ats = tokens.indices.filter { tokens[$0] == .special(ASCII.at) }
        if tokens.contains(.special(ASCII.colon)) && opens.isEmpty { return false }  // a group
        guard let open = opens.first else {
            // addr-spec alone: words, one "@", a domain.
            return opens.isEmpty && closes.isEmpty && ats.count == 1 && ats[0] > 0 && ats[0] < tokens.count - 1
        }
        guard opens.count == 1, closes.count == 1, let close = closes.first, close == tokens.count - 1, open < close else {
            return false
        }
        // The display name is words only — or, unquoted, the very address in the brackets (some
        // clients write `a@x <a@x>`: every reading is the one address); inside the brackets, one
        // addr-spec (an obs-route's "@"s before a ":" aside).
        var inner = tokens[(open + 1)..<close]
        if inner.first == .special(ASCII.at), let colon = inner.firstIndex(of: .special(ASCII.colon)) {
            inner = inner[(colon + 1)...]
        }
        let name = tokens[..<open]
        let wordsOnly = name.allSatisfy { if case .special = $0 { return false }; return true }
        guard wordsOnly || raw(name).lowercased() == raw(inner).lowercased() else { return false }
        let innerAts = inner.indices.filter { inner[$0] == .special(ASCII.at) }
        return innerAts.count == 1 && innerAts[0] > inner.startIndex && innerAts[0] < inner.endIndex - 1
            && !inner.contains(.special(ASCII.colon)) && !inner.contains(.special(ASCII.comma))
    }

    /// Index of the "," (or ";") ending the address that starts at `start`, outside angle brackets.
    private static func itemEnd(_ tokens: [Token], from start: Int, stopAtSemicolon: Bool) -> Int {
        var depth = 0
        var k = start
        while k < tokens.count {
            if case .special(let s) = tokens[k] {
                if s == ASCII.lessThan { depth += 1 }
                else if s == ASCII.greaterThan { depth = max(0, depth - 1) }
                else if depth == 0 && (s == ASCII.comma || (stopAtSemicolon && s == ASCII.semicolon)) { return k }
            }
            k += 1
        }
        return tokens.count
    }

    private static func phrase(_ tokens: ArraySlice<Token>) -> String {
        var words: [String] = []
        for t in tokens {
            switch t {
            case .word(let w): words.append(w)
            case .quoted(let q): words.append(q)
            case .domainLiteral(let d): words.append(d)
            case .special(let s) where s == ASCII.at: words.append("@")
            default: break
            }
        }
        return words.joined(separator: " ")
    }

    private static func mailbox(_ tokens: ArraySlice<Token>) -> Mailbox? {
        if tokens.isEmpty { return nil }
        if let open = tokens.firstIndex(of: .special(ASCII.lessThan)) {
            let name = phrase(tokens[tokens.startIndex..<open])
            var close = open + 1
            while close < tokens.endIndex && tokens[close] != .special(ASCII.greaterThan) { close += 1 }
            var inner = tokens[(open + 1)..<close]
            var route: String?
            // obs-route: "@a,@b:" before the addr-spec.
            if let colon = inner.firstIndex(of: .special(ASCII.colon)), inner.first == .special(ASCII.at) {
                route = raw(inner[inner.startIndex..<colon])
                inner = inner[(colon + 1)...]
            }
            var m = addrSpec(inner)
            m.route = route
            m.name = name.isEmpty ? trailingComment(tokens[min(close + 1, tokens.endIndex)...]) : name
            if m.name?.isEmpty == true { m.name = nil }
            return m
        }
        let meaningful = tokens.filter { if case .comment = $0 { return false }; return true }
        if meaningful.isEmpty { return nil }
        if meaningful.count > 1, !meaningful.contains(.special(ASCII.at)),
           meaningful.allSatisfy({ if case .special = $0 { return false }; return true }) {
            // Words and no address (`From: Someone Else`): a display name whose address is
            // missing, not a local part of several words glued together (Dovecot reads it so).
            return Mailbox(name: phrase(meaningful[...]), route: nil, localPart: "", domain: nil)
        }
        var m = addrSpec(tokens)
        m.name = trailingComment(tokens)
        if m.localPart.isEmpty && m.domain == nil { return nil }
        return m
    }

    private static func trailingComment(_ tokens: ArraySlice<Token>) -> String? {
        for t in tokens.reversed() {
            if case .comment(let c) = t {
                let trimmed = c.trimmingMailWhitespace
                return trimmed.isEmpty ? nil : trimmed
            }
        }
        return nil
    }

    /// `local-part "@" domain`, ignoring comments; the last "@" separates the domain.
    private static func addrSpec(_ tokens: ArraySlice<Token>) -> Mailbox {
        let parts = tokens.filter { if case .comment = $0 { return false }; return true }
        if let at = parts.lastIndex(of: .special(ASCII.at)) {
            let local = raw(parts[..<at])
            let domain = raw(parts[(at + 1)...])
            return Mailbox(name: nil, route: nil, localPart: local, domain: domain.isEmpty ? nil : domain)
        }
        return Mailbox(name: nil, route: nil, localPart: raw(parts[...]), domain: nil)
    }

    /// Concatenation of tokens without separators (for local parts, domains, routes).
    private static func raw(_ tokens: ArraySlice<Token>) -> String {
        var s = ""
        for t in tokens {
            switch t {
            case .word(let w): s += w
            case .quoted(let q): s += q
            case .domainLiteral(let d): s += d
            case .special(let b): s += String(UnicodeScalar(b))
            case .comment: break
            }
        }
        return s
    }

    private static func tokenize(_ b: [UInt8]) -> [Token] {
        var tokens: [Token] = []
        var i = 0
        while i < b.count && tokens.count < 100_000 {
            let c = b[i]
            switch c {
            case _ where c.isWhitespaceOrNewline:
                i += 1
            case ASCII.quote:
                var value: [UInt8] = []
                i += 1
                while i < b.count && b[i] != ASCII.quote {
                    if b[i] == ASCII.backslash && i + 1 < b.count { i += 1 }
                    if b[i] != ASCII.cr && b[i] != ASCII.lf { value.append(b[i]) }
                    i += 1
                }
                i += 1
                tokens.append(.quoted(String(decoding: value, as: UTF8.self)))
            case ASCII.openParen:
                let end = MIMEParameters.skipComment(b, from: i)
                let innerEnd = (end - 1 > i && b[end - 1] == ASCII.closeParen) ? end - 1 : end
                let inner = b[(i + 1)..<max(i + 1, innerEnd)]
                tokens.append(.comment(String(decoding: inner, as: UTF8.self)))
                i = end
            case ASCII.openBracket:
                var j = i + 1
                while j < b.count && b[j] != ASCII.closeBracket { j += 1 }
                let end = min(j + 1, b.count)
                tokens.append(.domainLiteral(String(decoding: b[i..<end], as: UTF8.self)))
                i = end
            case ASCII.lessThan, ASCII.greaterThan, ASCII.comma, ASCII.colon, ASCII.semicolon, ASCII.at:
                tokens.append(.special(c))
                i += 1
            default:
                let start = i
                while i < b.count {
                    let d = b[i]
                    if d.isWhitespaceOrNewline || d == ASCII.quote || d == ASCII.openParen || d == ASCII.openBracket
                        || d == ASCII.lessThan || d == ASCII.greaterThan || d == ASCII.comma || d == ASCII.colon
                        || d == ASCII.semicolon || d == ASCII.at || d == ASCII.closeParen || d == ASCII.closeBracket { break }
                    i += 1
                }
                if i == start { i += 1; continue }  // stray ")" or "]"
                tokens.append(.word(String(decoding: b[start..<i], as: UTF8.self)))
            }
        }
        return tokens
    }
}
