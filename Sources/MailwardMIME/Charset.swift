#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Decoding of text in the character sets found in mail, into Swift strings.
///
/// UTF-8, US-ASCII and ISO-8859-1 are decoded in Swift; everything else goes through the C
/// library's `iconv` (Foundation on Linux cannot decode GBK, EUC-JP and friends). Labels are
/// mapped to the *superset* a mail client actually means: GB2312 and GBK are decoded as GB18030,
/// Big5 as Big5-HKSCS, EUC-KR as CP949, Shift_JIS as CP932. Invalid bytes become U+FFFD; this
/// never fails and never traps.
public enum Charset {
    /// Decodes `bytes` labelled with the MIME charset name `charset` (any case, aliases accepted).
    /// An unknown label is decoded as UTF-8 when the bytes are valid UTF-8 and as GB18030 otherwise.
    public static func decode(_ bytes: [UInt8], charset: String) -> String {
        decode(bytes[...], charset: charset)
    }

    /// Slice variant of ``decode(_:charset:)``.
    public static func decode(_ bytes: ArraySlice<UInt8>, charset: String) -> String {
        switch canonicalName(charset) {
        case .utf8:
            return String(decoding: bytes, as: UTF8.self)
        case .ascii, .unknown:
            return decodeGuessing(bytes)
        case .latin1:
            return decodeLatin1(bytes)
        case .iconv(let name):
            return iconvDecode(bytes, from: name) ?? decodeGuessing(bytes)
        case .hz:
            return HZ.unwrap(bytes).flatMap { iconvDecode($0[...], from: "GB18030") } ?? decodeGuessing(bytes)
        }
    }

    /// Whether `charset` names a character set this type can decode (after alias mapping).
    public static func isSupported(_ charset: String) -> Bool {
        switch canonicalName(charset) {
        case .utf8, .ascii, .latin1: return true
        case .unknown: return false
        case .iconv(let name): return iconvAvailable(name)
        case .hz: return iconvAvailable("GB18030")
        }
    }

    /// UTF-8 when valid, otherwise GB18030 (the policy for unlabelled 8-bit text: mail in this
    /// deployment is mostly Chinese, and GB18030 accepts every GBK/GB2312 byte sequence) —
    /// unless the bytes look like a Western single-byte text (``looksSingleByte(_:)``), which
    /// is read as Windows-1252: GB18030 would pair `J\xFCrgen`'s ü with the `r` after it into
    /// one Chinese character and lose the letter.
    static func decodeGuessing(_ bytes: ArraySlice<UInt8>) -> String {
        if let s = String(validating: bytes, as: UTF8.self) { return s }
        if looksSingleByte(bytes) {
            return iconvDecode(bytes, from: "WINDOWS-1252", strict: true) ?? decodeLatin1(bytes)
        }
        return iconvDecode(bytes, from: "GB18030") ?? String(decoding: bytes, as: UTF8.self)
    }

    /// Whether 8-bit bytes stand alone between ASCII more often than in pairs. Chinese in GBK
    /// comes in two-byte characters whose second byte is nearly always 8-bit too (a rare
    /// character of the GBK extension, 镕 `E9 46`, has an ASCII second byte, but sits among
    /// common ones); accented letters of Latin text mostly stand alone (`Fr\xF6sche`).
    static func looksSingleByte(_ bytes: ArraySlice<UInt8>) -> Bool {
        var alone = 0, paired = 0
        var i = bytes.startIndex
        while i < bytes.endIndex {
            guard bytes[i] >= 0x80 else { i += 1; continue }
            if i + 1 < bytes.endIndex, bytes[i + 1] >= 0x80 {
                paired += 1
                i += 2
            } else {
                alone += 1
                i += 1
            }
        }
        return alone > paired
    }

    /// Raw 8-bit header bytes (outside encoded words): UTF-8 when valid (RFC 6532); otherwise the
    /// charset the message declares, when it is known and decodes every byte; otherwise GB18030
    /// (``decodeGuessing(_:)``). A charset that needs a replacement character is not taken: a
    /// Chinese subject in a message mislabelled as ISO-2022-JP, say, still reads as Chinese.
    static func decodeHeaderBytes(_ bytes: ArraySlice<UInt8>, declaredCharset: String?) -> String {
        if let s = String(validating: bytes, as: UTF8.self) { return s }
        if let declaredCharset, let s = decodeStrictly(bytes, charset: declaredCharset) { return s }
        return decodeGuessing(bytes)
    }

