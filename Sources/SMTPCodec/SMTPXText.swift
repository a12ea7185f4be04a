/// RFC 3461 §4 `xtext`, the encoding DSN's `ENVID=` and `ORCPT=` travel in: printable ASCII but
/// `+` and `=`, which, with every other octet, are written `+XX` (two upper-case hex digits).
/// The one grammar of it: the parser checks with it, the server decodes the values it kept, and
/// the outbound client encodes them again for a next hop.
public enum SMTPXText {
    /// The octets `text` stands for; nil when it is not xtext.
    static func octets(_ text: some StringProtocol) -> [UInt8]? {
        var octets: [UInt8] = []
        var iterator = text.utf8.makeIterator()
        while let byte = iterator.next() {
            if byte == UInt8(ascii: "+") {
                guard let high = iterator.next().flatMap(hexValue), let low = iterator.next().flatMap(hexValue) else { return nil }
                octets.append(high << 4 | low)
            } else if (0x21...0x7E).contains(byte), byte != UInt8(ascii: "=") {
                octets.append(byte)
            } else {
                return nil
            }
        }
        return octets
    }

    public static func isValid(_ text: some StringProtocol) -> Bool { octets(text) != nil }

    /// The decoded text; nil for malformed xtext or octets that are not UTF-8.
    public static func decode(_ text: some StringProtocol) -> String? {
        octets(text).flatMap { String(validating: $0, as: UTF8.self) }
    }

    /// `text` as xtext.
    public static func encode(_ text: String) -> String {
        var result = ""
        for byte in text.utf8 {
            if (0x21...0x7E).contains(byte), byte != UInt8(ascii: "+"), byte != UInt8(ascii: "=") {
                result.unicodeScalars.append(Unicode.Scalar(byte))
            } else {
                let digits = Array("0123456789ABCDEF".utf8)
                result += "+" + String(decoding: [digits[Int(byte >> 4)], digits[Int(byte & 0x0F)]], as: UTF8.self)
            }
        }
        return result
    }

    // MARK: ORCPT

    /// `ORCPT=`'s value, `addr-type ";" xtext`, split; nil when it is not of that form.
    static func originalRecipientParts(_ value: String) -> (type: Substring, address: Substring)? {
        guard let semicolon = value.firstIndex(of: ";") else { return nil }
        let type = value[..<semicolon]
        guard !type.isEmpty, type.utf8.allSatisfy({ isASCIIAlpha($0) || isASCIIDigit($0) || $0 == UInt8(ascii: "-") }) else {
            return nil
        }
        return (type, value[value.index(after: semicolon)...])
    }

    public static func isOriginalRecipient(_ value: String) -> Bool {
        originalRecipientParts(value).map { isValid($0.address) } ?? false
    }

    /// `rfc822;Bob+2Bx@example.org` → `rfc822;Bob+x@example.org` (the type lowercased), as a
    /// report's `Original-Recipient:` shows it (RFC 3464 §2.3.1); nil when malformed.
    public static func decodeOriginalRecipient(_ value: String) -> String? {
        guard let (type, address) = originalRecipientParts(value), let decoded = decode(address) else { return nil }
        return type.lowercased() + ";" + decoded
    }

    /// The decoded form back as `ORCPT=`'s value; nil when it has no address type.
    public static func encodeOriginalRecipient(_ decoded: String) -> String? {
        guard let semicolon = decoded.firstIndex(of: ";"), semicolon != decoded.startIndex else { return nil }
        return decoded[..<semicolon] + ";" + encode(String(decoded[decoded.index(after: semicolon)...]))
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
