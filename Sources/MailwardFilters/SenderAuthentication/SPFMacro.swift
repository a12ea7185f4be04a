import Foundation
import MailwardCore

/// SPF's macro language (RFC 7208 §7): `%{s}`, `%{ir}.%{v}._spf.%{d2}` and the like, expanded
/// for one check. Pure.
struct SPFMacroContext: Sendable {
    /// `<sender>`: the MAIL FROM address (or `postmaster@<helo>` for a bounce).
    var sender: String
    /// The domain being checked now (changes with include and redirect).
    var domain: String
    var ip: IPAddressBytes
    var helo: String
    /// A validated domain name of the client (`%{p}`); "unknown" when none was looked up.
    var validatedName: String = "unknown"
}

enum SPFMacro {
    /// Expands `text`; `explanation` allows the `c`, `r` and `t` letters (only in `exp`).
    static func expand(_ text: String, _ context: SPFMacroContext, explanation: Bool = false) throws(SPFSyntaxError) -> String {
        var out = ""
        var index = text.startIndex
        while index < text.endIndex {
            let character = text[index]
            index = text.index(after: index)
            guard character == "%" else {
                out.append(character)
                continue
            }
            guard index < text.endIndex else { throw SPFSyntaxError("% at the end of \(text)") }
            let next = text[index]
            index = text.index(after: index)
            switch next {
            case "%": out += "%"
            case "_": out += " "
            case "-": out += "%20"
            case "{":
                guard let close = text[index...].firstIndex(of: "}") else { throw SPFSyntaxError("unclosed macro in \(text)") }
                out += try macro(text[index..<close], context, explanation: explanation)
                index = text.index(after: close)
            default:
                throw SPFSyntaxError("bad macro %\(next) in \(text)")
            }
        }
        return out
    }

    /// A domain spec expanded, then shortened from the left to 253 characters (§7.3).
    static func domain(_ spec: String, _ context: SPFMacroContext) throws(SPFSyntaxError) -> String {
        var name = try expand(spec, context)
        if name.hasSuffix(".") { name.removeLast() }
        while name.utf8.count > 253, let dot = name.firstIndex(of: ".") { name = String(name[name.index(after: dot)...]) }
        return name
    }

    /// macro-letter *DIGIT [ "r" ] *delimiter
    private static func macro(_ body: Substring, _ context: SPFMacroContext, explanation: Bool) throws(SPFSyntaxError) -> String {
        guard let letter = body.first, letter.isASCII, letter.isLetter else { throw SPFSyntaxError("bad macro {\(body)}") }
        var rest = body.dropFirst()
        let digits = rest.prefix { $0.isASCII && $0.isNumber }
        rest = rest.dropFirst(digits.count)
        let reverse = rest.first == "r" || rest.first == "R"
        if reverse { rest = rest.dropFirst() }
        guard rest.allSatisfy({ ".-+,/_=".contains($0) }) else { throw SPFSyntaxError("bad delimiters in {\(body)}") }
        var keep: Int?
        if !digits.isEmpty {
            guard let value = Int(digits.prefix(4)), value > 0 else { throw SPFSyntaxError("bad digits in {\(body)}") }
            keep = value
        }
        let value: String
        switch letter.lowercased() {
        case "s": value = context.sender
        case "l": value = context.sender.lastIndex(of: "@").map { String(context.sender[..<$0]) }.flatMap { $0.isEmpty ? nil : $0 } ?? "postmaster"
        case "o": value = context.sender.lastIndex(of: "@").map { String(context.sender[context.sender.index(after: $0)...]) } ?? context.sender
        case "d": value = context.domain
        case "i": value = context.ip.macroText
        case "p": value = context.validatedName
        case "v": value = context.ip.isV4 ? "in-addr" : "ip6"
        case "h": value = context.helo
        case "c" where explanation: value = context.ip.description
        case "r" where explanation: value = "unknown"
        case "t" where explanation: value = String(Int(Date().timeIntervalSince1970))
        default: throw SPFSyntaxError("bad macro letter in {\(body)}")
        }
        let delimiters = rest.isEmpty ? "." : String(rest)
        var parts = value.split(omittingEmptySubsequences: false) { delimiters.contains($0) }.map(String.init)
        if reverse { parts.reverse() }
        if let keep, keep < parts.count { parts = Array(parts.suffix(keep)) }
        let joined = parts.joined(separator: ".")
        return letter.isUppercase ? urlEscaped(joined) : joined
    }

    /// Uppercase macro letters escape everything outside RFC 3986's unreserved characters.
    private static func urlEscaped(_ text: String) -> String {
        var out = ""
        for byte in text.utf8 {
            let c = Character(UnicodeScalar(byte))
            if byte < 0x80, c.isLetter || c.isNumber || "-._~".contains(c) {
                out.append(c)
            } else {
                out += String(format: "%%%02X", byte)
            }
        }
        return out
    }
}
