import Foundation

/// An IP network in CIDR notation (`10.0.0.0/8`, `2001:db8::/32`), or one address (`127.0.0.1`,
/// the whole-length prefix). Pure.
public struct IPNetwork: Sendable, Hashable, CustomStringConvertible {
    public let address: IPAddressBytes
    public let prefix: Int

    public init?(_ text: String) {
        let parts = text.trimmingCharacters(in: .whitespaces).split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count <= 2, let address = IPAddressBytes(String(parts[0])) else { return nil }
        let width = address.bytes.count * 8
        // An IPv4-mapped network (`::ffff:10.0.0.0/104`) is written with an IPv6 prefix; its
        // address is kept as the IPv4 one it carries, so the prefix loses the 96 bits before it.
        let written = address.isV4 && parts[0].contains(":") ? 96 : 0
        if parts.count == 2 {
            guard parts[1].allSatisfy(\.isASCII), let prefix = Int(parts[1]),
                  (written...(written + width)).contains(prefix) else { return nil }
            self.prefix = prefix - written
        } else {
            self.prefix = width
        }
        self.address = address
    }

    public func contains(_ other: IPAddressBytes) -> Bool {
        address.contains(other, prefix: prefix)
    }

    public var description: String { "\(address.presentation)/\(prefix)" }

    /// Loopback: where a proxy on the same machine connects from.
    public static let loopback: [IPNetwork] = [IPNetwork("127.0.0.0/8")!, IPNetwork("::1")!]
}

extension [IPNetwork] {
    /// Whether one of the networks holds `address`.
    public func contains(_ address: IPAddressBytes) -> Bool {
        contains { $0.contains(address) }
    }

    /// Whether `address` (text, as a socket's peer is written) is an address one of the networks
    /// holds; false for anything that is not an address.
    public func contains(address: String) -> Bool {
        IPAddressBytes(address).map(contains) ?? false
    }
}

extension IPAddressBytes {
    /// The usual text form (`192.0.2.1`, `2001:db8::1`), as `inet_ntop` writes it — the form a
    /// socket's peer address has, so both name one client alike.
    public var presentation: String {
        var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        let family = isV4 ? AF_INET : AF_INET6
        let written = bytes.withUnsafeBytes { raw in
            inet_ntop(family, raw.baseAddress, &buffer, socklen_t(buffer.count))
        }
        guard written != nil else { return description }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
