import Foundation

/// Query values as an HTML form sends them (`application/x-www-form-urlencoded`): `+` is a space.
/// Hummingbird's `queryParameters` decode `%XX` only (RFC 3986, where `+` is a plus sign), so a
/// search for `会议 通知` typed into the webmail's GET form arrived as `会议+通知` and found nothing.
/// For free text typed by people (search words); identifiers keep `queryParameters`.
enum FormQuery {
    /// The value of `name` in a raw query string (`request.uri.query`).
    static func text(_ query: String?, _ name: String) -> String? {
        guard let query else { return nil }
        for pair in query.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard decode(parts[0]) == name else { continue }
            return parts.count > 1 ? decode(parts[1]) : ""
        }
        return nil
    }

    private static func decode(_ text: Substring) -> String {
        let spaced = text.replacingOccurrences(of: "+", with: " ")
        return spaced.removingPercentEncoding ?? spaced
    }
}
