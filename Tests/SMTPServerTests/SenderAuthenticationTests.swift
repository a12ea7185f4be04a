import Crypto
import CryptoExtras
import Foundation
import MailwardConfig
import MailwardCore
import MailwardDelivery
@testable import MailwardFilters
import MailwardTesting
import Testing

/// SPEC M9's SPF, DKIM and DMARC checks: the macro language against RFC 7208's own examples;
/// SPF results over a real DNS server (dnsmasq) compared with pyspf's for the same questions;
/// DKIM signatures made by our signer and by dkimpy (RSA 1024 simple/simple, Ed25519 with l=)
/// verified; and the MX door end to end — `Authentication-Results` on delivered mail, a forged
/// one removed, DMARC `reject` refused with 5.7.1, `quarantine` filed as junk.
@Suite(.serialized) struct SenderAuthenticationTests {
    static let e2e = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("e2e")

    // MARK: Pure parts

    @Test func macrosExpandAsRFC7208Section7Says() throws {
        let v4 = SPFMacroContext(sender: "strong-bad@email.example.com", domain: "email.example.com",
                                 ip: IPAddressBytes("192.0.2.3")!, helo: "mx.example.org")
        let expected = [
            "%{s}": "strong-bad@email.example.com", "%{o}": "email.example.com", "%{d}": "email.example.com",
            "%{d4}": "email.example.com", "%{d3}": "email.example.com", "%{d2}": "example.com", "%{d1}": "com",
            "%{dr}": "com.example.email", "%{d2r}": "example.email", "%{l}": "strong-bad", "%{l-}": "strong.bad",
            "%{lr}": "strong-bad", "%{lr-}": "bad.strong", "%{l1r-}": "strong",
            "%{ir}.%{v}._spf.%{d2}": "3.2.0.192.in-addr._spf.example.com",
            "%{lr-}.lp._spf.%{d2}": "bad.strong.lp._spf.example.com",
            "%{lr-}.lp.%{ir}.%{v}._spf.%{d2}": "bad.strong.lp.3.2.0.192.in-addr._spf.example.com",
            "%{ir}.%{v}.%{l1r-}.lp._spf.%{d2}": "3.2.0.192.in-addr.strong.lp._spf.example.com",
            "%{d2}.trusted-domains.example.net": "example.com.trusted-domains.example.net",
            "%{h}%%%_%-": "mx.example.org% %20", "%{L}": "strong-bad",
        ]
        for (macro, value) in expected {
            #expect(try SPFMacro.expand(macro, v4) == value, "\(macro)")
        }
        var v6 = v4
        v6.ip = IPAddressBytes("2001:db8::cb01")!
        #expect(try SPFMacro.expand("%{ir}.%{v}._spf.%{d2}", v6)
                == "1.0.b.c.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6._spf.example.com")
        for bad in ["%{z}", "100%", "%x", "%{d0}", "%{s", "%{c}"] {
            #expect(throws: SPFSyntaxError.self, "\(bad)") { try SPFMacro.expand(bad, v4) }
        }
        #expect(try SPFMacro.expand("%{c}", v4, explanation: true) == "192.0.2.3")
        // A mapped IPv4 client is the IPv4 client.
        #expect(IPAddressBytes("::ffff:192.0.2.3") == IPAddressBytes("192.0.2.3"))
    }

    @Test func recordsParseOrFailAsTheGrammarSays() throws {
        let record = try SPFRecord.parse("v=spf1 +a mx/24 -ip4:192.0.2.0/24 ~ip6:2001:db8::/32 a:%{d}.example//64 include:x.test exists:%{i}.y.test ?all redirect=z.test foo=bar")
        #expect(record.directives.count == 8)
        #expect(record.directives[1].mechanism == .mx(nil, v4: 24, v6: 128))
        #expect(record.directives[4].mechanism == .a("%{d}.example", v4: 32, v6: 64))
        #expect(record.directives[2].qualifier == .fail && record.directives[3].qualifier == .softfail)
        #expect(record.redirect == "z.test")
        for bad in ["v=spf1 ip4:300.1.1.1", "v=spf1 ip4:10.0.0.0/33", "v=spf1 ip4:10.0.0.0/08", "v=spf1 frobnicate",
                    "v=spf1 redirect=a.test redirect=b.test", "v=spf1 include", "v=spf1 all:x", "v=spf1 ip6:10.0.0.1",
                    "v=spf1 ip4:::1", "v=spf1 1bad=x"] {
            #expect(throws: SPFSyntaxError.self, "\(bad)") { try SPFRecord.parse(bad) }
        }
        #expect(SPFRecord.isSPF("V=SPF1 -all") && SPFRecord.isSPF("v=spf1") && !SPFRecord.isSPF("v=spf10 -all"))
    }

    @Test func dmarcRecordsAndOrganizationalDomains() {
        let record = DMARCRecord("v=DMARC1; p=quarantine; sp=reject; adkim=s; pct=20; rua=mailto:r@example.com")
        #expect(record?.policy == .quarantine && record?.subdomainPolicy == .reject && record?.strictDKIM == true)
        #expect(record?.strictSPF == false && record?.percent == 20)
        #expect(DMARCRecord("v=DMARC1; p=bogus; rua=mailto:r@example.com")?.policy == DMARCPolicy.none)
        #expect(DMARCRecord("v=DMARC1; p=bogus") == nil && DMARCRecord("p=reject; v=DMARC1") == nil)
        #expect(OrganizationalDomain.of("mail.corp.example.com") == "example.com")
        #expect(OrganizationalDomain.of("smtp.mail.pku.edu.cn") == "pku.edu.cn")
        #expect(OrganizationalDomain.of("news.bbc.co.uk") == "bbc.co.uk")
        #expect(OrganizationalDomain.of("qq.com") == "qq.com")
    }

    @Test func forgedResultsNamingUsAreRecognised() {
        let filter = SenderAuthenticationFilter(resolver: DNSResolver(configuration: ResolvConf(nameservers: [])),
                                                authservID: "MX.Mailward.test", mode: .report)
        #expect(filter.claimsField(named: "Authentication-Results", value: " mx.mailward.test; dkim=pass"))
        #expect(filter.claimsField(named: "authentication-results", value: " (comment) mx.mailward.test 1; spf=pass"))
        #expect(!filter.claimsField(named: "Authentication-Results", value: " mx.google.com; dkim=pass"))
        #expect(!filter.claimsField(named: "Received", value: " mx.mailward.test"))
        // Every spelling RFC 8601's grammar allows: quoted, after nested comments, folded.
        for spelling in [" \"mx.mailward.test\"; dkim=pass", " \" MX.Mailward.test\"; dkim=pass", " ((x) y) mx.mailward.test; dkim=pass",
                         " (a \\) b) mx.mailward.test; dkim=pass", "\r\n\tmx.mailward.test; dkim=pass", " \"mx.mail\\ward.test\"; dkim=pass"] {
            #expect(filter.claimsField(named: "Authentication-Results", value: spelling), "\(spelling)")
        }
        #expect(!filter.claimsField(named: "Authentication-Results", value: " \"mx.mailward.test.evil\"; dkim=pass"))
        #expect(!filter.claimsField(named: "Authentication-Results", value: " (unclosed mx.mailward.test; dkim=pass"))
    }

    // MARK: SPF over DNS, beside pyspf

    static let spfRecords = [
        DNSPeer.txt("pass.auth.test", "v=spf1 ip4:127.0.0.0/8 -all"),
        DNSPeer.txt("fail.auth.test", "v=spf1 ip4:192.0.2.0/24 -all"),
        DNSPeer.txt("soft.auth.test", "v=spf1 ~all"),
        DNSPeer.txt("neutral.auth.test", "v=spf1 ?all"),
        DNSPeer.txt("empty.auth.test", "v=spf1"),
        DNSPeer.txt("inc.auth.test", "v=spf1 include:pass.auth.test -all"),
        DNSPeer.txt("incfail.auth.test", "v=spf1 include:fail.auth.test ~all"),
        DNSPeer.txt("incnone.auth.test", "v=spf1 include:nothing.auth.test -all"),
        DNSPeer.txt("redir.auth.test", "v=spf1 redirect=fail.auth.test"),
        DNSPeer.txt("mx.auth.test", "v=spf1 mx -all"), "mx-host=mx.auth.test,mail.auth.test,10",
        "host-record=mail.auth.test,127.0.0.1",
        DNSPeer.txt("a.auth.test", "v=spf1 a:host.auth.test/24 -all"), "host-record=host.auth.test,127.0.0.9",
        DNSPeer.txt("anarrow.auth.test", "v=spf1 a:host.auth.test -all"),
        DNSPeer.txt("exists.auth.test", "v=spf1 exists:%{i}.allow.auth.test -all"),
        "host-record=127.0.0.1.allow.auth.test,127.0.0.2",
        DNSPeer.txt("ptr.auth.test", "v=spf1 ptr:auth.test -all"), "ptr-record=1.0.0.127.in-addr.arpa,back.auth.test",
        "host-record=back.auth.test,127.0.0.1",
        DNSPeer.txt("ip6.auth.test", "v=spf1 ip6:::1 -all"),
        DNSPeer.txt("loop.auth.test", "v=spf1 include:loop.auth.test -all"),
        DNSPeer.txt("two.auth.test", "v=spf1 -all"), DNSPeer.txt("two.auth.test", "v=spf1 +all"),
        DNSPeer.txt("void.auth.test", "v=spf1 a:n1.auth.test a:n2.auth.test a:n3.auth.test -all"),
        DNSPeer.txt("nospf.auth.test", "hello world"),
        DNSPeer.txt("syntax.auth.test", "v=spf1 ip4:300.1.1.1 -all"),
        DNSPeer.txt("macro.auth.test", "v=spf1 exists:%{l}.users.auth.test -all"),
        "host-record=carol.users.auth.test,127.0.0.3",
    ]

    /// (ip, MAIL FROM or "-", HELO, our expected result)
    static let spfCases: [(String, String, String, SPFResult)] = [
        ("127.0.0.1", "a@pass.auth.test", "h.test", .pass),
        ("127.0.0.1", "a@fail.auth.test", "h.test", .fail),
        ("127.0.0.1", "a@soft.auth.test", "h.test", .softfail),
        ("127.0.0.1", "a@neutral.auth.test", "h.test", .neutral),
        ("127.0.0.1", "a@empty.auth.test", "h.test", .neutral),
        ("127.0.0.1", "a@inc.auth.test", "h.test", .pass),
        ("127.0.0.1", "a@incfail.auth.test", "h.test", .softfail),
        ("127.0.0.1", "a@incnone.auth.test", "h.test", .permerror),
        ("127.0.0.1", "a@redir.auth.test", "h.test", .fail),
        ("192.0.2.7", "a@redir.auth.test", "h.test", .pass),
        ("127.0.0.1", "a@mx.auth.test", "h.test", .pass),
        ("127.0.0.5", "a@mx.auth.test", "h.test", .fail),
        ("127.0.0.1", "a@a.auth.test", "h.test", .pass),
        ("127.0.0.1", "a@anarrow.auth.test", "h.test", .fail),
        ("127.0.0.1", "a@exists.auth.test", "h.test", .pass),
        ("127.0.0.4", "a@exists.auth.test", "h.test", .fail),
        ("127.0.0.1", "a@ptr.auth.test", "h.test", .pass),
        ("::1", "a@ip6.auth.test", "h.test", .pass),
        ("127.0.0.1", "a@ip6.auth.test", "h.test", .fail),
        ("127.0.0.1", "a@loop.auth.test", "h.test", .permerror),
        ("127.0.0.1", "a@two.auth.test", "h.test", .permerror),
        ("127.0.0.1", "a@void.auth.test", "h.test", .permerror),
        ("127.0.0.1", "a@nospf.auth.test", "h.test", .none),
        ("127.0.0.1", "a@nothing.auth.test", "h.test", .none),
        ("127.0.0.1", "a@syntax.auth.test", "h.test", .permerror),
        ("127.0.0.1", "carol@macro.auth.test", "h.test", .pass),
        ("127.0.0.1", "dave@macro.auth.test", "h.test", .fail),
        ("127.0.0.1", "-", "pass.auth.test", .pass),
        ("127.0.0.1", "-", "fail.auth.test", .fail),
        ("127.0.0.1", "a@refused.example", "h.test", .temperror),
    ]

    @Test func spfResultsOverRealDNSAgreeWithPyspf() async throws {
        let dns = try await DNSPeer.start(Self.spfRecords)
        defer { dns.stop() }
        let check = SPFCheck(dns: AuthenticationDNS(resolver: dns.resolver))
        var ours: [SPFResult] = []
        for (ip, sender, helo, expected) in Self.spfCases {
            let outcome = await check.check(ip: ip, sender: sender == "-" ? "" : sender, helo: helo)
            #expect(outcome.result == expected, "\(ip) \(sender) \(helo): \(outcome.reason)")
            ours.append(outcome.result)
        }
        let input = Self.spfCases.map { "\($0.0) \($0.1) \($0.2)" }.joined(separator: "\n") + "\n"
        let pyspf = try await ProcessRunner.run("/usr/bin/env", ["python3", Self.e2e.appendingPathComponent("spf_check.py").path,
                                                                 "\(dns.port)"], stdin: input, timeout: 120)
        #expect(pyspf.status == 0, "\(pyspf.stderr)")
        let theirs = pyspf.stdout.split(separator: "\n").map(String.init)
        #expect(theirs.count == ours.count)
        for (index, (mine, other)) in zip(ours, theirs).enumerated() {
            #expect(mine.rawValue == other, "\(Self.spfCases[index].0) \(Self.spfCases[index].1): ours \(mine), pyspf \(other)")
        }
    }

    @Test func answersAreKeptForTheirTimeToLiveAndNoLonger() async throws {
        let dns = try await DNSPeer.start(["local-ttl=300", DNSPeer.txt("kept.auth.test", "v=spf1 -all")])
        defer { dns.stop() }
        let quick = DNSResolver(configuration: ResolvConf(nameservers: ["127.0.0.1"], timeout: 0.3, attempts: 1), port: dns.port)
        let cache = CachingDNSResolver(quick)
        let first = try await cache.query("kept.auth.test", type: .txt)
        #expect(first.answers.count == 1 && first.answers[0].ttl == 300)
        #expect(try await cache.query("missing.auth.test", type: .txt).responseCode == 3)
        #expect(await cache.count == 2)
        dns.stop()
        // The server is gone: kept answers still come, names never asked fail.
        #expect(try await cache.query("KEPT.auth.test.", type: .txt) == first)
        #expect(try await cache.query("missing.auth.test", type: .txt).responseCode == 3)
        await #expect(throws: (any Error).self) { _ = try await cache.query("other.auth.test", type: .txt) }

        // A TTL of 0 (dnsmasq's default for its own records) means: do not keep.
        let uncached = try await DNSPeer.start([DNSPeer.txt("fresh.auth.test", "v=spf1 -all")])
        defer { uncached.stop() }
        let second = CachingDNSResolver(uncached.resolver)
        #expect(try await second.query("fresh.auth.test", type: .txt).answers.count == 1)
        #expect(await second.count == 0)
    }

    // MARK: DKIM

    static let message = "From: Carol <carol@dk.auth.test>\r\nTo: alice@example.test\r\nSubject: Quarterly report\r\n"
        + "Date: Sun, 29 Nov 2026 10:00:00 +0800\r\nMessage-ID: <q4@dk.auth.test>\r\nMIME-Version: 1.0\r\n"
        + "Content-Type: text/plain; charset=utf-8\r\n\r\nThe numbers  are in.\r\n\r\nCarol\r\n\r\n\r\n"

    func dkimpy(_ message: String, key: String, domain: String, algorithm: String, canonicalization: String,
                length: Bool = false) async throws -> [UInt8] {
        let keyFile = FileManager.default.temporaryDirectory.appendingPathComponent("dkim-\(UUID().uuidString).key")
        try key.write(to: keyFile, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: keyFile) }
        let signed = try await ProcessRunner.run("/usr/bin/env", [
            "python3", Self.e2e.appendingPathComponent("dkim_sign.py").path, keyFile.path, domain, "sel", algorithm,
            canonicalization, length ? "yes" : "no",
        ], stdin: message, timeout: 60)
        #expect(signed.status == 0, "\(signed.stderr)")
        return Array(signed.stdout.utf8)
    }

    @Test func dkimSignaturesOfOurSignerAndOfDkimpyVerify() async throws {
        let ours = try DKIMKey.generate(domain: "dk.auth.test", selector: "sel")
        let rsa1024 = try _RSA.Signing.PrivateKey(unsafeKeySize: .init(bitCount: 1024))
        let ed25519 = Curve25519.Signing.PrivateKey()
        let dns = try await DNSPeer.start([
            DNSPeer.txt("sel._domainkey.dk.auth.test", ours.dnsRecord),
            DNSPeer.txt("sel._domainkey.old.auth.test", "v=DKIM1; k=rsa; p=" + rsa1024.publicKey.derRepresentation.base64EncodedString()),
            DNSPeer.txt("sel._domainkey.ed.auth.test", "v=DKIM1; k=ed25519; p=" + ed25519.publicKey.rawRepresentation.base64EncodedString()),
            DNSPeer.txt("sel._domainkey.gone.auth.test", "v=DKIM1; p="),
        ])
        defer { dns.stop() }
        let verifier = DKIMVerifier(dns: AuthenticationDNS(resolver: dns.resolver))
        func results(_ raw: [UInt8]) async -> [DKIMOutcome.Result] { await verifier.verify(raw, now: Date()).map(\.result) }

        let signed = try DKIMSigner(keys: [ours]).sign(Array(Self.message.utf8), at: Date())
        #expect(await results(signed) == [.pass])
        let outcome = await verifier.verify(signed, now: Date())[0]
        #expect(outcome.domain == "dk.auth.test" && outcome.selector == "sel" && outcome.signaturePrefix.count == 8)
        // A changed body, a changed signed header, an added unsigned header.
        let text = String(decoding: signed, as: UTF8.self)
        #expect(await results(Array(text.replacingOccurrences(of: "are in.", with: "are out.").utf8)) == [.fail])
        #expect(await results(Array(text.replacingOccurrences(of: "Quarterly report", with: "Quarterly rep0rt").utf8)) == [.fail])
        #expect(await results(Array(("X-Note: added on the way\r\n" + text).utf8)) == [.pass])
        // Relaxed canonicalization forgives re-folding and trailing blank lines.
        #expect(await results(Array(text.replacingOccurrences(of: "Subject: Quarterly report", with: "Subject:  Quarterly\r\n report")
            .replacingOccurrences(of: "Carol\r\n\r\n\r\n", with: "Carol\r\n").utf8)) == [.pass])

        // dkimpy: RSA 1024 (still common), simple/simple; Ed25519 relaxed with l=.
        let old = try await dkimpy(Self.message.replacingOccurrences(of: "dk.auth.test", with: "old.auth.test"),
                                   key: rsa1024.pemRepresentation, domain: "old.auth.test", algorithm: "rsa-sha256",
                                   canonicalization: "simple/simple")
        #expect(await results(old) == [.pass])
        let oldText = String(decoding: old, as: UTF8.self)
        #expect(await results(Array(oldText.replacingOccurrences(of: "Subject: Quarterly", with: "Subject:  Quarterly").utf8)) == [.fail])
        let ed = try await dkimpy(Self.message.replacingOccurrences(of: "dk.auth.test", with: "ed.auth.test"),
                                  key: ed25519.rawRepresentation.base64EncodedString(), domain: "ed.auth.test",
                                  algorithm: "ed25519-sha256", canonicalization: "relaxed/relaxed", length: true)
        #expect(await results(ed) == [.pass])
        // l= covers what was signed; a footer added after it does not break the signature.
        #expect(await results(ed + Array("-- \r\nSent through a list\r\n".utf8)) == [.pass])

        // No key, a revoked key, a DNS failure, rsa-sha1.
        let unknown = String(decoding: try DKIMSigner(keys: [try DKIMKey.generate(domain: "nokey.auth.test", selector: "sel")])
            .sign(Array(Self.message.replacingOccurrences(of: "dk.auth.test", with: "nokey.auth.test").utf8), at: Date()), as: UTF8.self)
        #expect(await results(Array(unknown.utf8)) == [.permerror])
        #expect(await results(Array(unknown.replacingOccurrences(of: "d=nokey.auth.test", with: "d=gone.auth.test").utf8)) == [.permerror])
        #expect(await results(Array(unknown.replacingOccurrences(of: "d=nokey.auth.test", with: "d=refused.example").utf8)) == [.temperror])
        #expect(await results(Array(text.replacingOccurrences(of: "a=rsa-sha256", with: "a=rsa-sha1").utf8)) == [.permerror])
        #expect(await results(Array(Self.message.utf8)).isEmpty)
    }

    // MARK: The MX door

    static func server(dns: DNSPeer, mode: String) async throws -> TestServer {
        let server = try await TestServer.start(configure: { c in
            c.hostname = "mx.mailward.test"
            c.filters.authentication = mode
            c.dns.servers = ["127.0.0.1"]
            c.dns.port = dns.port
            c.dns.timeout = 2
        })
        try await server.addUser("alice@example.test")
        return server
    }

    /// Sends `message` to alice through the MX door from 127.0.0.1; the reply to its DATA.
    static func send(_ server: TestServer, from sender: String, _ message: String) async throws -> Reply {
        try await server.sendMX(from: sender, to: "alice@example.test", helo: "sender.auth.test", message)
    }

    static func letter(from: String, subject: String) -> String {
        "From: Carol <\(from)>\r\nTo: alice@example.test\r\nSubject: \(subject)\r\nDate: Sun, 29 Nov 2026 10:00:00 +0800\r\n"
            + "Message-ID: <\(UUID().uuidString)@auth.test>\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nSee you at three.\r\n"
    }

    @Test func mxDoorRecordsResultsAndAppliesDMARCPolicies() async throws {
        let signing = try DKIMKey.generate(domain: "signed.auth.test", selector: "sel")
        let dns = try await DNSPeer.start([
            DNSPeer.txt("good.auth.test", "v=spf1 ip4:127.0.0.1 -all"), DNSPeer.txt("_dmarc.good.auth.test", "v=DMARC1; p=reject"),
            DNSPeer.txt("reject.auth.test", "v=spf1 ip4:192.0.2.1 -all"), DNSPeer.txt("_dmarc.reject.auth.test", "v=DMARC1; p=reject"),
            DNSPeer.txt("quarantine.auth.test", "v=spf1 -all"), DNSPeer.txt("_dmarc.quarantine.auth.test", "v=DMARC1; p=quarantine"),
            DNSPeer.txt("signed.auth.test", "v=spf1 -all"), DNSPeer.txt("_dmarc.signed.auth.test", "v=DMARC1; p=reject; adkim=s"),
            DNSPeer.txt("sel._domainkey.signed.auth.test", signing.dnsRecord),
            DNSPeer.txt("_dmarc.bank.example", "v=DMARC1; p=reject"),
        ])
        defer { dns.stop() }
        let server = try await Self.server(dns: dns, mode: "enforce")

        // SPF passes and aligns; the sender's own Authentication-Results naming us is dropped.
        let forged = "Authentication-Results: mx.mailward.test; dkim=pass header.d=bank.example\r\n"
            + Self.letter(from: "carol@good.auth.test", subject: "good")
        #expect(try await Self.send(server, from: "carol@good.auth.test", forged).code == 250)
        // DMARC reject: refused, nothing stored.
        let rejected = try await Self.send(server, from: "carol@reject.auth.test", Self.letter(from: "carol@reject.auth.test", subject: "no"))
        #expect(rejected.code == 554 && rejected.text.contains("5.7.1") && rejected.text.contains("DMARC"), "\(rejected.text)")
        // The From: domain decides, not the envelope: an envelope of another organization that
        // passes SPF does not rescue it (one of the same organization would: relaxed alignment).
        let spoof = try await Self.send(server, from: "carol@good.auth.test", Self.letter(from: "ceo@bank.example", subject: "spoof"))
        #expect(spoof.code == 554, "\(spoof.text)")
        // DMARC quarantine: junk.
        #expect(try await Self.send(server, from: "carol@quarantine.auth.test",
                                    Self.letter(from: "carol@quarantine.auth.test", subject: "maybe")).code == 250)
        // SPF fails but an aligned DKIM signature passes: delivered.
        let signed = String(decoding: try DKIMSigner(keys: [signing]).sign(
            Array(Self.letter(from: "carol@signed.auth.test", subject: "signed").utf8), at: Date()), as: UTF8.self)
        #expect(try await Self.send(server, from: "bounce@signed.auth.test", signed).code == 250)

        let inbox = try await server.messages(of: "alice@example.test")
        #expect(inbox.count == 2)
        let good = try #require(inbox.first { $0.contains("Subject: good") })
        #expect(good.components(separatedBy: "Authentication-Results:").count == 2, "\(good)")
        #expect(good.hasPrefix("Return-Path: <carol@good.auth.test>\r\nAuthentication-Results: mx.mailward.test;"))
        #expect(good.contains("spf=pass") && good.contains("smtp.mailfrom=carol@good.auth.test") && good.contains("dkim=none"))
        #expect(good.contains("dmarc=pass (p=reject dis=none) header.from=good.auth.test"))
        #expect(!good.contains("bank.example"))
        let viaDKIM = try #require(inbox.first { $0.contains("Subject: signed") })
        #expect(viaDKIM.contains("spf=fail") && viaDKIM.contains("dkim=pass") && viaDKIM.contains("header.d=signed.auth.test"))
        #expect(viaDKIM.contains("dmarc=pass"))
        let junk = try await server.messages(of: "alice@example.test", in: "Junk")
        #expect(junk.count == 1 && junk[0].contains("Subject: maybe") && junk[0].contains("dmarc=fail (p=quarantine dis=quarantine)"))
        try await server.stop()

        // Report mode only records: the DMARC reject is delivered, marked — with the policy the
        // domain publishes and what was done here (nothing: dis=none).
        let reporting = try await Self.server(dns: dns, mode: "report")
        #expect(try await Self.send(reporting, from: "carol@reject.auth.test",
                                    Self.letter(from: "carol@reject.auth.test", subject: "recorded")).code == 250)
        let recorded = try await reporting.messages(of: "alice@example.test")
        #expect(recorded.count == 1 && recorded[0].contains("spf=fail") && recorded[0].contains("dmarc=fail (p=reject dis=none)"))
        try await reporting.stop()
    }
}
