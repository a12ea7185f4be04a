import Foundation
import MailwardApp
import MailwardConfig
import MailwardCore
import MailwardNet
@testable import MailwardDelivery
import MailwardTesting
import Testing

/// A smarthost that wants verified TLS and a login (`delivery.relay-*`), played by a second
/// Mailward: its submission doors (STARTTLS and implicit TLS, AUTH required) take the message for
/// one of its accounts, as a provider's relay would. Its certificate comes from a private CA
/// (`TestCertificateAuthority`) that the sending server is told to trust with `relay-ca-file`.
@Suite(.serialized) struct RelayLoginTests {
    static let password = "Relay-Garden-77"

    struct Relay {
        let server: TestServer
        let bob: Account
        /// The private CA's certificate, for `delivery.relay-ca-file`.
        let caFile: String
        /// The certificate the relay presents, for `delivery.relay-certificate`.
        let certificateFile: String
    }

    static func message(subject: String) -> [UInt8] {
        Array("""
            From: Agent <agent@relay.test>\r
            To: <bob@relay.test>\r
            Subject: \(subject)\r
            Date: Wed, 02 Dec 2026 10:00:00 +0800\r
            Message-ID: <\(UUID().uuidString)@relay.test>\r
            \r
            Sent through the relay.\r

            """.utf8)
    }

    /// The relay: `agent@relay.test` may send as itself, `bob@relay.test` receives; its
    /// certificate names relay.test, localhost and 127.0.0.1.
    /// `selfSigned`: the relay keeps the certificate it makes itself (then `caFile` is a CA
    /// that did not sign it). `names`: what the CA's certificate for it names.
    static func startRelay(selfSigned: Bool = false, names: [String] = ["relay.test", "localhost"],
                           addresses: [[UInt8]] = [[127, 0, 0, 1]]) async throws -> Relay {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("relay-ca-\(UUID().uuidString)").path
        let authority = try TestCertificateAuthority()
        let caFile = try authority.writeCertificate(into: folder)
        let files = try authority.issueServerCertificate(hostnames: names, ipv4: addresses, into: folder)
        let relay = try await TestServer.start { c in
            c.hostname = "relay.test"
            if !selfSigned {
                c.tls.certificate = files.certificatePath
                c.tls.key = files.keyPath
            }
        }
        try await relay.addUser("agent@relay.test", password: password)
        let bob = try await relay.addUser("bob@relay.test")
        return Relay(server: relay, bob: bob, caFile: caFile, certificateFile: relay.server.certificate.certificatePath)
    }

    /// A server whose every remote domain goes through `relayHost` with these settings.
    static func startSender(relayHost: String, _ settings: @escaping @Sendable (inout MailwardConfiguration.DeliverySettings) -> Void)
        async throws -> TestServer {
        try await TestServer.start { c in
            c.hostname = "mail.demo.test"
            c.delivery.relayHost = relayHost
            c.delivery.retrySchedule = [1]
            c.delivery.pollInterval = 0.2
            c.delivery.timeout = 10
            settings(&c.delivery)
        }
    }

    static func enqueue(_ id: String, subject: String, on server: TestServer) async throws {
        try await server.runtime.deliveryQueue.enqueue(OutboundMessage(
            id: id, sender: "agent@relay.test", recipients: ["bob@relay.test"], raw: message(subject: subject), createdAt: Date()))
    }

    static func subjects(in server: TestServer, of account: Account) async throws -> [String] {
        let inbox = try await server.runtime.mail.inbox(accountID: account.id)
        return try await server.runtime.store.messages(mailboxID: inbox.id).map(\.summary.subject)
    }

    /// The first attempt's outcome for a message that must stay queued.
    static func firstError(_ id: String, on server: TestServer) async throws -> String {
        try await eventually("first attempt of \(id) deferred") {
            (try await server.runtime.store.message(id: id)?.recipients.first?.attempts ?? 0) >= 1
        }
        let recipient = try #require(try await server.runtime.store.message(id: id)?.recipients.first)
        #expect(recipient.state == .pending)
        return recipient.lastError ?? ""
    }

    /// STARTTLS on the submission port, the relay named by address (its certificate is checked
    /// against 127.0.0.1); implicit TLS on the other, the relay named by name.
    @Test(arguments: [(MailwardServer.Door.submission, "127.0.0.1", MailwardConfiguration.DeliverySettings.RelayTLS.starttls),
                      (MailwardServer.Door.submissionTLS, "localhost", .implicit)])
    func aLoginOverVerifiedTLSDelivers(door: MailwardServer.Door, host: String,
                                       tls: MailwardConfiguration.DeliverySettings.RelayTLS) async throws {
        let relay = try await Self.startRelay()
        let port = await relay.server.port(door)
        let sender = try await Self.startSender(relayHost: "\(host):\(port)") { d in
            d.relayTLS = tls
            d.relayCAFile = relay.caFile
            d.relayUsername = "agent@relay.test"
            d.relayPassword = Self.password
        }
        try await Self.enqueue("m-relay-\(tls.rawValue)", subject: "Via \(tls.rawValue)", on: sender)
        try await eventually("Bob has it") { try await Self.subjects(in: relay.server, of: relay.bob) == ["Via \(tls.rawValue)"] }
        try await eventually("the queue is empty") { try await sender.runtime.store.allMessages().isEmpty }
        try await sender.stop()
        try await relay.server.stop()
    }

