import MailwardCore
import Testing

/// Whether DNS publishes a DKIM signing key (`DKIMPublication`), from the TXT records found.
@Suite struct DKIMPublicationTests {
    static let key = try! DKIMKey.generate(domain: "demo.test", selector: "s1")
    static let other = try! DKIMKey.generate(domain: "demo.test", selector: "s1")

    @Test func theKeysOwnRecordIsPublished() {
        #expect(DKIMPublication(of: Self.key, records: [Self.key.dnsRecord]) == .published)
        // Split into strings by a DNS host's editor, white space around and inside the key.
        let p = Self.key.publicKeyBase64
        let spaced = " v = DKIM1 ;k=rsa;  p=\(p.prefix(100)) \(p.dropFirst(100))\t; t=s;"
        #expect(DKIMPublication(of: Self.key, records: ["v=spf1 -all", spaced]) == .published)
        #expect(DKIMPublication(of: Self.key, records: ["p=\(p)"]) == .published, "v= may be left out")
    }

    @Test func anotherKeyMissingOrRevoked() {
        #expect(DKIMPublication(of: Self.key, records: [Self.other.dnsRecord]) == .otherKey)
        #expect(DKIMPublication(of: Self.key, records: []) == .missing)
        #expect(DKIMPublication(of: Self.key, records: ["v=spf1 -all", "google-site-verification=abc"]) == .missing)
        #expect(DKIMPublication(of: Self.key, records: ["v=DKIM1; k=rsa; p="]) == .revoked)
        #expect(DKIMPublication(of: Self.key, records: ["v=DKIM1; p=", Self.other.dnsRecord]) == .otherKey)
    }

    @Test func recordsThatAreNotDKIMKeys() {
        let p = Self.key.publicKeyBase64
        #expect(DKIMPublication.tags(of: "k=rsa; v=DKIM1; p=\(p)") == nil, "v= must come first")
        #expect(DKIMPublication.tags(of: "v=DKIM2; p=\(p)") == nil)
        #expect(DKIMPublication.tags(of: "v=DKIM1; k=rsa") == nil, "no p=")
        #expect(DKIMPublication.tags(of: "v=DKIM1; p=a; p=b") == nil, "a tag twice")
        #expect(DKIMPublication.tags(of: "v=DKIM1; P=\(p)") == nil, "tag names are case-sensitive")
        #expect(DKIMPublication.tags(of: "v=DKIM1; k=rsa; p=abc")?["k"] == "rsa")
    }

    @Test func anInternationalizedDomainIsLookedUpInItsASCIIForm() throws {
        let key = try DKIMKey.generate(domain: "例子.中国", selector: "s1")
        #expect(key.dnsName == "s1._domainkey.xn--fsqu00a.xn--fiqs8s")
    }
}
