@testable import MailwardNet
import NIOCore
import Testing

/// HAProxy's PROXY protocol, versions 1 and 2 (proxy-protocol.txt).
@Suite struct ProxyHeaderTests {
    func parse(_ bytes: [UInt8]) -> ProxyHeader.Outcome { ProxyHeader.parse(ByteBuffer(bytes: bytes)) }
    func parse(_ text: String) -> ProxyHeader.Outcome { parse(Array(text.utf8)) }

    @Test func versionOne() {
        let line = "PROXY TCP4 203.0.113.7 192.0.2.1 51234 993\r\n"
        #expect(parse(line + "a001 LOGIN") == .header(.client(ip: "203.0.113.7"), length: line.utf8.count))
        #expect(parse("PROXY TCP6 2001:DB8::7 2001:db8::1 51234 25\r\n") == .header(.client(ip: "2001:db8::7"), length: 45))
        #expect(parse("PROXY UNKNOWN\r\n") == .header(.noClient, length: 15))
        #expect(parse("PROXY UNKNOWN ffff:f...f:ffff ffff:f...f:ffff 65535 65535\r\n") == .header(.noClient, length: 59))
        // Not yet all there.
        #expect(parse("PRO") == .needMore)
        #expect(parse("PROXY TCP4 203.0.113.7 19") == .needMore)
    }

    @Test(arguments: [
        "EHLO client.example\r\n",
        "PROXY TCP4 203.0.113.7 192.0.2.1 51234\r\n",
        "PROXY TCP4 2001:db8::7 192.0.2.1 51234 993\r\n",
        "PROXY TCP6 203.0.113.7 192.0.2.1 51234 993\r\n",
        "PROXY TCP4 203.0.113.7 192.0.2.1 70000 993\r\n",
        "PROXY TCP4 203.0.113.7 192.0.2.1 01234 993\r\n",
        "PROXY TCP4 203.0.113.7 192.0.2.1 51234 993\n",
        "PROXY TCP4  203.0.113.7 192.0.2.1 51234 993\r\n",
        "PROXY UDP4 203.0.113.7 192.0.2.1 51234 993\r\n",
        "PROXY TCP4 203.0.113.7 192.0.2.1 51234 993 " + String(repeating: "x", count: 80) + "\r\n",
    ])
    func versionOneRefusals(_ text: String) {
        guard case .invalid = parse(text) else { Issue.record("accepted \(text.debugDescription)"); return }
    }

    static func v2(command: UInt8 = 0x1, family: UInt8, addresses: [UInt8]) -> [UInt8] {
        ProxyHeader.v2Signature + [0x20 | command, family, UInt8(addresses.count >> 8), UInt8(addresses.count & 0xFF)] + addresses
    }

    @Test func versionTwo() {
        let v4 = Self.v2(family: 0x11, addresses: [203, 0, 113, 7, 192, 0, 2, 1, 0xC8, 0x22, 0x03, 0xE1])
        #expect(parse(v4 + Array("a001".utf8)) == .header(.client(ip: "203.0.113.7"), length: 28))
        var six: [UInt8] = [0x20, 0x01, 0x0D, 0xB8] + [UInt8](repeating: 0, count: 11) + [7]
        six += [0x20, 0x01, 0x0D, 0xB8] + [UInt8](repeating: 0, count: 11) + [1] + [0, 25, 0, 25]
        #expect(parse(Self.v2(family: 0x21, addresses: six)) == .header(.client(ip: "2001:db8::7"), length: 52))
        // The balancer's own health check, and extensions (TLVs) after the addresses.
        #expect(parse(Self.v2(command: 0x0, family: 0x00, addresses: [])) == .header(.noClient, length: 16))
        let withTLV = Self.v2(family: 0x11, addresses: [203, 0, 113, 7, 192, 0, 2, 1, 0, 1, 0, 2] + [0x04, 0x00, 0x02, 0xAB, 0xCD])
        #expect(parse(withTLV) == .header(.client(ip: "203.0.113.7"), length: 33))
        #expect(parse(Array(v4.prefix(20))) == .needMore)
        #expect(parse(Array(v4.prefix(5))) == .needMore)
    }

    @Test func versionTwoRefusals() {
        var wrongVersion = Self.v2(family: 0x11, addresses: [UInt8](repeating: 1, count: 12))
        wrongVersion[12] = 0x31
        for bytes in [wrongVersion,
                      Self.v2(command: 0x2, family: 0x11, addresses: [UInt8](repeating: 1, count: 12)),
                      Self.v2(family: 0x11, addresses: [1, 2, 3]),
                      ProxyHeader.v2Signature + [0x21, 0x11, 0xFF, 0xFF],
                      [0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0B]] {
            guard case .invalid = parse(bytes) else { Issue.record("accepted \(bytes)"); continue }
        }
    }

    /// Mutated headers (v1 and v2, with and without TLVs) and random bytes: the parser never
    /// crashes, never asks for more past the longest header, claims no more bytes than it was
    /// given, and answers a header's own bytes alone exactly as it answered them with more behind.
    @Test func mutatedInputIsAnsweredConsistently() {
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        func next() -> UInt64 {  // xorshift64*: a fixed sequence, so a failure repeats
            state ^= state >> 12; state ^= state << 25; state ^= state >> 27
            return state &* 0x2545_F491_4F6C_DD1D
        }
        func below(_ bound: Int) -> Int { Int(next() % UInt64(bound)) }
        let seeds: [[UInt8]] = [
            Array("PROXY TCP4 203.0.113.7 192.0.2.1 51234 993\r\n".utf8),
            Array("PROXY TCP6 2001:db8::7 2001:db8::1 51234 25\r\n".utf8),
            Array("PROXY UNKNOWN\r\n".utf8),
            Self.v2(family: 0x11, addresses: [203, 0, 113, 7, 192, 0, 2, 1, 0xC8, 0x02, 0x03, 0xE1]),
            Self.v2(family: 0x21, addresses: Array(repeating: 0x20, count: 16) + Array(repeating: 1, count: 16) + [0, 25, 0, 25]),
            Self.v2(family: 0x11, addresses: [10, 0, 0, 1, 10, 0, 0, 2, 0, 1, 0, 2] + [0x01, 0x00, 0x02, 0x68, 0x32]),
            Self.v2(command: 0x0, family: 0x00, addresses: []),
        ]
        for round in 0..<20_000 {
            var bytes = seeds[round % seeds.count]
            for _ in 0..<(1 + below(4)) {
                switch below(5) {
                case 0: if !bytes.isEmpty { bytes[below(bytes.count)] = UInt8(truncatingIfNeeded: next()) }
                case 1: bytes.insert(UInt8(truncatingIfNeeded: next()), at: below(bytes.count + 1))
                case 2: if bytes.count > 1 { bytes.remove(at: below(bytes.count)) }
                case 3: bytes = Array(bytes.prefix(below(bytes.count + 1)))
                default: bytes += Array(repeating: UInt8(truncatingIfNeeded: next()), count: below(1200))
                }
            }
            let outcome = parse(bytes + Array("a1 NOOP\r\n".utf8))
            switch outcome {
            case .header(_, let length):
                #expect(length <= bytes.count + 9 && length <= ProxyHeader.maxLength, "round \(round)")
                let alone = parse(Array((bytes + Array("a1 NOOP\r\n".utf8)).prefix(length)))
                #expect(alone == outcome, "round \(round)")
            case .needMore:
                #expect(bytes.count + 9 < ProxyHeader.maxLength, "round \(round)")
            case .invalid:
                break
            }
        }
    }
}
