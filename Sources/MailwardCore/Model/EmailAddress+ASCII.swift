extension EmailAddress {
    /// The usual address — ASCII only, nothing around it to strip, no A-label to decode —
    /// checked and lower-cased on its bytes in one pass, by exactly the rules of the general path
    /// (``init(parsing:)``: a dot-atom local part of at most 64 octets; a domain of
    /// letter-digit-hyphen labels, at most 63 octets each and 253 in all, one trailing dot
    /// dropped). nil for anything else, valid or not: the general path then decides.
    ///
    /// Every SMTP RCPT and MAIL parses an address; through `String`'s Unicode-aware lower-casing,
    /// scalar properties and splitting that was 1 % of the MX door's CPU per message.
    static func parsedASCII(_ raw: String) -> EmailAddress? {
        var raw = raw
        return raw.withUTF8 { bytes -> EmailAddress? in
            guard let at = bytes.lastIndex(of: UInt8(ascii: "@")) else { return nil }
            guard let local = lowerCasedLocalPart(bytes[..<at]),
                  let domain = lowerCasedDomain(bytes[(at + 1)...]) else { return nil }
            return EmailAddress(checkedLocalPart: local, domain: domain)
        }
    }

    private static func lowerCasedLocalPart(_ bytes: Slice<UnsafeBufferPointer<UInt8>>) -> String? {
        guard let first = bytes.first, let last = bytes.last, bytes.count <= 64,
              first != UInt8(ascii: "."), last != UInt8(ascii: ".") else { return nil }
        var previous: UInt8 = 0
        for byte in bytes {
            guard byte < 0x80, asciiClass[Int(byte)] & (letterOrDigit | localSpecial) != 0,
                  !(byte == UInt8(ascii: ".") && previous == byte) else { return nil }
            previous = byte
        }
        return String(unsafeUninitializedCapacity: bytes.count) { buffer in
            for (index, byte) in bytes.enumerated() { buffer[index] = lowerCased(byte) }
            return bytes.count
        }
    }

    private static func lowerCasedDomain(_ whole: Slice<UnsafeBufferPointer<UInt8>>) -> String? {
        var bytes = whole
        if bytes.last == UInt8(ascii: ".") { bytes = bytes.dropLast() }
        guard !bytes.isEmpty, bytes.count <= 253 else { return nil }
        var labelLength = 0
        var previous: UInt8 = UInt8(ascii: ".")
        var aceMatched = 0  // bytes of "xn--" matched so far
        let ace = DomainName.acePrefixBytes
        for byte in bytes {
            let lower = lowerCased(byte)
            if byte == UInt8(ascii: ".") {
                // A label ends: not empty, not ending in a hyphen.
                guard labelLength > 0, previous != UInt8(ascii: "-") else { return nil }
                labelLength = 0
            } else {
                guard byte < 0x80, asciiClass[Int(byte)] & letterOrDigit != 0 || byte == UInt8(ascii: "-"),
                      !(labelLength == 0 && byte == UInt8(ascii: "-")) else { return nil }
                labelLength += 1
                guard labelLength <= 63 else { return nil }
            }
            // "xn--" anywhere (the general path looks for it in the whole name): an A-label to decode.
            if lower == ace[aceMatched] {
                aceMatched += 1
                if aceMatched == ace.count { return nil }
            } else {
                aceMatched = lower == ace[0] ? 1 : 0
            }
            previous = byte
        }
        guard labelLength > 0, previous != UInt8(ascii: "-") else { return nil }
        return String(unsafeUninitializedCapacity: bytes.count) { buffer in
            for (index, byte) in bytes.enumerated() { buffer[index] = lowerCased(byte) }
            return bytes.count
        }
    }

    private static func lowerCased(_ byte: UInt8) -> UInt8 {
        byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") ? byte | 0x20 : byte
    }

    private static let letterOrDigit: UInt8 = 1
    private static let localSpecial: UInt8 = 2

    /// Per ASCII byte: a letter or digit, or one of the local part's specials (``localPartSpecials``).
    private static let asciiClass: [UInt8] = (0..<128).map { value -> UInt8 in
        let byte = UInt8(value)
        if isASCIILetterOrDigit(Unicode.Scalar(byte)) { return letterOrDigit }
        return localPartSpecials.contains(byte) ? localSpecial : 0
    }
}
