import Hummingbird

/// The search words of a query string, decoded as an HTML form sends them
/// (`application/x-www-form-urlencoded`: `+` is a space) with Hummingbird's own form decoder.
/// `queryParameters` decode `%XX` only (RFC 3986, where `+` is a plus sign), so a search for
/// `会议 通知` typed into the webmail's GET form arrived as `会议+通知` and found nothing.
enum FormQuery {
    private struct Search: Decodable {
        var q: String?
    }

    /// `q` of a raw query string (`request.uri.query`); nil when absent or not decodable.
    static func searchText(_ query: String?) -> String? {
        (try? URLEncodedFormDecoder().decode(Search.self, from: query ?? ""))?.q
    }
}
