/// Byte classes of RFC 3501 §9 / RFC 9051 §9.
enum CharacterClasses {
    /// `CTL = %x00-1F / %x7F`
    static func isCTL(_ b: UInt8) -> Bool { b < 0x20 || b == 0x7F }

    /// `ATOM-CHAR = <any CHAR except atom-specials>`;
    /// `atom-specials = "(" / ")" / "{" / SP / CTL / list-wildcards / quoted-specials / resp-specials`
    static func isAtomChar(_ b: UInt8) -> Bool {
        guard b < 0x80, !isCTL(b) else { return false }
        switch b {
        case UInt8(ascii: "("), UInt8(ascii: ")"), UInt8(ascii: "{"), UInt8(ascii: " "),
             UInt8(ascii: "%"), UInt8(ascii: "*"), UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "]"):
            return false
        default:
            return true
        }
    }

    /// `ASTRING-CHAR = ATOM-CHAR / resp-specials`
    static func isAstringChar(_ b: UInt8) -> Bool { isAtomChar(b) || b == UInt8(ascii: "]") }

    /// `tag = 1*<any ASTRING-CHAR except "+">`
    static func isTagChar(_ b: UInt8) -> Bool { isAstringChar(b) && b != UInt8(ascii: "+") }

    /// `list-char = ATOM-CHAR / list-wildcards / resp-specials`; RFC 6855 also lets UTF-8 in.
    static func isListChar(_ b: UInt8) -> Bool {
        isAstringChar(b) || b == UInt8(ascii: "%") || b == UInt8(ascii: "*")
    }

    static func isDigit(_ b: UInt8) -> Bool { b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9") }
}
