import Foundation
import MailwardApp
import MailwardCore
import MailwardDelivery
import MailwardTesting
import Testing

/// SPEC M9, DKIM signing: `mailward dkim keygen` makes a domain's key and prints its DNS record;
/// what the server then sends for that domain arrives at a real peer signed, and a third-party
/// verifier (dkimpy) accepts the signature with that record — and refuses a changed message.
@Suite(.serialized) struct DKIMSigningTests {
    let e2e = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("e2e")

    /// dkimpy's verdict on `message` with `record` as the DNS TXT record.
    func verify(_ message: [UInt8], record: String) async throws -> ProcessOutcome {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("dkim-\(UUID().uuidString).eml")
        try Data(message).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        return try await ProcessRunner.run("/usr/bin/env", ["python3", e2e.appendingPathComponent("dkim_verify.py").path,
                                                            file.path, record])
    }

    @Test func outgoingMailIsSignedAndAThirdPartyVerifierAgrees() async throws {
        let data = FileManager.default.temporaryDirectory.appendingPathComponent("mailward-dkim-\(UUID().uuidString)").path
        // The folder exists (as systemd's StateDirectory makes it): commands set it up there.
        try FileManager.default.createDirectory(atPath: data, withIntermediateDirectories: true)
        let mailward = Binary.mailward.path
        #expect(try await ProcessRunner.run(mailward, ["domain", "add", "demo.test", "--data", data]).status == 0)
        let keygen = try await ProcessRunner.run(mailward, ["dkim", "keygen", "demo.test", "--selector", "s2026", "--data", data])
        #expect(keygen.status == 0, "\(keygen.stderr)")
        // s2026._domainkey.demo.test. IN TXT ( "v=DKIM1; k=rsa; p=…" "…" )
        #expect(keygen.stdout.hasPrefix("s2026._domainkey.demo.test. IN TXT ( \"v=DKIM1; k=rsa; p="))
        let quoted = keygen.stdout.components(separatedBy: "\"").enumerated().filter { $0.offset % 2 == 1 }
        let record = quoted.map { $0.element }.joined()
        let again = try await ProcessRunner.run(mailward, ["dkim", "keygen", "demo.test", "--selector", "s2026", "--data", data])
        #expect(again.status != 0 && again.stderr.contains("already has a DKIM key"))
        #expect(try await ProcessRunner.run(mailward, ["dkim", "show", "--data", data]).stdout == keygen.stdout)
        let key = try FileManager.default.attributesOfItem(atPath: data + "/dkim/demo.test/s2026.pem")
        #expect((key[.posixPermissions] as? Int) == 0o600)

        let sink = try await SinkPeer.start()
        defer { sink.stop() }
        let server = try await OutboundDeliveryTests.start(routeTo: sink.port, dataPath: data)
        try await server.addUser("alice@demo.test")
        try await server.runtime.deliveryQueue.enqueue(OutboundMessage(
            id: "m-dkim", sender: "alice@demo.test", recipients: ["bob@remote.test"],
            raw: OutboundDeliveryTests.message(subject: "Signed 签名"), createdAt: Date()))
        let received = try await sink.waitForMessages(1)[0].bytes
        let text = String(decoding: received, as: UTF8.self)
        #expect(text.hasPrefix("DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d=demo.test; s=s2026;"))

        let verdict = try await verify(received, record: record)
        #expect(verdict.status == 0, "\(verdict.stderr)")
        var changed = received
        changed.replaceSubrange(changed.count - 8..<changed.count - 2, with: Array("later!".utf8))
        #expect(try await verify(changed, record: record).status != 0)

        // A line longer than RFC 5322's 998 octets (an editor's one-line paragraph) leaves broken
        // into lines the next hop accepts — before it is signed, so the signature still holds.
        let paragraph = (1...400).map { "词\($0)" }.joined(separator: " ")
        var long = OutboundDeliveryTests.message(subject: "Long line")
        long.insert(contentsOf: Array("<p>\(paragraph)</p>\r\n".utf8), at: long.count - 2)
        try await server.runtime.deliveryQueue.enqueue(OutboundMessage(
            id: "m-long", sender: "alice@demo.test", recipients: ["bob@remote.test"], raw: long, createdAt: Date()))
        let longReceived = try await sink.waitForMessages(2)[1].bytes
        let lines = String(decoding: longReceived, as: UTF8.self).components(separatedBy: "\r\n")
        #expect(lines.allSatisfy { $0.utf8.count <= 998 }, "\(lines.map(\.utf8.count))")
        #expect(String(decoding: longReceived, as: UTF8.self).replacingOccurrences(of: "\r\n ", with: " ").contains(paragraph))
        let longVerdict = try await verify(longReceived, record: record)
        #expect(longVerdict.status == 0, "\(longVerdict.stderr)")
        try await server.stop()
    }

    /// Mail that came in at the MX door and only waits in the queue for a full local mailbox is
    /// not signed, even when its `From:` names a local domain (the sender's claim); what this
    /// server's users send is.
    @Test func onlyOwnMailIsSignedInTheQueue() async throws {
        let store = InMemoryDeliveryQueueStore()
        let queue = DeliveryQueue(store: store, blobs: InMemoryBlobStore(),
                                  signer: DKIMSigner(keys: [try DKIMKey.generate(domain: "demo.test", selector: "s")]))
        let claimed = OutboundDeliveryTests.message(subject: "From outside", to: "carol@demo.test")
        try await queue.enqueue(OutboundMessage(id: "mx", sender: "alice@demo.test", recipients: ["carol@demo.test"],
                                                raw: claimed, createdAt: Date(), signs: false))
        try await queue.enqueue(OutboundMessage(id: "own", sender: "alice@demo.test", recipients: ["bob@remote.test"],
                                                raw: OutboundDeliveryTests.message(subject: "Own"), createdAt: Date()))
        #expect(try await queue.body(of: try #require(try await store.message(id: "mx"))) == claimed)
        let own = String(decoding: try await queue.body(of: try #require(try await store.message(id: "own"))), as: UTF8.self)
        #expect(own.hasPrefix("DKIM-Signature: v=1;"))
    }

    /// Mail from a domain without a key leaves unsigned.
    @Test func domainsWithoutAKeyAreNotSigned() throws {
        let signer = DKIMSigner(keys: [try DKIMKey.generate(domain: "other.test", selector: "s")])
        let raw = OutboundDeliveryTests.message(subject: "Plain")
        #expect(try signer.sign(raw, at: Date()) == raw)
    }
}
