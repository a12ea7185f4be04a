import Foundation

/// `Content-Disposition: attachment` naming a file (RFC 6266): `filename` with a plain-ASCII
/// stand-in for old browsers, `filename*` with the real name in UTF-8.
enum ContentDisposition {
    static func attachment(_ name: String) -> String {
        let ascii = String(name.unicodeScalars.map { $0.isASCII && $0.value >= 0x20 && $0 != "\"" && $0 != "\\" ? Character($0) : "_" })
        let encoded = name.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(.init(charactersIn: ".-_"))) ?? ascii
        return "attachment; filename=\"\(ascii)\"; filename*=UTF-8''\(encoded)"
    }
}
