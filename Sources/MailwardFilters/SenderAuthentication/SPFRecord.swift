import MailwardCore

/// A syntax error in an SPF record or macro: the check's result is `permerror`.
struct SPFSyntaxError: Error, Sendable, Equatable, CustomStringConvertible {
    let reason: String
    init(_ reason: String) { self.reason = reason }
    var description: String { reason }
}

/// One SPF record (RFC 7208 §4.6, §5, §6), parsed: the directives in order and the two
/// modifiers SPF knows. Domain specs stay macro strings (expanded at evaluation time).
struct SPFRecord: Sendable, Equatable {
    enum Qualifier: Sendable, Equatable {
        case pass, fail, softfail, neutral

        var result: SPFResult {
            switch self {
            case .pass: .pass
            case .fail: .fail
            case .softfail: .softfail
            case .neutral: .neutral
            }
        }
    }

    enum Mechanism: Sendable, Equatable {
        case all
        case include(String)
        /// `a[:domain][/v4][//v6]`
        case a(String?, v4: Int, v6: Int)
        case mx(String?, v4: Int, v6: Int)
        case ptr(String?)
        case ip(IPAddressBytes, prefix: Int)
        case exists(String)
    }

    struct Directive: Sendable, Equatable {
        var qualifier: Qualifier
        var mechanism: Mechanism
    }

    var directives: [Directive] = []
    var redirect: String?
    var explanation: String?

    /// Whether a TXT record is an SPF record: `v=spf1` alone or followed by a space (§4.5).
    static func isSPF(_ text: String) -> Bool {
        let lower = text.lowercased()
        return lower == "v=spf1" || lower.hasPrefix("v=spf1 ")
    }

    /// record = version terms *SP (§12)
    static func parse(_ text: String) throws(SPFSyntaxError) -> SPFRecord {
        guard isSPF(text) else { throw SPFSyntaxError("not an SPF record") }
        var record = SPFRecord()
        for term in text.dropFirst(6).split(separator: " ") {
            let term = String(term)
            if let modifier = try modifier(term) {
                switch modifier.name {
                case "redirect":
                    guard record.redirect == nil else { throw SPFSyntaxError("two redirect modifiers") }
                    record.redirect = try domainSpec(modifier.value)
                case "exp":
                    guard record.explanation == nil else { throw SPFSyntaxError("two exp modifiers") }
                    record.explanation = modifier.value
                default:
                    continue  // unknown modifiers are ignored (§6)
                }
            } else {
                record.directives.append(try directive(term))
            }
        }
        return record
    }

    /// modifier = name "=" macro-string; name = ALPHA *( ALPHA / DIGIT / "-" / "_" / "." )
    private static func modifier(_ term: String) throws(SPFSyntaxError) -> (name: String, value: String)? {
        guard let equals = term.firstIndex(of: "=") else { return nil }
        let name = term[..<equals]
        guard let first = name.first, first.isASCII, first.isLetter,
              name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "-_.".contains($0)) })
        else {
            // `include:foo=bar` and the like are mechanisms; a bad name before "=" is an error.
            if name.contains(":") || name.contains("/") { return nil }
            throw SPFSyntaxError("bad modifier \(term)")
        }
        return (name.lowercased(), String(term[term.index(after: equals)...]))
    }

    /// directive = [ qualifier ] mechanism
    private static func directive(_ term: String) throws(SPFSyntaxError) -> Directive {
        var rest = Substring(term)
        var qualifier = Qualifier.pass
        switch rest.first {
        case "+": qualifier = .pass
        case "-": qualifier = .fail
        case "~": qualifier = .softfail
        case "?": qualifier = .neutral
        default: break
        }
        if "+-~?".contains(rest.first ?? " ") { rest = rest.dropFirst() }
        let nameEnd = rest.firstIndex { $0 == ":" || $0 == "/" } ?? rest.endIndex
        let name = rest[..<nameEnd].lowercased()
        let argument = rest[nameEnd...]
        let value: String? = argument.first == ":" ? String(argument.dropFirst()) : nil
        switch name {
        case "all":
            guard argument.isEmpty else { throw SPFSyntaxError("all takes no argument") }
            return Directive(qualifier: qualifier, mechanism: .all)
        case "include", "exists":
            guard let value, !value.isEmpty else { throw SPFSyntaxError("\(name) needs a domain") }
            let spec = try domainSpec(value)
            return Directive(qualifier: qualifier, mechanism: name == "include" ? .include(spec) : .exists(spec))
        case "a", "mx":
            let (spec, v4, v6) = try dualCIDR(String(argument))
            return Directive(qualifier: qualifier, mechanism: name == "a" ? .a(spec, v4: v4, v6: v6) : .mx(spec, v4: v4, v6: v6))
        case "ptr":
            guard argument.isEmpty || value != nil else { throw SPFSyntaxError("bad ptr") }
            return Directive(qualifier: qualifier, mechanism: .ptr(try value.map(domainSpec)))
        case "ip4", "ip6":
            guard let value else { throw SPFSyntaxError("\(name) needs an address") }
            let max = name == "ip4" ? 32 : 128
            var address = Substring(value)
            var prefix = max
            if let slash = value.firstIndex(of: "/") {
                address = value[..<slash]
                prefix = try cidrLength(value[value.index(after: slash)...], max: max)
            }
            // ip4 takes a dotted quad only, ip6 an IPv6 address only (§5.6).
            guard let ip = IPAddressBytes(String(address)), ip.isV4 == (name == "ip4"),
                  name == "ip4" || address.contains(":") else { throw SPFSyntaxError("bad address in \(term)") }
            return Directive(qualifier: qualifier, mechanism: .ip(ip, prefix: prefix))
        default:
            throw SPFSyntaxError("unknown mechanism \(term)")
        }
    }

    /// `[":" domain-spec] [dual-cidr-length]`: the CIDR parts are the trailing `/n` and `//n`
    /// outside a macro (a macro's delimiters may contain "/").
    private static func dualCIDR(_ argument: String) throws(SPFSyntaxError) -> (String?, Int, Int) {
        var rest = Substring(argument)
        var v4 = 32, v6 = 128
        if let range = rest.range(of: "//", options: .backwards), !rest[range.upperBound...].contains("}") {
            v6 = try cidrLength(rest[range.upperBound...], max: 128)
            rest = rest[..<range.lowerBound]
        }
        if let slash = rest.lastIndex(of: "/"), !rest[slash...].contains("}") {
            v4 = try cidrLength(rest[rest.index(after: slash)...], max: 32)
            rest = rest[..<slash]
        }
        if rest.isEmpty { return (nil, v4, v6) }
        guard rest.first == ":", rest.count > 1 else { throw SPFSyntaxError("bad argument \(argument)") }
        return (try domainSpec(String(rest.dropFirst())), v4, v6)
    }

    /// `"0" / %x31-39 0*1DIGIT` (or up to three digits for IPv6), at most `max`.
    private static func cidrLength(_ text: Substring, max: Int) throws(SPFSyntaxError) -> Int {
        guard !text.isEmpty, text.count <= 3, text.allSatisfy(\.isASCII), text.allSatisfy(\.isNumber),
              text == "0" || text.first != "0", let value = Int(text), value <= max
        else { throw SPFSyntaxError("bad prefix length /\(text)") }
        return value
    }

    /// A domain spec must hold something and no spaces; its macros are checked when expanded.
    private static func domainSpec(_ text: String) throws(SPFSyntaxError) -> String {
        guard !text.isEmpty, !text.contains(" ") else { throw SPFSyntaxError("bad domain spec \(text)") }
        return text
    }
}
