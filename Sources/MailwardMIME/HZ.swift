/// HZ (RFC 1843), the 7-bit encoding of GB2312 once common in Chinese mail and news: ASCII text
/// in which `~{` switches to GB2312 — each character two bytes in 0x21–0x7E, the EUC-CN bytes
/// with the high bit cleared — and `~}` switches back; `~~` is a tilde and `~` before a line
/// break joins the lines. glibc's iconv has no HZ, so it is unwrapped here into EUC-CN bytes
/// for the GB18030 decoder (a superset, ASCII-compatible). Pure.
enum HZ {
    /// The EUC-CN bytes HZ text stands for; nil when it is not HZ at all (8-bit bytes).
    static func unwrap(_ bytes: ArraySlice<UInt8>) -> [UInt8]? {
        guard !bytes.contains(where: { $0 >= 0x80 }) else { return nil }
        let tilde = UInt8(ascii: "~")
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var inGB = false
        var i = bytes.startIndex
        while i < bytes.endIndex {
            let b = bytes[i]
            let next: UInt8? = i + 1 < bytes.endIndex ? bytes[i + 1] : nil
            if b == tilde, let next {
                switch next {
                case UInt8(ascii: "{") where !inGB: inGB = true; i += 2; continue
                case UInt8(ascii: "}") where inGB: inGB = false; i += 2; continue
                case tilde where !inGB: out.append(tilde); i += 2; continue
                case ASCII.lf where !inGB: i += 2; continue
                case ASCII.cr where !inGB:
                    i += (i + 2 < bytes.endIndex && bytes[i + 2] == ASCII.lf) ? 3 : 2
                    continue
                default: break
                }
            }
            if inGB {
                // A line ends GB mode (RFC 1843: each line starts in ASCII).
                if b == ASCII.cr || b == ASCII.lf { inGB = false; out.append(b); i += 1; continue }
                if let next, (0x21...0x7E).contains(b), (0x21...0x7E).contains(next) {
                    out.append(b | 0x80)
                    out.append(next | 0x80)
                    i += 2
                    continue
                }
            }
            out.append(b)
            i += 1
        }
        return out
    }
}