    /// A relay with a self-signed certificate (another Mailward left as installed): its own
    /// certificate is pinned; any other certificate, even one with its names, gets nothing.
    @Test func aPinnedSelfSignedCertificateDeliversAndAnotherGetsNothing() async throws {
        let relay = try await Self.startRelay(selfSigned: true)
        let port = await relay.server.port(.submission)
        let impostor = FileManager.default.temporaryDirectory.appendingPathComponent("impostor-\(UUID().uuidString).pem").path
        try Data(try SelfSignedCertificate.make(hostname: "relay.test", now: Date()).certificatePEM.utf8)
            .write(to: URL(fileURLWithPath: impostor))
        for (pin, subject) in [(relay.certificateFile, "Pinned"), (impostor, "Impostor")] {
            let sender = try await Self.startSender(relayHost: "localhost:\(port)") { d in
                d.relayTLS = .starttls
                d.relayCertificate = pin
                d.relayUsername = "agent@relay.test"
                d.relayPassword = Self.password
            }
            try await Self.enqueue("m-relay-\(subject)", subject: subject, on: sender)
            if subject == "Pinned" {
                try await eventually("Bob has it") { try await Self.subjects(in: relay.server, of: relay.bob) == ["Pinned"] }
                try await eventually("the queue is empty") { try await sender.runtime.store.allMessages().isEmpty }
            } else {
                let error = try await Self.firstError("m-relay-\(subject)", on: sender)
                #expect(error.contains("CERTIFICATE_VERIFY_FAILED"), "\(error)")
                #expect(try await Self.subjects(in: relay.server, of: relay.bob) == ["Pinned"])
            }
            try await sender.stop()
        }
        // And the CA that did not sign the relay's certificate is no way round it.
        let sender = try await Self.startSender(relayHost: "localhost:\(port)") { d in
            d.relayTLS = .starttls
            d.relayCAFile = relay.caFile
        }
        try await Self.enqueue("m-relay-wrong-ca", subject: "Wrong CA", on: sender)
        #expect(try await Self.firstError("m-relay-wrong-ca", on: sender).contains("CERTIFICATE_VERIFY_FAILED"))
        try await sender.stop()
        try await relay.server.stop()
    }

    /// Pinned, the certificate need not name the relay as it is reached: here it names only
    /// relay.test, and the relay is reached as localhost. (Verified through the CA, the same
    /// certificate is refused for that.)
    @Test func aPinnedCertificateNeedNotNameTheRelay() async throws {
        let relay = try await Self.startRelay(names: ["relay.test"], addresses: [])
        let port = await relay.server.port(.submissionTLS)
        for (pinned, subject) in [(false, "Through the CA"), (true, "Pinned")] {
            let sender = try await Self.startSender(relayHost: "localhost:\(port)") { d in
                d.relayTLS = .implicit
                if pinned { d.relayCertificate = relay.certificateFile } else { d.relayCAFile = relay.caFile }
                d.relayUsername = "agent@relay.test"
                d.relayPassword = Self.password
            }
            let id = "m-relay-names-\(pinned)"
            try await Self.enqueue(id, subject: subject, on: sender)
            if pinned {
                try await eventually("Bob has it") { try await Self.subjects(in: relay.server, of: relay.bob) == ["Pinned"] }
            } else {
                let error = try await Self.firstError(id, on: sender)
                #expect(error.contains("failedToValidateHostname"), "\(error)")
                #expect(try await Self.subjects(in: relay.server, of: relay.bob).isEmpty)
            }
            try await sender.stop()
        }
        try await relay.server.stop()
    }

