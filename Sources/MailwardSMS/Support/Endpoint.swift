import Foundation

/// The pieces of a gateway base URL that signing needs: the `Host` header value (with a
/// non-default port, as HTTP clients send it) and the path. Lets tests point a sender at
/// `http://127.0.0.1:<port>` and still sign exactly what goes over the wire.
struct Endpoint: Sendable, Equatable {
    var scheme: String
    var hostHeader: String
    var path: String

    init?(_ url: URL) {
        guard let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https",
            let host = url.host, !host.isEmpty
        else { return nil }
        self.scheme = scheme
        let defaultPort = scheme == "https" ? 443 : 80
        let hostPart = host.contains(":") ? "[\(host)]" : host
        if let port = url.port, port != defaultPort {
            self.hostHeader = "\(hostPart):\(port)"
        } else {
            self.hostHeader = hostPart
        }
        self.path = url.path.isEmpty ? "/" : url.path
    }

    /// `scheme://host[:port]` + `path` (+ `?query`), with `path` appended to the base path.
    func url(appendingPath extra: String = "", query: String = "") -> String {
        var path = self.path
        if !extra.isEmpty {
            path = (path.hasSuffix("/") ? String(path.dropLast()) : path) + extra
        }
        return "\(scheme)://\(hostHeader)\(path)" + (query.isEmpty ? "" : "?\(query)")
    }
}