    /// `bytes` in `charset`, or nil when the label is unknown or some bytes are invalid in it.
    static func decodeStrictly(_ bytes: ArraySlice<UInt8>, charset: String) -> String? {
        switch canonicalName(charset) {
        case .utf8: return String(validating: bytes, as: UTF8.self)
        case .ascii: return bytes.allSatisfy { $0 < 0x80 } ? String(decoding: bytes, as: UTF8.self) : nil
        case .latin1: return decodeLatin1(bytes)
        case .unknown: return nil
        case .iconv(let name): return iconvDecode(bytes, from: name, strict: true)
        case .hz: return HZ.unwrap(bytes).flatMap { iconvDecode($0[...], from: "GB18030", strict: true) }
        }
    }

    static func decodeLatin1(_ bytes: ArraySlice<UInt8>) -> String {
        if !bytes.contains(where: { $0 >= 0x80 }) { return String(decoding: bytes, as: UTF8.self) }
        var utf8: [UInt8] = []
        utf8.reserveCapacity(bytes.count + bytes.count / 4)
        for b in bytes {
            if b < 0x80 {
                utf8.append(b)
            } else {
                utf8.append(0xC0 | (b >> 6))
                utf8.append(0x80 | (b & 0x3F))
            }
        }
        return String(decoding: utf8, as: UTF8.self)
    }

    // MARK: - Label mapping

    enum Canonical: Equatable {
        case utf8, ascii, latin1, unknown
        /// RFC 1843 (``HZ``).
        case hz
        case iconv(String)
    }

    /// Maps a MIME charset label to how it is decoded.
    static func canonicalName(_ label: String) -> Canonical {
        var name = label.trimmingMailWhitespace.asciiLowercased
        if name.hasPrefix("\"") || name.hasSuffix("\"") {
            name = String(name.filter { $0 != "\"" })
        }
        if let star = name.firstIndex(of: "*") { name = String(name[..<star]) }  // RFC 2231 language
        if let fixed = aliases[name] { return fixed }
        if name.isEmpty { return .unknown }
        if name.hasPrefix("iso") || name.hasPrefix("latin") || name.hasPrefix("l") {
            if let iso = isoName(name) { return iso }
        }
        if let windows = windowsName(name) { return .iconv(windows) }
        // Anything else: let iconv try the label as written (only plain label characters reach it).
        guard name.utf8.count < 40,
              name.utf8.allSatisfy({ $0.isASCIILetter || $0.isASCIIDigit || $0 == ASCII.dash || $0 == ASCII.underscore || $0 == ASCII.dot || $0 == ASCII.colon })
        else { return .unknown }
        return iconvAvailable(name.uppercased()) ? .iconv(name.uppercased()) : .unknown
    }

    /// `iso-8859-2`, `iso8859-2`, `iso_8859-2:1987`, `latin2`, `l2` → `ISO-8859-2`.
    private static func isoName(_ name: String) -> Canonical? {
        let digits: Substring
        if name.hasPrefix("iso") {
            let rest = name.drop(while: { !$0.isNumber })
            guard rest.hasPrefix("8859") else { return nil }
            var part = rest.dropFirst(4).drop(while: { $0 == "-" || $0 == "_" })
            if let colon = part.firstIndex(of: ":") { part = part[..<colon] }
            if part.hasSuffix("-i") || part.hasSuffix("-e") { part = part.dropLast(2) }
            digits = part
        } else {
            guard let number = latinNumbers[name] else { return nil }
            digits = Substring(String(number))
        }
        guard let n = Int(digits), (1...16).contains(n), n != 12 else { return nil }
        return n == 1 ? .latin1 : .iconv("ISO-8859-\(n)")
    }

