import MailwardCore
import Testing

@Suite struct ForwardedClientTests {
    let loopback = IPNetwork.loopback

    func client(_ peer: String, _ forwardedFor: [String], trusted: [String]? = nil) -> String? {
        ForwardedClient.address(peer: peer, forwardedFor: forwardedFor,
                                trustedProxies: trusted.map { $0.compactMap(IPNetwork.init) } ?? loopback)
    }

    @Test func aTrustedProxyNamesTheClient() {
        #expect(client("127.0.0.1", ["203.0.113.7"]) == "203.0.113.7")
        #expect(client("::1", ["2001:DB8:0:0::1"]) == "2001:db8::1")
        // What the browser wrote itself lies left of what the proxy appended.
        #expect(client("127.0.0.1", ["1.2.3.4, 203.0.113.7"]) == "203.0.113.7")
        #expect(client("127.0.0.1", ["1.2.3.4", "203.0.113.7"]) == "203.0.113.7")
    }

    @Test func proxiesInARowAreWalkedBackWhileTrusted() {
        let trusted = ["127.0.0.1", "10.0.0.0/8"]
        #expect(client("127.0.0.1", ["1.2.3.4, 198.51.100.9, 10.1.2.3"], trusted: trusted) == "198.51.100.9")
        // A load balancer that is not trusted ends the walk: it is the client as far as we know.
        #expect(client("127.0.0.1", ["198.51.100.9, 192.0.2.50"], trusted: trusted) == "192.0.2.50")
        // Every hop trusted: the farthest one.
        #expect(client("127.0.0.1", ["10.0.0.7"], trusted: trusted) == "10.0.0.7")
    }

    @Test func anUntrustedPeerIsTheClientWhateverItSays() {
        #expect(client("198.51.100.9", ["127.0.0.1"]) == nil)
        #expect(client("127.0.0.1", ["203.0.113.7"], trusted: []) == nil)
        #expect(client("127.0.0.1", []) == nil)
    }

    @Test func entriesThatAreNoAddressStopTheWalk() {
        #expect(client("127.0.0.1", ["unknown"]) == nil)
        #expect(client("127.0.0.1", ["203.0.113.7, unknown"]) == nil)
        #expect(client("127.0.0.1", ["203.0.113.7:4711"]) == "203.0.113.7")
        #expect(client("127.0.0.1", ["[2001:db8::1]:4711"]) == "2001:db8::1")
        #expect(client("127.0.0.1", [""]) == nil)
    }

    @Test func networks() {
        #expect(IPNetwork("10.0.0.0/8")?.contains(IPAddressBytes("10.200.3.4")!) == true)
        #expect(IPNetwork("10.0.0.0/8")?.contains(IPAddressBytes("11.0.0.1")!) == false)
        #expect(IPNetwork("2001:db8::/32")?.contains(IPAddressBytes("2001:db8:ffff::1")!) == true)
        #expect(IPNetwork("::1")?.contains(IPAddressBytes("::1")!) == true)
        #expect(IPNetwork("127.0.0.0/8")?.contains(IPAddressBytes("::ffff:127.0.0.1")!) == true)
        // As the configuration check accepts it: an IPv4-mapped network with its IPv6 prefix.
        #expect(IPNetwork("::ffff:10.0.0.0/104")?.contains(IPAddressBytes("10.1.2.3")!) == true)
        #expect(IPNetwork("::ffff:10.0.0.0/104")?.contains(IPAddressBytes("11.1.2.3")!) == false)
        #expect(IPNetwork("::ffff:10.0.0.0/95") == nil)
        for bad in ["10.0.0.0/33", "10.0.0.0/", "10.0.0.0/8/8", "example.org", "::1/129", "10.0.0.0/-1"] {
            #expect(IPNetwork(bad) == nil, "\(bad)")
        }
    }
}
