/// The host a request names (`Host:`, HTTP/2's `:authority`), lower case, without its port; nil for
/// a bracketed IPv6 literal or nothing. Shared by the client-setup documents (which mail domain is
/// asked for) and WebAuthn (which RP ID the browser is on).
enum RequestHost {
    static func name(of authority: String?) -> String? {
        guard var host = authority?.lowercased(), !host.isEmpty, !host.hasPrefix("["), host.utf8.count <= 260 else { return nil }
        if let colon = host.lastIndex(of: ":") { host = String(host[..<colon]) }
        return host.isEmpty ? nil : host
    }
}