    private static let latinNumbers: [String: Int] = [
        "latin1": 1, "l1": 1, "latin2": 2, "l2": 2, "latin3": 3, "l3": 3, "latin4": 4, "l4": 4,
        "latin5": 9, "l5": 9, "latin6": 10, "l6": 10, "latin7": 13, "l7": 13, "latin8": 14, "l8": 14,
        "latin9": 15, "l9": 15, "latin10": 16, "l10": 16,
    ]

    /// `windows-1251`, `cp1251`, `x-cp1251`, `win-1251`, `ms-1251` → `CP1251`.
    private static func windowsName(_ name: String) -> String? {
        for prefix in ["windows-", "windows", "x-cp", "cp", "win-", "win", "ms-"] where name.hasPrefix(prefix) {
            let rest = name.dropFirst(prefix.count)
            if let n = Int(rest), (1250...1258).contains(n) { return "CP\(n)" }
        }
        return nil
    }

    private static let aliases: [String: Canonical] = {
        var table: [String: Canonical] = [:]
        func add(_ names: [String], _ value: Canonical) { for n in names { table[n] = value } }
        add(["utf-8", "utf8", "unicode-1-1-utf-8", "x-unicode20utf8", "unicode-2-0-utf-8"], .utf8)
        add(["us-ascii", "ascii", "ansi_x3.4-1968", "ansi_x3.4-1986", "iso646-us", "iso-ir-6", "us", "646", "cp367", "ibm367", "csascii"], .ascii)
        add(["iso-8859-1", "iso8859-1", "iso_8859-1", "iso-ir-100", "cp819", "ibm819", "csisolatin1"], .latin1)
        add(["unknown", "unknown-8bit", "x-unknown", "default", "charset", "x-user-defined", "none"], .unknown)
        // Chinese (simplified): all decoded with GB18030, a superset of GB2312 and GBK.
        add(["gb2312", "gb_2312-80", "gb_2312", "gb-2312", "csgb2312", "euc-cn", "x-euc-cn", "euccn", "x-gbk", "gbk", "cp936",
             "ms936", "windows-936", "x-cp936", "gb18030", "gb-18030", "chinese", "iso-ir-58", "csiso58gb231280", "x-gb2312", "gb"],
            .iconv("GB18030"))
        add(["hz-gb-2312", "hz", "cshz"], .hz)
        // Chinese (traditional).
        add(["big5", "big-5", "big_5", "cn-big5", "x-x-big5", "csbig5", "x-big5", "big5-hkscs", "big5hkscs", "cp950", "ms950",
             "windows-950", "x-windows-950"], .iconv("BIG5-HKSCS"))
        add(["euc-tw", "x-euc-tw", "cns11643"], .iconv("EUC-TW"))
        // Japanese.
        add(["shift_jis", "shift-jis", "shiftjis", "sjis", "x-sjis", "ms_kanji", "csshiftjis", "windows-31j", "cp932", "ms932",
             "x-ms-cp932", "csWindows31J".lowercased()], .iconv("CP932"))
        add(["euc-jp", "x-euc-jp", "eucjp", "cseucpkdfmtjapanese", "x-euc"], .iconv("EUC-JP"))
        add(["iso-2022-jp", "csiso2022jp", "iso-2022-jp-1", "iso-2022-jp-2", "csiso2022jp2", "jis"], .iconv("ISO-2022-JP-2"))
        add(["iso-2022-jp-3"], .iconv("ISO-2022-JP-3"))
        // Korean.
        add(["euc-kr", "x-euc-kr", "euckr", "ks_c_5601-1987", "ks_c_5601-1989", "ks_c_5601", "ksc5601", "ksc_5601", "korean",
             "cp949", "ms949", "windows-949", "x-windows-949", "uhc", "csksc56011987", "iso-ir-149", "csEUCKR".lowercased()],
            .iconv("CP949"))
        add(["iso-2022-kr", "csiso2022kr"], .iconv("ISO-2022-KR"))
        // Cyrillic, Thai, others.
        add(["koi8-r", "koi8r", "cskoi8r", "koi"], .iconv("KOI8-R"))
        add(["koi8-u", "koi8u"], .iconv("KOI8-U"))
        add(["tis-620", "tis620", "windows-874", "cp874", "x-cp874", "iso-8859-11", "iso8859-11"], .iconv("CP874"))
        add(["macintosh", "mac", "x-mac-roman", "csmacintosh"], .iconv("MACINTOSH"))
        add(["ibm866", "cp866", "866"], .iconv("CP866"))
        add(["utf-16", "utf16", "unicode", "ucs-2", "iso-10646-ucs-2"], .iconv("UTF-16"))
        add(["utf-16le", "utf16le"], .iconv("UTF-16LE"))
        add(["utf-16be", "utf16be"], .iconv("UTF-16BE"))
        add(["utf-32", "utf32"], .iconv("UTF-32"))
        add(["utf-32le"], .iconv("UTF-32LE"))
        add(["utf-32be"], .iconv("UTF-32BE"))
        add(["utf-7", "utf7", "unicode-1-1-utf-7", "csunicode11utf7"], .iconv("UTF-7"))
        add(["viscii", "csviscii"], .iconv("VISCII"))
        return table
    }()

