import NIOCore

/// The PROXY protocol header (HAProxy's proxy-protocol.txt, versions 1 and 2) a TCP load balancer
/// sends first on each connection it passes on, naming the client it came from. Pure.
///
/// Version 1 is one text line, `PROXY TCP4 192.0.2.7 198.51.100.1 51234 993\r\n` (at most 107
/// bytes); version 2 a 16-byte binary header and the addresses. `UNKNOWN` (v1) and `LOCAL` (v2, a
/// balancer's own health check) name no client: the connection's own peer stands.
public enum ProxyHeader {
    /// What the header said.
    public enum Parsed: Equatable, Sendable {
        /// The client's address (IPv4 or IPv6, as text) — the balancer's own is the peer.
        case client(ip: String)
        /// A header that names no client (`UNKNOWN`, `LOCAL`, an unspecified family).
        case noClient
    }

    /// What ``parse(_:)`` found in the bytes read so far.
    public enum Outcome: Equatable, Sendable {
        /// Not all of the header yet.
        case needMore
        /// The header, and how many bytes it took (what follows is the client's protocol).
        case header(Parsed, length: Int)
        /// Not a PROXY header, or a malformed one: the connection is closed.
        case invalid(String)
    }

    static let v2Signature: [UInt8] = [0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A]
    static let v1MaxLength = 107
    /// Version 2's address block may carry extensions (TLVs); more than this is refused.
    static let v2MaxLength = 16 + 1024

    /// The most bytes a header may take before it is refused.
    public static let maxLength = v2MaxLength

    public static func parse(_ buffer: ByteBuffer) -> Outcome {
        let bytes = buffer.readableBytesView
        guard let first = bytes.first else { return .needMore }
        if first == v2Signature[0] {
            return parseV2(Array(bytes.prefix(v2MaxLength)))
        }
        let prefix = Array("PROXY ".utf8)
        for (index, byte) in bytes.prefix(prefix.count).enumerated() where byte != prefix[index] {
            return .invalid("not a PROXY protocol header")
        }
        guard let lineFeed = bytes.prefix(v1MaxLength).firstIndex(of: UInt8(ascii: "\n")) else {
            return bytes.count >= v1MaxLength ? .invalid("PROXY line too long") : .needMore
        }
        let length = lineFeed - bytes.startIndex + 1
        let line = Array(bytes[bytes.startIndex..<lineFeed])
        guard line.last == UInt8(ascii: "\r") else { return .invalid("PROXY line without CRLF") }
        return parseV1(String(decoding: line.dropLast(), as: UTF8.self), length: length)
    }

    private static func parseV1(_ line: String, length: Int) -> Outcome {
        let fields = line.split(separator: " ", omittingEmptySubsequences: false).map(String.init)
        guard fields.count >= 2, fields[0] == "PROXY" else { return .invalid("malformed PROXY line") }
        switch fields[1] {
        case "UNKNOWN":
            return .header(.noClient, length: length)
        case "TCP4", "TCP6":
            guard fields.count == 6, let source = canonicalAddress(fields[2], v6: fields[1] == "TCP6"),
                  canonicalAddress(fields[3], v6: fields[1] == "TCP6") != nil, isPort(fields[4]), isPort(fields[5]) else {
                return .invalid("malformed PROXY line")
            }
            return .header(.client(ip: source), length: length)
        default:
            return .invalid("unknown PROXY protocol family \(fields[1].prefix(16))")
        }
    }

    private static func parseV2(_ bytes: [UInt8]) -> Outcome {
        let known = min(bytes.count, v2Signature.count)
        guard Array(bytes.prefix(known)) == Array(v2Signature.prefix(known)) else { return .invalid("not a PROXY protocol header") }
        guard bytes.count >= 16 else { return .needMore }
        let versionAndCommand = bytes[12], family = bytes[13]
        let addressLength = Int(bytes[14]) << 8 | Int(bytes[15])
        guard versionAndCommand >> 4 == 2 else { return .invalid("PROXY protocol version \(versionAndCommand >> 4)") }
        guard 16 + addressLength <= v2MaxLength else { return .invalid("PROXY header too long") }
        guard bytes.count >= 16 + addressLength else { return .needMore }
        let length = 16 + addressLength
        let addresses = Array(bytes[16..<length])
        switch versionAndCommand & 0x0F {
        case 0x0:
            return .header(.noClient, length: length)  // LOCAL: the balancer itself
        case 0x1:
            break
        default:
            return .invalid("unknown PROXY protocol command")
        }
        switch family {
        case 0x11, 0x12:  // TCP or UDP over IPv4
            guard addresses.count >= 12 else { return .invalid("PROXY header too short for IPv4") }
            return .header(.client(ip: addresses[0..<4].map(String.init).joined(separator: ".")), length: length)
        case 0x21, 0x22:  // TCP or UDP over IPv6
            guard addresses.count >= 36 else { return .invalid("PROXY header too short for IPv6") }
            let text = stride(from: 0, to: 16, by: 2).map { String(UInt16(addresses[$0]) << 8 | UInt16(addresses[$0 + 1]), radix: 16) }
                .joined(separator: ":")
            guard let canonical = canonicalAddress(text, v6: true) else { return .invalid("bad IPv6 address") }
            return .header(.client(ip: canonical), length: length)
        default:
            return .header(.noClient, length: length)  // UNSPEC, unix sockets
        }
    }

    /// The address in the usual text form, if it is one of the family.
    static func canonicalAddress(_ text: String, v6: Bool) -> String? {
        guard let address = try? SocketAddress(ipAddress: text, port: 0) else { return nil }
        switch address {
        case .v4 where !v6, .v6 where v6: return address.ipAddress
        default: return nil
        }
    }

    private static func isPort(_ text: String) -> Bool {
        guard !text.isEmpty, text.count <= 5, text.allSatisfy(\.isASCII), let port = Int(text) else { return false }
        return (0...65_535).contains(port) && (text == "0" || !text.hasPrefix("0"))
    }
}
