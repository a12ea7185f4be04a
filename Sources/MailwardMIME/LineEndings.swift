/// Line ends of message text. On the wire every line of a message ends in CRLF (RFC 5322 §2.1,
/// RFC 3501 §4.3); a client's bare LF or lone CR is made CRLF once, when the message comes in,
/// so that every door serves the same bytes and sizes (POP3's LIST counts what RETR sends).
public enum LineEndings {
    /// Whether every LF follows a CR and every CR precedes an LF.
    public static func areCRLF(_ bytes: [UInt8]) -> Bool {
        var previous: UInt8 = 0
        for byte in bytes {
            if byte == ASCII.lf, previous != ASCII.cr { return false }
            if previous == ASCII.cr, byte != ASCII.lf { return false }
            previous = byte
        }
        return previous != ASCII.cr
    }

    /// LF and lone CR become CRLF; CRLF stays.
    public static func crlf(_ bytes: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count + bytes.count / 16)
        var i = 0
        while i < bytes.count {
            let b = bytes[i]
            if b == ASCII.cr {
                out.append(ASCII.cr); out.append(ASCII.lf)
                if i + 1 < bytes.count && bytes[i + 1] == ASCII.lf { i += 1 }
            } else if b == ASCII.lf {
                out.append(ASCII.cr); out.append(ASCII.lf)
            } else {
                out.append(b)
            }
            i += 1
        }
        return out
    }
}
