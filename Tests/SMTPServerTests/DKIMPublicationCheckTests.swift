import Foundation
import MailwardApp
import MailwardCore
import MailwardTesting
import Testing

/// Whether DNS publishes the DKIM keys the server signs with: `mailward dkim check`, and the
/// warning at start (`DKIMPublicationCheck`), against dnsmasq serving the records.
@Suite struct DKIMPublicationCheckTests {
    /// The record text from `dkim keygen`'s zone-file line.
    static func recordText(_ line: String) -> String {
        line.components(separatedBy: "\"").enumerated().filter { $0.offset % 2 == 1 }.map(\.element).joined()
    }

    @Test func theCommandSaysWhetherEachKeyIsPublished() async throws {
        let data = FileManager.default.temporaryDirectory.appendingPathComponent("mailward-dkim-check-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: data, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: data) }
        let mailward = Binary.mailward.path
        for domain in ["auth.test", "other.auth.test", "moved.auth.test"] {
            #expect(try await ProcessRunner.run(mailward, ["domain", "add", domain, "--data", data]).status == 0)
        }
        let published = try await ProcessRunner.run(mailward, ["dkim", "keygen", "auth.test", "--selector", "s1", "--data", data])
        #expect(published.status == 0, "\(published.stderr)")
        _ = try await ProcessRunner.run(mailward, ["dkim", "keygen", "other.auth.test", "--selector", "s2", "--data", data])
        _ = try await ProcessRunner.run(mailward, ["dkim", "keygen", "moved.auth.test", "--selector", "s3", "--data", data])
        let elsewhere = try DKIMKey.generate(domain: "moved.auth.test", selector: "s3")

        let dns = try await DNSPeer.start([
            DNSPeer.txt("s1._domainkey.auth.test", Self.recordText(published.stdout)),
            DNSPeer.txt("s3._domainkey.moved.auth.test", elsewhere.dnsRecord),
        ])
        defer { dns.stop() }
        let environment = ["MAILWARD_DNS_SERVERS": "127.0.0.1", "MAILWARD_DNS_PORT": "\(dns.port)", "MAILWARD_DNS_TIMEOUT": "2"]
        func check(_ arguments: [String]) async throws -> ProcessOutcome {
            try await ProcessRunner.run(mailward, ["dkim", "check"] + arguments + ["--data", data], environment: environment)
        }

        let good = try await check(["auth.test"])
        #expect(good.status == 0, "\(good.stdout) \(good.stderr)")
        #expect(good.stdout == "s1._domainkey.auth.test: published, this server's key\n")
        let missing = try await check(["other.auth.test"])
        #expect(missing.status == 1)
        #expect(missing.stdout.hasPrefix("s2._domainkey.other.auth.test: no DKIM record in DNS"), "\(missing.stdout)")
        let moved = try await check(["moved.auth.test"])
        #expect(moved.status == 1)
        #expect(moved.stdout.contains("DNS publishes another key than this server's"), "\(moved.stdout)")
        let all = try await check([])
        #expect(all.status == 1, "one key of three is published")
        #expect(all.stdout.split(separator: "\n").count == 3, "\(all.stdout)")
    }

    @Test func theServerWarnsAtStartAboutAKeyReceiversCannotVerify() async throws {
        let published = try DKIMKey.generate(domain: "auth.test", selector: "s1")
        let unpublished = try DKIMKey.generate(domain: "auth.test", selector: "s2")
        let revoked = try DKIMKey.generate(domain: "auth.test", selector: "s3")
        let dns = try await DNSPeer.start([DNSPeer.txt("s1._domainkey.auth.test", published.dnsRecord),
                                           DNSPeer.txt("s3._domainkey.auth.test", "v=DKIM1; k=rsa; p=")])
        defer { dns.stop() }
        let logs = LogRecorder()
        await DKIMPublicationCheck(keys: [published, unpublished, revoked], resolver: dns.resolver, logger: logs.logger()).report()
        #expect(logs.all.count == 3, "\(logs.all)")
        #expect(logs.all.first?.hasPrefix("info DKIM key published record=s1._domainkey.auth.test") == true, "\(logs.all)")
        #expect(logs.all.contains { $0.hasPrefix("warning s2._domainkey.auth.test: no DKIM record in DNS") }, "\(logs.all)")
        #expect(logs.all.contains { $0.hasPrefix("warning s3._domainkey.auth.test: the DNS record revokes the key") }, "\(logs.all)")

        // DNS that does not answer: noted, and nothing else.
        dns.stop()
        let quiet = LogRecorder()
        await DKIMPublicationCheck(keys: [published], resolver: dns.resolver, logger: quiet.logger()).report()
        #expect(quiet.all.count == 1 && quiet.all[0].hasPrefix("notice DKIM record not checked"), "\(quiet.all)")
    }
}
