import Foundation
import MailwardMIME

/// Domain-name validation and normalization: the one form in which every domain is stored,
/// looked up and compared (the directory, SMTP RCPT, sign-in, sender checks, `domain add`).
///
/// An internationalized domain has two spellings: the Unicode one (`测试.cn`) and the ASCII one
/// that DNS and most senders use (`xn--0zwm56d.cn`, IDNA, RFC 5890/5891). Both normalize to the
/// Unicode form — lower case, NFC — so they are one domain everywhere; ``ascii(_:)`` gives the
/// ASCII form back where it is needed (DNS queries, SMTP peers without SMTPUTF8). Names of
/// ASCII-only labels are only lower-cased. A trailing dot is dropped.
///
/// Label rules are those Mailward has always applied (letters, digits and hyphens, no hyphen at
/// either end) plus combining marks after the first character, which scripts such as Devanagari
/// and Thai need; lengths (63 per label, 253 in all) are measured on the ASCII form, as DNS sees it.
public enum DomainName {
    /// The ACE prefix of an IDNA A-label (RFC 5890 §2.3.2.1).
    static let acePrefix = "xn--"
    private static let acePrefixBytes = Array(acePrefix.utf8)

    /// `name.contains(acePrefix)`, on the bytes: String's `contains` of a string goes through
    /// Foundation (6× this loop's time), the UTF-8 view's generic `contains` is slower still
    /// (50×), and this runs for every recipient. (No proper prefix of "xn--" is also a suffix of
    /// it, so a mismatch restarts the match at the current byte.)
    static func containsACEPrefix(_ name: String) -> Bool {
        let prefix = acePrefixBytes
        var matched = 0
        for byte in name.utf8 {
            if byte == prefix[matched] {
                matched += 1
                if matched == prefix.count { return true }
            } else {
                matched = byte == prefix[0] ? 1 : 0
            }
        }
        return false
    }

    public static func normalize(_ raw: String) throws -> String {
        var name = EmailAddress.trimmingBlanks(raw).lowercasedIfNeeded
        if name.hasSuffix(".") { name.removeLast() }
        guard !name.isEmpty else { throw MailwardError.invalidDomain(raw) }
        if name.utf8.allSatisfy({ $0 < 0x80 }) && !containsACEPrefix(name) {
            // The usual case, on every SMTP command and lookup: nothing to decode, nothing to copy.
            guard isValidASCIIName(name.utf8) else { throw MailwardError.invalidDomain(raw) }
            return name
        }
        var labels: [String] = []
        var changed = false
        var asciiLength = -1  // no dot before the first label
        for label in name.split(separator: ".", omittingEmptySubsequences: false) {
            guard let unicode = unicodeLabel(label), isValidLabel(unicode),
                  let ascii = asciiLabel(unicode), ascii.utf8.count <= 63 else {
                throw MailwardError.invalidDomain(raw)
            }
            asciiLength += 1 + ascii.utf8.count
            changed = changed || !unicode.utf8.elementsEqual(label.utf8)  // bytes: `==` is canonical equivalence
            labels.append(unicode)
        }
        guard asciiLength <= 253 else { throw MailwardError.invalidDomain(raw) }
        return changed ? labels.joined(separator: ".") : name
    }

    /// The ASCII form of a domain: every label with non-ASCII characters as its A-label
    /// (`测试.cn` → `xn--0zwm56d.cn`). Accepts either spelling; validates like ``normalize(_:)``.
    public static func ascii(_ raw: String) throws -> String {
        let name = try normalize(raw)
        guard name.utf8.contains(where: { $0 >= 0x80 }) else { return name }
        var labels: [String] = []
        for label in name.split(separator: ".") {
            // Cannot fail: normalize encoded each label already.
            guard let ascii = asciiLabel(String(label)) else { throw MailwardError.invalidDomain(raw) }
            labels.append(ascii)
        }
        return labels.joined(separator: ".")
    }

    /// A lower-cased label in its Unicode form: an A-label decoded (RFC 5891 §5.4: valid
    /// Punycode that encodes a non-ASCII string and re-encodes to the same label — anything else
    /// is refused, nil), a Unicode label in NFC, an ASCII label as it is.
    private static func unicodeLabel(_ label: Substring) -> String? {
        if label.hasPrefix(acePrefix) {
            let encoded = String(label.dropFirst(acePrefix.count))
            guard let decoded = Punycode.decode(encoded), decoded.unicodeScalars.contains(where: { !$0.isASCII }),
                  Punycode.encode(decoded) == encoded else { return nil }
            return canonicalUnicode(decoded)
        }
        if label.utf8.allSatisfy({ $0 < 0x80 }) { return String(label) }
        return canonicalUnicode(String(label))
    }

    /// Lower case, then NFC (the form IDNA U-labels take; byte-wise equal for the stores).
    private static func canonicalUnicode(_ label: String) -> String {
        label.lowercased().precomposedStringWithCanonicalMapping
    }

    /// `label` as it goes into DNS: itself when ASCII, else `xn--` and its Punycode.
    private static func asciiLabel(_ label: String) -> String? {
        if label.utf8.allSatisfy({ $0 < 0x80 }) { return label }
        return Punycode.encode(label).map { acePrefix + $0 }
    }

    /// An ASCII name's rules in one pass over its bytes: at most 253 octets, labels of 1 to 63
    /// letters, digits and hyphens, no hyphen at either end of a label (``isValidLabel(_:)`` for
    /// ASCII, without splitting the name into strings).
    private static func isValidASCIIName(_ bytes: String.UTF8View) -> Bool {
        guard bytes.count <= 253 else { return false }
        var labelLength = 0
        var previous = UInt8(ascii: ".")
        for byte in bytes {
            if byte == UInt8(ascii: ".") {
                guard labelLength > 0, previous != UInt8(ascii: "-") else { return false }
                labelLength = 0
            } else {
                guard EmailAddress.isASCIILetterOrDigit(Unicode.Scalar(byte)) || (byte == UInt8(ascii: "-") && labelLength > 0)
                else { return false }
                labelLength += 1
                guard labelLength <= 63 else { return false }
            }
            previous = byte
        }
        return labelLength > 0 && previous != UInt8(ascii: "-")
    }

    private static func isValidLabel(_ label: some StringProtocol) -> Bool {
        guard !label.isEmpty, !label.hasPrefix("-"), !label.hasSuffix("-") else { return false }
        var first = true
        for s in label.unicodeScalars {
            let valid = (s.value < 0x80 && (EmailAddress.isASCIILetterOrDigit(s) || s == "-"))
                || (s.value >= 0x80 && (s.properties.isAlphabetic || s.properties.numericType != nil
                                        || (!first && isCombiningMark(s))))
            guard valid else { return false }
            first = false
        }
        return true
    }

    private static func isCombiningMark(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.properties.generalCategory {
        case .nonspacingMark, .spacingMark: return true
        default: return false
        }
    }
}
