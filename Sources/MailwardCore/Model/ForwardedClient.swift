/// Who a web request really comes from when it reached the server through proxies
/// (`X-Forwarded-For`, as nginx's `$proxy_add_x_forwarded_for`, HAProxy, Apache and Caddy write
/// it). Pure.
///
/// Behind a proxy every connection's peer is the proxy, so without this every user would share
/// one address: the per-IP limits (failed sign-ins, SMS codes) would lock the whole institution
/// out together, and audit logs and device lists would show the proxy. Only what trusted
/// proxies wrote is believed: starting from the connection's peer, as long as the address at
/// hand is a trusted proxy, the entry it appended (the rightmost one left) names the next hop;
/// the first address that is not a trusted proxy is the client (nginx's `real_ip_recursive`). A
/// client's own `X-Forwarded-For` entries lie left of what its proxy appended and are never
/// reached, unless the proxy is not trusted at all, in which case the header is ignored.
public enum ForwardedClient {
    /// - Parameters:
    ///   - peer: the connection's peer address.
    ///   - forwardedFor: the `X-Forwarded-For` field values in the order they arrived (several
    ///     fields are one list, RFC 9110 §5.3).
    ///   - trustedProxies: where proxies connect from.
    /// - Returns: the client's address, in the usual text form; nil when no trusted proxy
    ///   forwarded the request (the peer is the client).
    public static func address(peer: String, forwardedFor: [String], trustedProxies: [IPNetwork]) -> String? {
        guard !trustedProxies.isEmpty, !forwardedFor.isEmpty, var current = IPAddressBytes(peer) else { return nil }
        var hops = forwardedFor.flatMap { $0.split(separator: ",") }.map { $0.trimmingCharacters(in: .whitespaces) }
        var forwarded = false
        while trustedProxies.contains(current), let entry = hops.popLast() {
            // An entry that is not an address (`unknown`, a made-up name): the proxy that wrote it
            // is the last hop known.
            guard let next = IPAddressBytes(Self.withoutPort(entry)) else { break }
            current = next
            forwarded = true
        }
        return forwarded ? current.presentation : nil
    }

    /// `192.0.2.1:4711` or `[2001:db8::1]:4711` (some proxies add the port) without it.
    static func withoutPort(_ entry: String) -> String {
        if entry.hasPrefix("["), let close = entry.firstIndex(of: "]") {
            return String(entry[entry.index(after: entry.startIndex)..<close])
        }
        let colons = entry.filter { $0 == ":" }.count
        if colons == 1, let colon = entry.firstIndex(of: ":") { return String(entry[..<colon]) }
        return entry
    }
}
