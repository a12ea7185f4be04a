/// Punycode (RFC 3492): the Bootstring encoding IDNA uses to carry a Unicode domain label in
/// ASCII (`测试` ↔ `0zwm56d`, written `xn--0zwm56d` in a domain name). Works on whole labels
/// without the `xn--` prefix; the prefix and the label rules are ``DomainName``'s business.
///
/// Pure and total: malformed input or arithmetic overflow gives nil, never a trap.
public enum Punycode {
    // RFC 3492 §5, parameter values for Punycode.
    private static let base = 36
    private static let tMin = 1
    private static let tMax = 26
    private static let skew = 38
    private static let damp = 700
    private static let initialBias = 72
    private static let initialN = 0x80
    private static let delimiter = UInt8(ascii: "-")
    /// The RFC's overflow bound (§6.4): the algorithms are specified for 32-bit unsigned integers,
    /// and input that would exceed them is refused rather than computed with wider arithmetic.
    private static let maxInt = Int(UInt32.max)

    /// The Punycode of `input` (RFC 3492 §6.3): basic code points copied in order (their case
    /// kept), then a delimiter if there were any, then the deltas in lower-case digits. Nil only
    /// when the input is too long for 32-bit arithmetic.
    public static func encode(_ input: String) -> String? {
        let scalars = input.unicodeScalars.map { Int($0.value) }
        var output: [UInt8] = scalars.filter { $0 < initialN }.map { UInt8($0) }
        let basicCount = output.count
        var handled = basicCount
        if basicCount > 0 { output.append(delimiter) }
        var n = initialN, delta = 0, bias = initialBias
        while handled < scalars.count {
            guard let m = scalars.filter({ $0 >= n }).min() else { return nil }
            guard m - n <= (maxInt - delta) / (handled + 1) else { return nil }
            delta += (m - n) * (handled + 1)
            n = m
            for c in scalars {
                if c < n {
                    delta += 1
                    guard delta <= maxInt else { return nil }
                }
                guard c == n else { continue }
                var q = delta
                var k = base
                while true {
                    let t = threshold(k, bias: bias)
                    if q < t { break }
                    output.append(digit(t + (q - t) % (base - t)))
                    q = (q - t) / (base - t)
                    k += base
                }
                output.append(digit(q))
                bias = adapt(delta, points: handled + 1, first: handled == basicCount)
                delta = 0
                handled += 1
            }
            delta += 1
            n += 1
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// The Unicode string `input` encodes (RFC 3492 §6.2), or nil when it is not valid Punycode:
    /// a non-ASCII character, a character that is not a digit after the last delimiter, a
    /// truncated number, a result that is not a Unicode scalar or is a basic code point, or
    /// overflow. Digits are read in either case.
    public static func decode(_ input: String) -> String? {
        let bytes = Array(input.utf8)
        guard bytes.allSatisfy({ $0 < 0x80 }) else { return nil }
        // Everything before the last delimiter is basic code points, copied as they are.
        let lastDelimiter = bytes.lastIndex(of: delimiter)
        var output: [Unicode.Scalar] = bytes[..<(lastDelimiter ?? 0)].map { Unicode.Scalar($0) }
        // The delimiter is consumed only when basic code points came before it (§6.2): in "-xyz"
        // the "-" is read as a digit, and refused.
        var position = lastDelimiter.map { $0 > 0 ? $0 + 1 : 0 } ?? 0
        var n = initialN, i = 0, bias = initialBias
        while position < bytes.count {
            let oldI = i
            var w = 1
            var k = base
            while true {
                guard position < bytes.count, let d = digitValue(bytes[position]) else { return nil }
                position += 1
                guard d <= (maxInt - i) / w else { return nil }
                i += d * w
                let t = threshold(k, bias: bias)
                if d < t { break }
                guard w <= maxInt / (base - t) else { return nil }
                w *= base - t
                k += base
            }
            let count = output.count + 1
            bias = adapt(i - oldI, points: count, first: oldI == 0)
            guard i / count <= maxInt - n else { return nil }
            n += i / count
            i %= count
            guard n >= initialN, let scalar = Unicode.Scalar(UInt32(n)) else { return nil }
            output.insert(scalar, at: i)
            i += 1
        }
        var result = String.UnicodeScalarView()
        result.append(contentsOf: output)
        return String(result)
    }

    /// Bias adaptation (RFC 3492 §6.1).
    private static func adapt(_ delta: Int, points: Int, first: Bool) -> Int {
        var delta = first ? delta / damp : delta / 2
        delta += delta / points
        var k = 0
        while delta > ((base - tMin) * tMax) / 2 {
            delta /= base - tMin
            k += base
        }
        return k + (base - tMin + 1) * delta / (delta + skew)
    }

    /// The threshold `t` for position `k` of a variable-length integer (RFC 3492 §6.2).
    private static func threshold(_ k: Int, bias: Int) -> Int {
        if k <= bias { return tMin }
        if k >= bias + tMax { return tMax }
        return k - bias
    }

    /// 0...25 → `a`...`z`, 26...35 → `0`...`9`.
    private static func digit(_ value: Int) -> UInt8 {
        value < 26 ? UInt8(ascii: "a") + UInt8(value) : UInt8(ascii: "0") + UInt8(value - 26)
    }

    private static func digitValue(_ byte: UInt8) -> Int? {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"): Int(byte - UInt8(ascii: "a"))
        case UInt8(ascii: "A")...UInt8(ascii: "Z"): Int(byte - UInt8(ascii: "A"))
        case UInt8(ascii: "0")...UInt8(ascii: "9"): Int(byte - UInt8(ascii: "0")) + 26
        default: nil
        }
    }
}
