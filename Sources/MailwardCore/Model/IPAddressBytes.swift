import Foundation

/// An IPv4 or IPv6 address as its bytes, for SPF's address and prefix comparisons (RFC 7208
/// §5.6) and its `%{i}` macro, and for the web door's trusted proxies (``IPNetwork``). An
/// IPv4-mapped IPv6 address (`::ffff:192.0.2.1`) is the IPv4 address it carries, as RFC 7208 §5
/// asks.
public struct IPAddressBytes: Sendable, Hashable, CustomStringConvertible {
    /// 4 bytes (IPv4) or 16 (IPv6).
    public let bytes: [UInt8]

    /// Parses an IPv4 or IPv6 address; brackets (`[2001:db8::1]`) and a zone (`%eth0`) are allowed.
    public init?(_ text: String) {
        var text = text
        if text.hasPrefix("["), text.hasSuffix("]") { text = String(text.dropFirst().dropLast()) }
        if let percent = text.firstIndex(of: "%") { text = String(text[..<percent]) }
        var v4 = in_addr()
        if inet_pton(AF_INET, text, &v4) == 1 {
            bytes = withUnsafeBytes(of: &v4) { Array($0) }
            return
        }
        var v6 = in6_addr()
        guard inet_pton(AF_INET6, text, &v6) == 1 else { return nil }
        let all = withUnsafeBytes(of: &v6) { Array($0) }
        bytes = all[0..<10].allSatisfy { $0 == 0 } && all[10] == 0xFF && all[11] == 0xFF ? Array(all[12...]) : all
    }

    public var isV4: Bool { bytes.count == 4 }

    /// Whether `other` is in this address's network of `prefix` bits (same family only).
    public func contains(_ other: IPAddressBytes, prefix: Int) -> Bool {
        guard bytes.count == other.bytes.count, prefix >= 0, prefix <= bytes.count * 8 else { return false }
        var bits = prefix
        for (mine, theirs) in zip(bytes, other.bytes) {
            if bits <= 0 { return true }
            let mask: UInt8 = bits >= 8 ? 0xFF : ~(0xFF >> UInt8(bits))
            if mine & mask != theirs & mask { return false }
            bits -= 8
        }
        return true
    }

    /// Dotted quad, or for IPv6 the 32 nibbles separated by dots (RFC 7208 §7.3, `%{i}`).
    public var macroText: String {
        isV4 ? bytes.map(String.init).joined(separator: ".") : nibbles.joined(separator: ".")
    }

    /// The name its PTR record lives at: `4.3.2.1.in-addr.arpa` or the reversed nibbles `.ip6.arpa`.
    public var reverseName: String {
        isV4 ? bytes.reversed().map(String.init).joined(separator: ".") + ".in-addr.arpa"
            : nibbles.reversed().joined(separator: ".") + ".ip6.arpa"
    }

    private var nibbles: [String] {
        bytes.flatMap { [String($0 >> 4, radix: 16), String($0 & 0x0F, radix: 16)] }
    }

    public var description: String {
        if isV4 { return macroText }
        return stride(from: 0, to: 16, by: 2).map { String(UInt16(bytes[$0]) << 8 | UInt16(bytes[$0 + 1]), radix: 16) }
            .joined(separator: ":")
    }
}
