#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Byte constants and small classification helpers shared by the scanners.
///
/// The parsers work on `[UInt8]` and never build strings byte by byte; these helpers keep the
/// scanning code readable without giving up that discipline.
enum ASCII {
    static let tab: UInt8 = 0x09
    static let lf: UInt8 = 0x0A
    static let cr: UInt8 = 0x0D
    static let space: UInt8 = 0x20
    static let quote: UInt8 = 0x22
    static let percent: UInt8 = 0x25
    static let apostrophe: UInt8 = 0x27
    static let openParen: UInt8 = 0x28
    static let closeParen: UInt8 = 0x29
    static let star: UInt8 = 0x2A
    static let plus: UInt8 = 0x2B
    static let comma: UInt8 = 0x2C
    static let dash: UInt8 = 0x2D
    static let dot: UInt8 = 0x2E
    static let slash: UInt8 = 0x2F
    static let colon: UInt8 = 0x3A
    static let semicolon: UInt8 = 0x3B
    static let lessThan: UInt8 = 0x3C
    static let equals: UInt8 = 0x3D
    static let greaterThan: UInt8 = 0x3E
    static let question: UInt8 = 0x3F
    static let at: UInt8 = 0x40
    static let openBracket: UInt8 = 0x5B
    static let backslash: UInt8 = 0x5C
    static let closeBracket: UInt8 = 0x5D
    static let underscore: UInt8 = 0x5F
    static let ampersand: UInt8 = 0x26
    static let hash: UInt8 = 0x23

    /// Value of a hexadecimal digit (either case), or nil.
    @inline(__always)
    static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case 0x30...0x39: return byte &- 0x30
        case 0x41...0x46: return byte &- 0x41 &+ 10
        case 0x61...0x66: return byte &- 0x61 &+ 10
        default: return nil
        }
    }

    static let upperHexDigits: [UInt8] = Array("0123456789ABCDEF".utf8)
}

extension UInt8 {
    /// Space or horizontal tab (RFC 5234 WSP).
    @inline(__always)
    public var isWSP: Bool { self == ASCII.space || self == ASCII.tab }

    /// WSP, CR or LF.
    @inline(__always)
    var isWhitespaceOrNewline: Bool { self == ASCII.space || self == ASCII.tab || self == ASCII.cr || self == ASCII.lf }

    @inline(__always)
    public var asciiLowercased: UInt8 { (self >= 0x41 && self <= 0x5A) ? self | 0x20 : self }

    @inline(__always)
    var isASCIIDigit: Bool { self >= 0x30 && self <= 0x39 }

    @inline(__always)
    var isASCIILetter: Bool { (self | 0x20) >= 0x61 && (self | 0x20) <= 0x7A }
}

extension String {
    /// Case-insensitive comparison for ASCII protocol tokens (header names, MIME types).
    func equalsIgnoringASCIICase(_ other: String) -> Bool {
        let a = self.utf8, b = other.utf8
        guard a.count == b.count else { return false }
        return zip(a, b).allSatisfy { $0.asciiLowercased == $1.asciiLowercased }
    }

    /// ASCII-only lowercasing (cheaper and locale-free, for protocol tokens); the string itself,
    /// not a copy, when it has no capital. For all-ASCII text it is `lowercased()`.
    public var asciiLowercased: String {
        if !self.utf8.contains(where: { $0 >= 0x41 && $0 <= 0x5A }) { return self }
        return String(decoding: self.utf8.map { $0.asciiLowercased }, as: UTF8.self)
    }

    /// `lowercased()`, but the string itself (no copy, no Unicode case tables) when it is ASCII
    /// without a capital: the usual address or domain on every SMTP command.
    public var lowercasedIfNeeded: String {
        utf8.allSatisfy { $0 < 0x80 } ? asciiLowercased : lowercased()
    }

    /// The string without leading and trailing space, tab, CR and LF.
    var trimmingMailWhitespace: String {
        let bytes = self.utf8
        guard let first = bytes.firstIndex(where: { !$0.isWhitespaceOrNewline }) else { return "" }
        let last = bytes.lastIndex(where: { !$0.isWhitespaceOrNewline })!
        return String(self[first...last])
    }
}

extension Collection<UInt8> {
    /// Whether the collection starts with `prefix`, comparing ASCII case-insensitively.
    func hasASCIIPrefixIgnoringCase(_ prefix: some Collection<UInt8>) -> Bool {
        guard self.count >= prefix.count else { return false }
        return zip(self, prefix).allSatisfy { $0.asciiLowercased == $1.asciiLowercased }
    }
}

/// Scanning helpers over a byte array.
enum ByteScan {
    /// The end of the line starting at `start` (index of its LF, or `end` if none), the end of
    /// its content (CR before LF removed) and the start of the next line.
    @inline(__always)
    static func line(in bytes: [UInt8], from start: Int, end: Int) -> (contentEnd: Int, next: Int) {
        guard start < end else { return (end, end) }
        let lf: Int? = bytes.withUnsafeBufferPointer { buffer in
            guard let base = buffer.baseAddress, let hit = memchr(base + start, Int32(ASCII.lf), end - start) else { return nil }
            return base.distance(to: hit.assumingMemoryBound(to: UInt8.self))
        }
        if let i = lf {
            let contentEnd = (i > start && bytes[i &- 1] == ASCII.cr) ? i &- 1 : i
            return (contentEnd, i &+ 1)
        }
        return (end, end)
    }

    /// The IMAP line count of a body: LF bytes, plus one for a last line without a line end.
    static func countLines(in bytes: [UInt8], _ range: Range<Int>) -> Int {
        var count = 0
        bytes.withUnsafeBufferPointer { buffer in
            guard let base = buffer.baseAddress, !range.isEmpty else { return }
            var p = base + range.lowerBound
            let end = base + range.upperBound
            while p < end, let hit = memchr(p, Int32(ASCII.lf), p.distance(to: end)) {
                count &+= 1
                p = UnsafePointer(hit.assumingMemoryBound(to: UInt8.self)) + 1
            }
        }
        if let last = range.last, bytes[last] != ASCII.lf { count &+= 1 }
        return count
    }
}
