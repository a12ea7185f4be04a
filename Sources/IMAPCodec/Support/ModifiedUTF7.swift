/// Modified UTF-7 for mailbox names (RFC 3501 §5.1.3): printable US-ASCII stands for itself,
/// `&` is written `&-`, and every other run of characters is `&` + modified base64 (`,` for `/`,
/// no padding) of its UTF-16BE + `-`.
public enum ModifiedUTF7 {
    /// Why a name could not be decoded.
    public struct DecodingError: Error, Sendable, Hashable {
        public var reason: String
        public init(reason: String) { self.reason = reason }
    }

    /// Encodes `name` (`"已发送"` → `"&XfJT0ZAB-"`, `"A&B"` → `"A&-B"`).
    public static func encode(_ name: String) -> String {
        var out = ""
        var pending: [UInt16] = []
        func flush() {
            guard !pending.isEmpty else { return }
            var bytes: [UInt8] = []
            bytes.reserveCapacity(pending.count * 2)
            for unit in pending {
                bytes.append(UInt8(unit >> 8))
                bytes.append(UInt8(unit & 0xFF))
            }
            out += "&" + base64(bytes) + "-"
            pending.removeAll()
        }
        for scalar in name.unicodeScalars {
            if (0x20...0x7E).contains(scalar.value) {
                flush()
                out += scalar == "&" ? "&-" : String(scalar)
            } else {
                pending.append(contentsOf: String(scalar).utf16)
            }
        }
        flush()
        return out
    }

    /// Decodes a wire name, rejecting anything a conforming encoder would not produce:
    /// bytes outside printable ASCII, an unterminated or empty shift, printable ASCII or `&`
    /// encoded in base64, two adjacent shifts, non-zero padding bits, broken surrogates.
    public static func decode(_ bytes: [UInt8]) throws(DecodingError) -> String {
        var out = ""
        var i = 0
        var previousShiftEnd = -1
        while i < bytes.count {
            let b = bytes[i]
            guard (0x20...0x7E).contains(b) else {
                throw DecodingError(reason: "byte 0x\(String(b, radix: 16)) is not printable US-ASCII")
            }
            if b != UInt8(ascii: "&") {
                out.unicodeScalars.append(Unicode.Scalar(b))
                i += 1
                continue
            }
            // Shift: "&" ... "-"
            guard let end = bytes[(i + 1)...].firstIndex(of: UInt8(ascii: "-")) else {
                throw DecodingError(reason: "unterminated base64 shift")
            }
            if end == i + 1 {
                out += "&"
                i = end + 1
                continue
            }
            if previousShiftEnd == i {
                throw DecodingError(reason: "adjacent base64 shifts")
            }
            let units = try decodeShift(bytes[(i + 1)..<end])
            var scalars = String.UnicodeScalarView()
            var iterator = units.makeIterator()
            var utf16 = UTF16()
            decoding: while true {
                switch utf16.decode(&iterator) {
                case .scalarValue(let s):
                    if (0x20...0x7E).contains(s.value) {
                        throw DecodingError(reason: "printable ASCII encoded in base64")
                    }
                    scalars.append(s)
                case .emptyInput:
                    break decoding
                case .error:
                    throw DecodingError(reason: "invalid UTF-16 in base64 shift")
                }
            }
            out.unicodeScalars.append(contentsOf: scalars)
            i = end + 1
            previousShiftEnd = i
        }
        return out
    }

    /// Convenience for `String` input.
    public static func decode(_ string: String) throws(DecodingError) -> String {
        try decode(Array(string.utf8))
    }

    private static let alphabet: [UInt8] = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+,".utf8)

    private static func base64(_ bytes: [UInt8]) -> String {
        var out: [UInt8] = []
        var acc: UInt32 = 0
        var bits = 0
        for b in bytes {
            acc = (acc << 8) | UInt32(b)
            bits += 8
            while bits >= 6 {
                bits -= 6
                out.append(alphabet[Int((acc >> UInt32(bits)) & 0x3F)])
            }
        }
        if bits > 0 {
            out.append(alphabet[Int((acc << UInt32(6 - bits)) & 0x3F)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    private static func value(of c: UInt8) -> UInt32? {
        switch c {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"): return UInt32(c - UInt8(ascii: "A"))
        case UInt8(ascii: "a")...UInt8(ascii: "z"): return UInt32(c - UInt8(ascii: "a") + 26)
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return UInt32(c - UInt8(ascii: "0") + 52)
        case UInt8(ascii: "+"): return 62
        case UInt8(ascii: ","): return 63
        default: return nil
        }
    }

    private static func decodeShift(_ chars: ArraySlice<UInt8>) throws(DecodingError) -> [UInt16] {
        var bytes: [UInt8] = []
        var acc: UInt32 = 0
        var bits = 0
        for c in chars {
            guard let v = value(of: c) else { throw DecodingError(reason: "invalid modified base64 character") }
            acc = ((acc << 6) | v) & 0xFFFFFF
            bits += 6
            if bits >= 8 {
                bits -= 8
                bytes.append(UInt8((acc >> UInt32(bits)) & 0xFF))
            }
        }
        // Leftover bits must be fewer than 6 and zero.
        guard bits < 6, acc & ((1 << UInt32(bits)) - 1) == 0 else {
            throw DecodingError(reason: "non-zero padding bits in base64 shift")
        }
        guard bytes.count % 2 == 0 else { throw DecodingError(reason: "odd number of UTF-16 bytes") }
        var units: [UInt16] = []
        units.reserveCapacity(bytes.count / 2)
        var j = 0
        while j < bytes.count {
            units.append(UInt16(bytes[j]) << 8 | UInt16(bytes[j + 1]))
            j += 2
        }
        return units
    }
}
