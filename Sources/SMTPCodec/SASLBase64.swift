/// Strict RFC 4648 §4 base64, as SASL profiles require (RFC 4954 §4, RFC 5034 §4): padding
/// mandatory, no whitespace, no other alphabet. Written here so the codecs need nothing but NIOCore.
public enum SASLBase64 {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    /// The RFC 4648 alphabet plus "=".
    public static func isBase64Character(_ byte: UInt8) -> Bool {
        isASCIIAlpha(byte) || isASCIIDigit(byte) || byte == UInt8(ascii: "+") || byte == UInt8(ascii: "/")
            || byte == UInt8(ascii: "=")
    }

    public static func encode(_ bytes: some Collection<UInt8>) -> String {
        let input = Array(bytes)
        var output: [UInt8] = []
        output.reserveCapacity((input.count + 2) / 3 * 4)
        var index = 0
        while index < input.count {
            let remaining = input.count - index
            let b0 = input[index]
            let b1 = remaining > 1 ? input[index + 1] : 0
            let b2 = remaining > 2 ? input[index + 2] : 0
            output.append(Self.alphabet[Int(b0 >> 2)])
            output.append(Self.alphabet[Int((b0 & 0x03) << 4 | b1 >> 4)])
            output.append(remaining > 1 ? Self.alphabet[Int((b1 & 0x0F) << 2 | b2 >> 6)] : UInt8(ascii: "="))
            output.append(remaining > 2 ? Self.alphabet[Int(b2 & 0x3F)] : UInt8(ascii: "="))
            index += 3
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// Decodes strict base64; nil for anything malformed (wrong length, bad characters, padding
    /// in the middle, non-zero padding bits).
    public static func decode(_ text: some StringProtocol) -> [UInt8]? {
        let input = Array(text.utf8)
        guard input.count % 4 == 0 else { return nil }
        var output: [UInt8] = []
        output.reserveCapacity(input.count / 4 * 3)
        var index = 0
        while index < input.count {
            let isLastQuantum = index + 4 == input.count
            var values: [UInt8] = []
            var padding = 0
            for byte in input[index..<(index + 4)] {
                if byte == UInt8(ascii: "=") {
                    padding += 1
                    continue
                }
                guard padding == 0, let value = Self.value(of: byte) else { return nil }
                values.append(value)
            }
            guard padding <= 2, padding == 0 || isLastQuantum else { return nil }
            output.append(values[0] << 2 | values[1] >> 4)
            if values.count > 2 {
                output.append(values[1] << 4 | values[2] >> 2)
            } else if values[1] & 0x0F != 0 {
                return nil
            }
            if values.count > 3 {
                output.append(values[2] << 6 | values[3])
            } else if values.count == 3, values[2] & 0x03 != 0 {
                return nil
            }
            index += 4
        }
        return output
    }

    private static func value(of byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"): return byte - UInt8(ascii: "A")
        case UInt8(ascii: "a")...UInt8(ascii: "z"): return byte - UInt8(ascii: "a") + 26
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0") + 52
        case UInt8(ascii: "+"): return 62
        case UInt8(ascii: "/"): return 63
        default: return nil
        }
    }
}