    // MARK: - iconv

    private static func openDescriptor(_ name: String) -> iconv_t? {
        let cd = iconv_open("UTF-8", name)
        if cd == nil || cd == iconv_t(bitPattern: -1) { return nil }
        return cd
    }

    static func iconvAvailable(_ name: String) -> Bool {
        guard let cd = openDescriptor(name) else { return false }
        iconv_close(cd)
        return true
    }

    /// Converts with iconv, replacing each undecodable byte by U+FFFD. Nil if iconv has no such
    /// charset — or, when `strict`, at the first invalid or incomplete sequence.
    static func iconvDecode(_ bytes: ArraySlice<UInt8>, from name: String, strict: Bool = false) -> String? {
        guard let cd = openDescriptor(name) else { return nil }
        defer { iconv_close(cd) }
        if bytes.isEmpty { return "" }
        var input = Array(bytes)
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count * 2)
        let replacement: [UInt8] = [0xEF, 0xBF, 0xBD]
        let chunkSize = 8192
        var invalid = false
        let decoded = input.withUnsafeMutableBufferPointer { inBuffer -> String in
            var inPointer: UnsafeMutablePointer<CChar>? = UnsafeMutableRawPointer(inBuffer.baseAddress!)
                .assumingMemoryBound(to: CChar.self)
            var inLeft = inBuffer.count
            var chunk = [UInt8](repeating: 0, count: chunkSize)
            chunk.withUnsafeMutableBufferPointer { outBuffer in
                let outBase = UnsafeMutableRawPointer(outBuffer.baseAddress!).assumingMemoryBound(to: CChar.self)
                var finished = false
                var guardCounter = 0
                while !finished {
                    guardCounter += 1
                    if guardCounter > inBuffer.count * 4 + 16 { break }  // cannot happen; belt and braces
                    var outPointer: UnsafeMutablePointer<CChar>? = outBase
                    var outLeft = chunkSize
                    let result: Int
                    if inLeft > 0 {
                        result = iconv(cd, &inPointer, &inLeft, &outPointer, &outLeft)
                    } else {
                        result = iconv(cd, nil, nil, &outPointer, &outLeft)  // flush shift state
                        finished = true
                    }
                    let produced = chunkSize - outLeft
                    if produced > 0 { output.append(contentsOf: UnsafeBufferPointer(start: outBuffer.baseAddress, count: produced)) }
                    if result == -1 {
                        let error = errno
                        if error == E2BIG {
                            finished = false
                            continue
                        } else if strict, inLeft > 0 {
                            invalid = true
                            break
                        } else if error == EILSEQ, inLeft > 0 {
                            output.append(contentsOf: replacement)
                            inPointer = inPointer.map { $0 + 1 }
                            inLeft -= 1
                            finished = false
                        } else if inLeft > 0 {  // EINVAL: incomplete sequence at the end
                            output.append(contentsOf: replacement)
                            inLeft = 0
                            finished = false
                        }
                    }
                }
            }
            return String(decoding: output, as: UTF8.self)
        }
        return invalid ? nil : decoded
    }
}