    /// A relay that is not Mailward: aiosmtpd's own AUTH, offering one mechanism, over STARTTLS
    /// or implicit TLS with a certificate from the private CA.
    @Test(arguments: [("PLAIN", false), ("LOGIN", true)])
    func aThirdPartyRelayTakesTheLogin(mechanism: String, implicitTLS: Bool) async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("relay-peer-\(UUID().uuidString)").path
        let authority = try TestCertificateAuthority()
        let caFile = try authority.writeCertificate(into: folder)
        let files = try authority.issueServerCertificate(hostnames: ["localhost"], into: folder)
        let peer = try await SinkPeer.startRelay(login: "agent@relay.test", password: Self.password, mechanisms: [mechanism],
                                                 certificate: files.certificatePath, key: files.keyPath, implicitTLS: implicitTLS)
        defer { peer.stop() }
        let sender = try await Self.startSender(relayHost: "localhost:\(peer.port)") { d in
            d.relayTLS = implicitTLS ? .implicit : .starttls
            d.relayCAFile = caFile
            d.relayUsername = "agent@relay.test"
            d.relayPassword = Self.password
        }
        try await Self.enqueue("m-peer-\(mechanism)", subject: "Via \(mechanism)", on: sender)
        let received = try await peer.waitForMessages(1)
        #expect(received[0].login == "agent@relay.test" && received[0].tls)
        #expect(received[0].to == ["bob@relay.test"])
        #expect(String(decoding: received[0].bytes, as: UTF8.self).contains("Subject: Via \(mechanism)"))
        try await eventually("the queue is empty") { try await sender.runtime.store.allMessages().isEmpty }
        try await sender.stop()
    }

    /// LOGIN, for a relay that offers only that: the relay (which offers both) is asked with it.
    @Test func theLOGINMechanismWorksWhereOnlyItIsOffered() async throws {
        let relay = try await Self.startRelay()
        let hop = NextHop(host: "localhost", port: await relay.server.port(.submissionTLS),
                          security: RelaySecurity(tls: .implicit, trustRootsFile: relay.caFile))
        for (password, accepted) in [(Self.password, true), ("wrong-password", false)] {
            let connection = try await SMTPClientConnection.connect(to: hop, timeout: .seconds(10))
            #expect(try await connection.readReply().code == 220)
            try await connection.send([.ehlo("mail.demo.test")])
            #expect(try await connection.readReply().isPositiveCompletion)
            let refusal = try await RelayAuthentication.logIn(
                connection, RelayLogin(username: "agent@relay.test", password: password), offered: ["LOGIN"])
            if accepted { #expect(refusal == nil) } else { #expect(refusal?.hasPrefix("535") == true, "\(refusal ?? "nil")") }
            await connection.close()
        }
        let none = RelayLogin(username: "agent@relay.test", password: "secret-words")
        #expect(!"\(none)".contains("secret-words"))
        try await relay.server.stop()
    }

    @Test func aRefusedLoginKeepsTheMessageQueued() async throws {
        let relay = try await Self.startRelay()
        let port = await relay.server.port(.submissionTLS)
        let sender = try await Self.startSender(relayHost: "localhost:\(port)") { d in
            d.relayTLS = .implicit
            d.relayCAFile = relay.caFile
            d.relayUsername = "agent@relay.test"
            d.relayPassword = "not-the-password"
        }
        try await Self.enqueue("m-relay-refused", subject: "Wrong password", on: sender)
        let error = try await Self.firstError("m-relay-refused", on: sender)
        #expect(error.contains("did not accept the relay login") && error.contains("535"), "\(error)")
        #expect(!error.contains("not-the-password"))
        #expect(try await Self.subjects(in: relay.server, of: relay.bob).isEmpty)
        try await sender.stop()
        try await relay.server.stop()
    }

    @Test func aCertificateThatDoesNotVerifyGetsNothing() async throws {
        let relay = try await Self.startRelay()
        let port = await relay.server.port(.submission)
        // No CA file: the system's trust store does not know the private CA that signed the relay's certificate.
        let sender = try await Self.startSender(relayHost: "localhost:\(port)") { d in
            d.relayTLS = .starttls
            d.relayUsername = "agent@relay.test"
            d.relayPassword = Self.password
        }
        try await Self.enqueue("m-relay-untrusted", subject: "Untrusted", on: sender)
        let error = try await Self.firstError("m-relay-untrusted", on: sender)
        #expect(error.contains("CERTIFICATE_VERIFY_FAILED"), "\(error)")
        #expect(try await Self.subjects(in: relay.server, of: relay.bob).isEmpty)
        try await sender.stop()
        try await relay.server.stop()
    }

    @Test func aRelayWithoutSTARTTLSGetsNoLoginAndNoMessage() async throws {
        let sink = try await SinkPeer.start(startTLS: false)
        defer { sink.stop() }
        let sender = try await Self.startSender(relayHost: "127.0.0.1:\(sink.port)") { d in
            d.relayTLS = .starttls
            d.relayUsername = "agent@relay.test"
            d.relayPassword = Self.password
        }
        try await Self.enqueue("m-relay-cleartext", subject: "Cleartext", on: sender)
        let error = try await Self.firstError("m-relay-cleartext", on: sender)
        #expect(error.contains("does not offer STARTTLS"), "\(error)")
        #expect(sink.received.isEmpty)
        try await sender.stop()
    }
}
