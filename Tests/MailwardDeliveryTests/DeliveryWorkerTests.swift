import Foundation
import MailwardCore
import MailwardMIME
import MailwardTesting
import NIOCore
import NIOPosix
import SMTPCodec
import Synchronization
import Testing
@testable import MailwardDelivery

/// The worker with in-memory stores, a fixed clock and a scripted transport: no sockets, no
/// sleeping; time moves when the test says.
@Suite struct DeliveryWorkerTests {
    /// Answers every attempt with the next scripted verdict kind and remembers what it was asked.
    final class ScriptedTransport: SMTPTransport {
        let script: Mutex<[RecipientVerdict]>
        let calls = Mutex<[(SMTPDeliveryRequest, NextHop)]>([])
        init(_ script: [RecipientVerdict]) { self.script = Mutex(script) }

        func deliver(_ request: SMTPDeliveryRequest, to hop: NextHop) async -> [RecipientVerdict] {
            calls.withLock { $0.append((request, hop)) }
            let verdict = script.withLock { $0.count > 1 ? $0.removeFirst() : $0[0] }
            return request.recipients.map { _ in verdict }
        }
        var count: Int { calls.withLock { $0.count } }
    }

    struct StaticRouter: DeliveryRouting {
        var result: Result<[NextHop], RoutingError>
        func nextHops(for domain: String) async throws(RoutingError) -> [NextHop] { try result.get() }
    }

    static let busy = RecipientVerdict(kind: .deferred, status: "4.3.0", diagnostic: "smtp; 451 4.3.0 busy", remoteMTA: "mx")
    static let ok = RecipientVerdict(kind: .accepted, status: "2.0.0", diagnostic: "smtp; 250 ok", remoteMTA: "mx")

    struct Fixture {
        let clock = FixedClock()
        let store = InMemoryDeliveryQueueStore()
        let mail: MailService
        let accounts: AccountService
        let worker: DeliveryWorker
        let alice: Account
        let autoResponder: AutoResponder
        /// What the automatic replies reported as failed.
        final class Failures: Sendable { let list = Mutex<[String]>([]) }
        let autoReplyFailures = Failures()

        init(transport: any SMTPTransport, router: any DeliveryRouting = StaticRouter(result: .success([NextHop(host: "mx", port: 25)])),
             schedule: RetrySchedule = RetrySchedule(steps: [60, 600], maxAge: 3600),
             delayNoticeAfter: TimeInterval? = nil) async throws {
            let directory = InMemoryDirectoryStore()
            mail = MailService(store: InMemoryMailStore(), blobs: InMemoryBlobStore(), clock: clock)
            let mail = self.mail
            accounts = AccountService(store: directory, clock: clock, onAccountCreated: { try await mail.provision(accountID: $0.id) })
            try await accounts.addDomain("demo.test")
            alice = try await accounts.addAccount("alice@demo.test", password: "Tea-Garden-42")
            let queue = DeliveryQueue(store: store, blobs: InMemoryBlobStore())
            let failures = autoReplyFailures
            autoResponder = AutoResponder(mail: mail, accounts: accounts, outbound: queue, index: AutoReplyIndex(),
                                          report: { failure in failures.list.withLock { $0.append(failure) } })
            worker = DeliveryWorker(queue: queue, mail: mail, accounts: accounts, router: router, transport: transport,
                                    settings: .init(hostname: "mail.demo.test", schedule: schedule,
                                                    delayNoticeAfter: delayNoticeAfter), clock: clock, autoResponder: autoResponder)
        }

        func enqueue(_ id: String, sender: String = "alice@demo.test", to recipients: [String] = ["bob@remote.test"],
                     notifications: DeliveryNotifications? = nil) async throws {
            try await worker.queue.enqueue(OutboundMessage(id: id, sender: sender, recipients: recipients,
                                                           raw: Array("Subject: \(id)\r\n\r\nbody\r\n".utf8), createdAt: clock.now,
                                                           notifications: notifications))
        }

        func inbox() async throws -> [String] {
            let inbox = try await mail.inbox(accountID: alice.id)
            var texts: [String] = []
            for record in try await mail.store.messages(mailboxID: inbox.id) {
                texts.append(String(decoding: try await mail.raw(record), as: UTF8.self))
            }
            return texts
        }
    }

    @Test func retriesFollowTheScheduleThenExpireIntoABounce() async throws {
        let transport = ScriptedTransport([Self.busy])
        let f = try await Fixture(transport: transport)
        try await f.enqueue("m")
        #expect(await f.worker.deliverDue() == 1)
        var recipient = try #require(try await f.store.message(id: "m")).recipients[0]
        #expect(recipient.attempts == 1 && recipient.nextAttemptAt == f.clock.now + 60)
        // Nothing is due before the schedule says so.
        f.clock.advance(by: 59)
        #expect(await f.worker.deliverDue() == 0)
        f.clock.advance(by: 1)
        #expect(await f.worker.deliverDue() == 1)
        recipient = try #require(try await f.store.message(id: "m")).recipients[0]
        #expect(recipient.attempts == 2 && recipient.nextAttemptAt == f.clock.now + 600)
        // The last step repeats, capped at the expiry time.
        for _ in 0..<5 {
            f.clock.advance(by: 600)
            await f.worker.deliverDue()
        }
        // 7 attempts so far; the next one is placed at the expiry time itself, and fails for good.
        #expect(try #require(try await f.store.message(id: "m")).recipients[0].nextAttemptAt == f.clock.now + 540)
        f.clock.advance(by: 540)
        await f.worker.deliverDue()
        #expect(try await f.store.message(id: "m") == nil)
        #expect(transport.count == 8)
        let inbox = try await f.inbox()
        try #require(inbox.count == 1)
        #expect(inbox[0].contains("Status: 4.4.7") && inbox[0].contains("delivery time expired"))
        #expect(inbox[0].contains("Subject: Undelivered Mail Returned to Sender (delivery time expired)"))
    }

    @Test func oneDelayNoticeAfterTheConfiguredTime() async throws {
        let f = try await Fixture(transport: ScriptedTransport([Self.busy]), delayNoticeAfter: 600)
        try await f.enqueue("m")
        await f.worker.deliverDue()
        #expect(try await f.inbox().isEmpty)
        f.clock.advance(by: 60)
        await f.worker.deliverDue()
        #expect(try await f.inbox().isEmpty)
        f.clock.advance(by: 600)
        await f.worker.deliverDue()
        let inbox = try await f.inbox()
        try #require(inbox.count == 1)
        #expect(inbox[0].contains("Action: delayed") && inbox[0].contains("Subject: Delayed Mail"))
        #expect(try await f.store.message(id: "m")?.recipients[0].delayNotified == true)
        f.clock.advance(by: 600)
        await f.worker.deliverDue()
        #expect(try await f.inbox().count == 1)
    }

    // MARK: What the sender asked to be told (DSN, RFC 3461)

    /// `NOTIFY=NEVER`, or a list without FAILURE: a refused recipient is given up on without a
    /// bounce; another recipient of the same message that asked nothing is bounced as ever.
    @Test func noBounceForWhoAskedForNone() async throws {
        let rejected = RecipientVerdict(kind: .rejected, status: "5.1.1", diagnostic: "smtp; 550 5.1.1 no such user", remoteMTA: "mx")
        let f = try await Fixture(transport: ScriptedTransport([rejected]))
        try await f.enqueue("never", to: ["bob@remote.test", "carol@remote.test"], notifications: .init(recipients: [
            "bob@remote.test": .init(notify: []), "carol@remote.test": .init(notify: [.success, .delay]),
        ]))
        await f.worker.deliverDue()
        #expect(try await f.store.message(id: "never") == nil)
        #expect(try await f.inbox().isEmpty)
        try await f.enqueue("some", to: ["bob@remote.test", "dan@remote.test"], notifications: .init(recipients: [
            "bob@remote.test": .init(notify: []),
        ]))
        await f.worker.deliverDue()
        let inbox = try await f.inbox()
        try #require(inbox.count == 1)
        #expect(inbox[0].contains("Final-Recipient: rfc822; dan@remote.test") && !inbox[0].contains("bob@remote.test"))
    }

    /// `NOTIFY=SUCCESS` to a next hop that offers no DSN: once it took the message the sender
    /// gets a "relayed" report, with its envelope id and the original recipient; a hop that took
    /// the request on (it offered DSN) reports itself, so nothing comes from here.
    @Test func successIsReportedAsRelayedUnlessTheHopTookTheRequest() async throws {
        let asked = DeliveryNotifications(envelopeID: "my id 7", recipients: [
            "bob@remote.test": .init(notify: [.success, .failure], originalRecipient: "rfc822;Bob@Remote.TEST"),
        ])
        let f = try await Fixture(transport: ScriptedTransport([Self.ok]))
        try await f.enqueue("m", notifications: asked)
        await f.worker.deliverDue()
        #expect(try await f.store.message(id: "m") == nil)
        await f.worker.deliverDue()  // the report itself, to local alice, if not in the same run
        let inbox = try await f.inbox()
        try #require(inbox.count == 1)
        #expect(inbox[0].contains("Subject: Successful Mail Delivery Report"))
        #expect(inbox[0].contains("Original-Envelope-Id: my id 7\r\n"))
        #expect(inbox[0].contains("Original-Recipient: rfc822;Bob@Remote.TEST\r\nFinal-Recipient: rfc822; bob@remote.test\r\n"
            + "Action: relayed\r\nStatus: 2.0.0\r\nRemote-MTA: dns; mx\r\n"))
        #expect(inbox[0].contains("Content-Type: text/rfc822-headers") && inbox[0].contains("Subject: m\r\n"))

        var passedOn = Self.ok
        passedOn.notificationsPassedOn = true
        let g = try await Fixture(transport: ScriptedTransport([passedOn]))
        try await g.enqueue("m", notifications: asked)
        await g.worker.deliverDue()
        await g.worker.deliverDue()
        #expect(try await g.inbox().isEmpty)
    }

    /// A queued copy for a local mailbox (it was full at the door) that asked for success: a
    /// "delivered" report once it is in.
    @Test func aLocalDeliveryIsReportedAsDelivered() async throws {
        let f = try await Fixture(transport: ScriptedTransport([Self.busy]))
        try await f.enqueue("m", sender: "someone@remote.test", to: ["alice@demo.test"], notifications: .init(recipients: [
            "alice@demo.test": .init(notify: [.success]),
        ]))
        await f.worker.deliverDue()
        #expect(try await f.inbox().count == 1)
        // The report goes to someone@remote.test's server (busy here: it waits in the queue).
        let calls = (f.worker.transport as! ScriptedTransport).calls.withLock { $0.map(\.0) }
        #expect(calls.map(\.sender) == [""] && calls.map(\.recipients) == [["someone@remote.test"]])
        let report = try #require(try await f.store.allMessages().first)
        #expect(report.sender == "" && report.recipients.map(\.address) == ["someone@remote.test"])
        let text = String(decoding: try await f.worker.queue.body(of: report), as: UTF8.self)
        #expect(text.contains("Action: delivered\r\nStatus: 2.0.0\r\n") && text.contains("Final-Recipient: rfc822; alice@demo.test"))
    }

    /// `NOTIFY=FAILURE` alone: no "still trying" notice, while one who asked nothing gets it.
    @Test func aDelayNoticeOnlyWhenDelaysAreReported() async throws {
        let f = try await Fixture(transport: ScriptedTransport([Self.busy]), delayNoticeAfter: 60)
        try await f.enqueue("m", to: ["bob@remote.test", "carol@remote.test"], notifications: .init(recipients: [
            "bob@remote.test": .init(notify: [.failure]),
        ]))
        await f.worker.deliverDue()
        f.clock.advance(by: 60)
        await f.worker.deliverDue()
        let inbox = try await f.inbox()
        try #require(inbox.count == 1)
        #expect(inbox[0].contains("Action: delayed") && inbox[0].contains("carol@remote.test") && !inbox[0].contains("bob@remote.test"))
    }

    /// The request as handed to a next hop that offers DSN: the events in RFC order, NEVER for
    /// none, the original recipient and the envelope id back in xtext.
    @Test func theRequestIsHandedOnInXText() {
        let request = DeliveryNotifications(envelopeID: "id=1 +x", returned: .headers)
        #expect(SMTPClientTransport.notificationParameters(request).map(\.description) == ["RET=HDRS", "ENVID=id+3D1+20+2Bx"])
        let bob = DeliveryNotifications.Recipient(notify: [.delay, .success], originalRecipient: "rfc822;Bob+x=y@Remote.TEST")
        #expect(SMTPClientTransport.notificationParameters(bob).map(\.description)
            == ["NOTIFY=SUCCESS,DELAY", "ORCPT=rfc822;Bob+2Bx+3Dy@Remote.TEST"])
        #expect(SMTPClientTransport.notificationParameters(.init(notify: [])).map(\.description) == ["NOTIFY=NEVER"])
        #expect(SMTPClientTransport.notificationParameters(.init()).isEmpty)
    }

    /// `RET=FULL`: the bounce carries the whole message (`message/rfc822`); `RET=HDRS` and no RET
    /// only its headers.
    @Test func retFullReturnsTheWholeMessage() {
        let original = Array("Subject: Plans\r\nFrom: a@b\r\n\r\nThe body comes back.\r\n".utf8)
        let verdict = RecipientVerdict(kind: .rejected, status: "5.1.1", diagnostic: "smtp; 550 no", remoteMTA: "mx")
        func report(_ returned: DeliveryNotifications.Returned?) -> String {
            String(decoding: DeliveryStatusNotification.build(
                reportingMTA: "mail.demo.test", originalSender: "a@b", originalMessage: original, originalID: "q1",
                failures: [.init(recipient: "x@y", verdict: verdict)], arrivalDate: Date(), now: Date(),
                notifications: DeliveryNotifications(returned: returned), boundary: "B"), as: UTF8.self)
        }
        let full = report(.full)
        #expect(full.contains("Content-Type: message/rfc822\r\nContent-Description: Undelivered message\r\n\r\n"
            + "Subject: Plans\r\nFrom: a@b\r\n\r\nThe body comes back.\r\n\r\n--B--"))
        for headersOnly in [report(.headers), report(nil)] {
            #expect(headersOnly.contains("Content-Type: text/rfc822-headers") && !headersOnly.contains("The body comes back"))
        }
        // An 8-bit body with ASCII header fields: message/rfc822, declared 8bit.
        let chinese = Array("Subject: Plans\r\n\r\n计划如下。\r\n".utf8)
        let eightBit = String(decoding: DeliveryStatusNotification.build(
            reportingMTA: "mail.demo.test", originalSender: "a@b", originalMessage: chinese, originalID: "q1",
            failures: [.init(recipient: "x@y", verdict: verdict)], arrivalDate: Date(), now: Date(),
            notifications: DeliveryNotifications(returned: .full), boundary: "B"), as: UTF8.self)
        #expect(eightBit.contains("Content-Type: message/rfc822\r\nContent-Description: Undelivered message\r\n"
            + "Content-Transfer-Encoding: 8bit\r\n\r\nSubject: Plans\r\n\r\n计划如下。\r\n"))
    }

    /// Failures at two domains in one pass: one DSN naming both (the outbound audit got two),
    /// while the domain that took the message is recorded and not sent to again.
    @Test func failuresAtSeveralDomainsMakeOneBounce() async throws {
        let rejected = RecipientVerdict(kind: .rejected, status: "5.1.1", diagnostic: "smtp; 550 5.1.1 no such user", remoteMTA: "mx")
        // Domains go in sorted order: a.test, b.test, c.test.
        let transport = ScriptedTransport([rejected, Self.ok, rejected])
        let f = try await Fixture(transport: transport)
        try await f.enqueue("m", to: ["x@a.test", "y@b.test", "z@c.test"])
        await f.worker.deliverDue()
        await f.worker.deliverDue()  // the bounce, delivered locally
        #expect(try await f.store.message(id: "m") == nil)
        let inbox = try await f.inbox()
        try #require(inbox.count == 1)
        #expect(inbox[0].contains("Final-Recipient: rfc822; x@a.test") && inbox[0].contains("Final-Recipient: rfc822; z@c.test"))
        #expect(!inbox[0].contains("y@b.test>:"))
        #expect(transport.count == 3)
    }

    /// Queued local recipients are delivered apart: a mailbox without room now waits (4.2.2, retried)
    /// while the others get their copies, and one too small for the message at all bounces at once.
    @Test func aFullLocalMailboxWaitsWithoutHoldingUpTheOthers() async throws {
        let f = try await Fixture(transport: ScriptedTransport([Self.ok]))
        let carol = try await f.accounts.addAccount("carol@demo.test", password: "Tea-Garden-42")
        let dave = try await f.accounts.addAccount("dave@demo.test", password: "Tea-Garden-42")
        try await f.mail.store.setQuotaLimit(accountID: carol.id, bytes: 30)
        try await f.mail.store.setQuotaLimit(accountID: dave.id, bytes: 100)
        _ = try await f.mail.deliver(Array("Subject: filler\r\n\r\n0123456789012345678901234567890123456789\r\n".utf8), to: [dave.id])
        func subjects(_ account: Account) async throws -> [String] {
            let inbox = try await f.mail.inbox(accountID: account.id)
            var subjects: [String] = []
            for record in try await f.mail.store.messages(mailboxID: inbox.id) {
                let text = String(decoding: try await f.mail.raw(record), as: UTF8.self)
                subjects += text.split(separator: "\r\n").first { $0.hasPrefix("Subject: ") }.map { [String($0)] } ?? []
            }
            return subjects
        }
        try await f.enqueue("m", to: ["alice@demo.test", "carol@demo.test", "dave@demo.test"])
        await f.worker.deliverDue()
        #expect(try await subjects(f.alice).first == "Subject: m")
        let waiting = try #require(try await f.store.message(id: "m")).recipients.filter { $0.state == .pending }
        #expect(waiting.map(\.address) == ["dave@demo.test"] && waiting.first?.lastError?.contains("mailbox full") == true, "\(waiting)")
        await f.worker.deliverDue()  // carol's bounce, delivered locally to the sender (if not yet)
        #expect(try await subjects(f.alice) == ["Subject: m", "Subject: Undelivered Mail Returned to Sender"])
        let bounce = try #require(try await f.inbox().last)
        #expect(bounce.contains("Final-Recipient: rfc822; carol@demo.test") && bounce.contains("Status: 5.2.2"))
        #expect(!bounce.contains("dave@demo.test"))
        // Once dave has room, the retry brings his copy.
        try await f.mail.store.setQuotaLimit(accountID: dave.id, bytes: 10_000)
        f.clock.advance(by: 60)
        await f.worker.deliverDue()
        #expect(try await subjects(dave) == ["Subject: filler", "Subject: m"])
        #expect(try await f.store.message(id: "m") == nil)
    }

    /// A copy that waited for room goes where the MX door's filters put the message (Junk), and
    /// is answered by the recipient's automatic reply as it would have been on arrival — never
    /// one filed as junk.
    @Test func aQueuedCopyKeepsItsFolderAndGetsTheAutomaticReply() async throws {
        let transport = ScriptedTransport([Self.ok])
        let f = try await Fixture(transport: transport)
        let carol = try await f.accounts.addAccount("carol@demo.test", password: "Tea-Garden-42")
        try await f.autoResponder.set(AutoReply(enabled: true, text: "休假中", endsAt: f.clock.now + 10 * 86_400), for: carol)
        func message(_ subject: String) -> [UInt8] {
            Array("From: Wang <wang@far.test>\r\nTo: carol@demo.test\r\nSubject: \(subject)\r\nMessage-ID: <\(UUID())@far.test>\r\n\r\nhi\r\n".utf8)
        }
        func subjects(_ use: SpecialUse?) async throws -> [String] {
            let box = if let use { try #require(try await f.mail.mailbox(accountID: carol.id, specialUse: use)) }
                else { try await f.mail.inbox(accountID: carol.id) }
            return try await f.mail.store.messages(mailboxID: box.id).map(\.summary.subject)
        }
        /// The replies to the sender — still queued, or already sent by the worker if it was
        /// still running when one was queued (they are made in a task of their own) — once at
        /// least `count` are there, or after ten seconds.
        func replies(atLeast count: Int) async throws -> Int {
            let deadline = ContinuousClock.now + .seconds(10)
            while true {
                let queued = try await f.store.allMessages().filter { $0.recipients.map(\.address) == ["wang@far.test"] && $0.sender == "" }
                let sent = transport.calls.withLock { $0.filter { $0.0.recipients == ["wang@far.test"] && $0.0.sender == "" } }
                if queued.count + sent.count >= count || ContinuousClock.now > deadline { return queued.count + sent.count }
                try await Task.sleep(for: .milliseconds(20))
            }
        }
        try await f.worker.queue.enqueue(OutboundMessage(id: "spam", sender: "wang@far.test", recipients: ["carol@demo.test"],
                                                         raw: message("offer"), createdAt: f.clock.now, localFolder: .junk))
        await f.worker.deliverDue()
        #expect(try await subjects(.junk) == ["offer"])
        #expect(try await subjects(nil).isEmpty)

        try await f.worker.queue.enqueue(OutboundMessage(id: "hello", sender: "wang@far.test", recipients: ["carol@demo.test"],
                                                         raw: message("meeting"), createdAt: f.clock.now))
        await f.worker.deliverDue()
        #expect(try await subjects(nil) == ["meeting"])
        // One reply: to the message in INBOX; a reply to the junk one would have been made first.
        #expect(try await replies(atLeast: 1) == 1)
        try await Task.sleep(for: .milliseconds(200))
        #expect(try await replies(atLeast: 0) == 1, "\(f.autoReplyFailures.list.withLock { $0 })")
    }

    @Test func permanentRoutingErrorsBounceAtOnce() async throws {
        let transport = ScriptedTransport([Self.ok])
        let f = try await Fixture(transport: transport, router: StaticRouter(result: .failure(.permanent("domain remote.test does not exist"))))
        try await f.enqueue("m")
        await f.worker.deliverDue()
        await f.worker.deliverDue()  // the bounce itself, delivered locally
        #expect(transport.count == 0)
        let inbox = try await f.inbox()
        #expect(inbox.count == 1 && inbox[0].contains("Status: 5.1.2") && inbox[0].contains("Diagnostic-Code: x-mailward; domain remote.test does not exist\r\n"))
        #expect(try await f.store.allMessages().isEmpty)
    }

    @Test func temporaryRoutingErrorsDefer() async throws {
        let f = try await Fixture(transport: ScriptedTransport([Self.ok]),
                                  router: StaticRouter(result: .failure(.temporary("MX lookup timed out"))))
        try await f.enqueue("m")
        await f.worker.deliverDue()
        let recipient = try #require(try await f.store.message(id: "m")).recipients[0]
        #expect(recipient.state == .pending && recipient.lastError == "MX lookup timed out")
    }

    @Test func deferredRecipientsTryTheNextHop() async throws {
        let transport = ScriptedTransport([Self.busy, Self.ok])
        let hops = [NextHop(host: "192.0.2.1", port: 25, name: "mx1"), NextHop(host: "192.0.2.2", port: 25, name: "mx2")]
        let f = try await Fixture(transport: transport, router: StaticRouter(result: .success(hops)))
        try await f.enqueue("m", to: ["a@remote.test", "b@remote.test"])
        await f.worker.deliverDue()
        #expect(transport.calls.withLock { $0.map(\.1.name) } == ["mx1", "mx2"])
        #expect(transport.calls.withLock { $0[1].0.recipients } == ["a@remote.test", "b@remote.test"])
        #expect(try await f.store.allMessages().isEmpty)
    }

    /// What one MX lacks (8BITMIME, room under its SIZE) is not the domain's verdict: the next MX
    /// is tried, and only when none takes the message does it bounce — once.
    @Test func aRefusalForWhatOneHostLacksTriesTheNextHop() async throws {
        let lacks8Bit = RecipientVerdict(kind: .rejected, status: "5.6.3", diagnostic: "mx1 does not accept 8-bit mail",
                                         remoteMTA: "mx1", thisHostOnly: true)
        let hops = [NextHop(host: "192.0.2.1", port: 25, name: "mx1"), NextHop(host: "192.0.2.2", port: 25, name: "mx2")]
        let transport = ScriptedTransport([lacks8Bit, Self.ok])
        let f = try await Fixture(transport: transport, router: StaticRouter(result: .success(hops)))
        try await f.enqueue("m")
        await f.worker.deliverDue()
        #expect(transport.calls.withLock { $0.map(\.1.name) } == ["mx1", "mx2"])
        #expect(try await f.store.allMessages().isEmpty)
        #expect(try await f.inbox().isEmpty)

        let nowhere = ScriptedTransport([lacks8Bit])
        let g = try await Fixture(transport: nowhere, router: StaticRouter(result: .success(hops)))
        try await g.enqueue("n")
        await g.worker.deliverDue()
        #expect(nowhere.count == 2)
        let bounces = try await g.inbox()
        #expect(bounces.count == 1 && bounces[0].contains("Status: 5.6.3"))
    }

    @Test func retryScheduleArithmetic() {
        let schedule = RetrySchedule(steps: [10, 100], maxAge: 1000)
        let t0 = Date(timeIntervalSince1970: 0)
        #expect(schedule.nextAttempt(afterAttempts: 1, now: t0, createdAt: t0) == t0 + 10)
        #expect(schedule.nextAttempt(afterAttempts: 2, now: t0 + 10, createdAt: t0) == t0 + 110)
        #expect(schedule.nextAttempt(afterAttempts: 9, now: t0 + 950, createdAt: t0) == t0 + 1000)
        #expect(schedule.nextAttempt(afterAttempts: 10, now: t0 + 1000, createdAt: t0) == nil)
    }

    @Test func ehloExtensionsAreRead() {
        let reply = SMTPReply(code: 250, enhancedStatusCode: nil,
                              lines: ["mx.example", "PIPELINING", "SIZE 1000", "8BITMIME", "STARTTLS", "ENHANCEDSTATUSCODES", "X-FOO bar"])
        let extensions = SMTPServerExtensions(ehlo: reply)
        #expect(extensions.pipelining && extensions.eightBitMIME && extensions.startTLS && extensions.enhancedStatusCodes)
        #expect(extensions.sizeLimit == 1000 && !extensions.smtpUTF8)
        #expect(SMTPServerExtensions(ehlo: SMTPReply(code: 250, nil, "mx")).sizeLimit == nil)
        #expect(extensions.authMechanisms.isEmpty)
        // AUTH (RFC 4954), and the `AUTH=` form written for clients older than it.
        let auth = SMTPServerExtensions(ehlo: SMTPReply(code: 250, enhancedStatusCode: nil,
                                                        lines: ["relay.example", "AUTH plain LOGIN CRAM-MD5", "AUTH=LOGIN XOAUTH2"]))
        #expect(auth.authMechanisms == ["PLAIN", "LOGIN", "CRAM-MD5", "XOAUTH2"])
    }

    @Test func dsnCarriesOnlyTheOriginalHeadersAndNoInjectedLines() throws {
        let original = Array("Subject: Secret plans\r\nFrom: a@b\r\n\r\nThe body must not be copied.\r\n".utf8)
        let verdict = RecipientVerdict(kind: .rejected, status: "5.1.1", diagnostic: "smtp; 550 no\r\nX-Evil: 1", remoteMTA: "mx")
        let dsn = String(decoding: DeliveryStatusNotification.build(
            reportingMTA: "mail.demo.test", originalSender: "a@b", originalMessage: original, originalID: "q1",
            failures: [.init(recipient: "x@y", verdict: verdict)], arrivalDate: Date(), now: Date(), boundary: "B"), as: UTF8.self)
        #expect(dsn.contains("Subject: Secret plans\r\nFrom: a@b\r\n\r\n--B--"))
        // The human part speaks the users' language first (the webmail's default is Chinese),
        // quoted-printable so that the whole report stays 7-bit.
        #expect(dsn.unicodeScalars.allSatisfy { $0.isASCII })
        let human = try #require(dsn.components(separatedBy: "Content-Transfer-Encoding: quoted-printable\r\n\r\n").dropFirst().first?
            .components(separatedBy: "--B").first)
        let decoded = String(decoding: QuotedPrintable.decode(Array(human.utf8)[...]), as: UTF8.self)
        #expect(decoded.hasPrefix("您的邮件未能送达以下收件人（mail.demo.test 的邮件系统）：\r\nThis is the mail system at mail.demo.test."))
        #expect(decoded.contains("Your message could not be delivered to the following recipients:"))
        #expect(!dsn.contains("The body must not be copied"))
        #expect(!dsn.contains("\r\nX-Evil"))
        #expect(dsn.contains("Diagnostic-Code: smtp; 550 no  X-Evil: 1"))
        #expect(dsn.contains("Content-Type: message/delivery-status\r\n") && dsn.contains("Final-Recipient: rfc822; x@y\r\n"))
    }

    /// The DSN for one failed recipient of a message with a Chinese subject.
    static func dsnOfChineseSubject(to recipient: String, status: String, diagnostic: String) -> String {
        let original = Array("Subject: 你好\r\nFrom: a@b\r\n\r\nbody\r\n".utf8)
        let verdict = RecipientVerdict(kind: .rejected, status: status, diagnostic: diagnostic, remoteMTA: nil)
        return String(decoding: DeliveryStatusNotification.build(
            reportingMTA: "mail.demo.test", originalSender: "a@b", originalMessage: original, originalID: "q1",
            failures: [.init(recipient: recipient, verdict: verdict)], arrivalDate: Date(), now: Date(), boundary: "B"),
            as: UTF8.self)
    }

    /// An internationalized recipient cannot stand in the ASCII message/delivery-status part:
    /// the report takes RFC 6533's global forms.
    @Test func anInternationalizedRecipientGetsTheGlobalReport() {
        let dsn = Self.dsnOfChineseSubject(to: "用户@p2.test", status: "5.6.7", diagnostic: "no SMTPUTF8")
        #expect(dsn.contains("Content-Type: message/global-delivery-status\r\n"))
        #expect(dsn.contains("Final-Recipient: utf-8; 用户@p2.test\r\n"))
        #expect(dsn.contains("Content-Type: message/global-headers\r\n"))
        #expect(!dsn.contains("message/delivery-status\r\n"))
    }

    /// An ASCII recipient of a message whose header fields are UTF-8 (submitted with SMTPUTF8):
    /// the ordinary report, the headers as message/global-headers (RFC 6533 §6.3).
    @Test func utf8HeaderFieldsGoBackAsGlobalHeaders() {
        let dsn = Self.dsnOfChineseSubject(to: "x@p2.test", status: "5.6.3", diagnostic: "no 8BITMIME")
        #expect(dsn.contains("Content-Type: message/delivery-status\r\n"))
        #expect(dsn.contains("Content-Type: message/global-headers\r\n") && !dsn.contains("text/rfc822-headers"))
        #expect(dsn.contains("Subject: 你好\r\n"))
    }

    /// Holds every delivery to the host "slow" until released; answers the others at once.
    final class SlowHostTransport: SMTPTransport {
        let released = Mutex(false)
        let hosts = Mutex<[String]>([])
        func deliver(_ request: SMTPDeliveryRequest, to hop: NextHop) async -> [RecipientVerdict] {
            hosts.withLock { $0.append(hop.host) }
            while hop.host == "slow", !released.withLock({ $0 }) { try? await Task.sleep(for: .milliseconds(10)) }
            return request.recipients.map { _ in DeliveryWorkerTests.ok }
        }
    }

    /// Each domain's mail goes to the host named by its first label (`slow.test` → "slow").
    struct HostPerDomainRouter: DeliveryRouting {
        func nextHops(for domain: String) async throws(RoutingError) -> [NextHop] {
            [NextHop(host: String(domain.split(separator: ".")[0]), port: 25)]
        }
    }

    /// The running worker claims mail queued while a slow server still holds an earlier
    /// delivery: one next hop taking minutes to answer must not hold up the rest of the queue.
    @Test func aSlowServerDoesNotHoldUpMailQueuedAfterIt() async throws {
        let transport = SlowHostTransport()
        let f = try await Fixture(transport: transport, router: HostPerDomainRouter())
        let running = Task { try await f.worker.run() }
        try await f.enqueue("first", to: ["bob@slow.test"])
        func waitUntil(_ condition: () async throws -> Bool) async throws -> Bool {
            for _ in 0..<500 {
                if try await condition() { return true }
                try await Task.sleep(for: .milliseconds(10))
            }
            return false
        }
        #expect(try await waitUntil { transport.hosts.withLock { $0 == ["slow"] } })
        try await f.enqueue("second", to: ["carol@fast.test"])
        #expect(try await waitUntil { try await f.store.message(id: "second") == nil }, "queued mail waited for the slow server")
        #expect(try await f.store.message(id: "first") != nil)
        transport.released.withLock { $0 = true }
        #expect(try await waitUntil { try await f.store.message(id: "first") == nil })
        running.cancel()
        try await running.value
    }

}

/// The SMTP client's reply interpretation, without sockets.
@Suite struct SMTPVerdictTests {
    let hop = NextHop(host: "192.0.2.1", port: 25, name: "mx.remote.test")
    func reply(_ code: Int, _ enhanced: String? = nil) -> SMTPReply {
        SMTPReply(code: code, enhancedStatusCode: enhanced.flatMap { SMTPEnhancedStatusCode($0) }, lines: ["text"])
    }

    @Test func refusedMailFromDecidesEveryone() {
        let result = SMTPClientTransport.envelopeVerdicts(prefilled: [nil, nil], mail: reply(550, "5.7.1"), rcpts: [], hop: hop)
        #expect(result.accepted.isEmpty)
        #expect(result.verdicts.map { $0?.kind } == [.rejected, .rejected])
        #expect(result.verdicts[0]?.status == "5.7.1" && result.verdicts[0]?.remoteMTA == "mx.remote.test")
    }

    @Test func mixedRecipientsAndPrefilledInvalidAddress() {
        let invalid = RecipientVerdict(kind: .rejected, status: "5.1.3", diagnostic: "invalid", remoteMTA: nil)
        let result = SMTPClientTransport.envelopeVerdicts(
            prefilled: [nil, invalid, nil, nil], mail: reply(250), rcpts: [reply(250), reply(450), reply(550)], hop: hop)
        #expect(result.accepted == [0])
        #expect(result.verdicts.map { $0?.kind } == [nil, .rejected, .deferred, .rejected])
        #expect(result.verdicts[3]?.status == "5.0.0")  // no enhanced code: derived from the class
        let final = SMTPClientTransport.finalVerdicts(result.verdicts, accepted: result.accepted, data: reply(354),
                                                      final: reply(250, "2.0.0"), hop: hop)
        #expect(final.map(\.kind) == [.accepted, .rejected, .deferred, .rejected])
    }

    @Test func dataRefusalOrMissingFinalReplyDefersOrRejectsTheAccepted() {
        let open: [RecipientVerdict?] = [nil, nil]
        let refused = SMTPClientTransport.finalVerdicts(open, accepted: [0, 1], data: reply(554, "5.5.1"), final: nil, hop: hop)
        #expect(refused.map(\.kind) == [.rejected, .rejected])
        let silent = SMTPClientTransport.finalVerdicts(open, accepted: [0, 1], data: reply(354), final: nil, hop: hop)
        #expect(silent.map(\.kind) == [.deferred, .deferred])
        let lateFailure = SMTPClientTransport.finalVerdicts(open, accepted: [1], data: reply(354), final: reply(452, "4.2.2"), hop: hop)
        #expect(lateFailure.map(\.kind) == [.deferred, .deferred] && lateFailure[1].status == "4.2.2")
    }

    /// Only a header section in UTF-8 asks for SMTPUTF8: not ASCII headers over an 8-bit body,
    /// not a legacy charset written raw (GBK), not bytes that are no charset at all.
    @Test func aUTF8HeaderSectionIsTold() {
        let body = Array("\r\n\r\n中文正文\r\n".utf8)
        #expect(SMTPClientTransport.hasUTF8HeaderSection(Array("Subject: 你好\r\nTo: b@c.test".utf8) + body))
        #expect(!SMTPClientTransport.hasUTF8HeaderSection(Array("Subject: hello\r\nTo: b@c.test".utf8) + body))
        #expect(!SMTPClientTransport.hasUTF8HeaderSection(Array("Subject: ".utf8) + [0xC4, 0xE3, 0xBA, 0xC3] + body))
        #expect(!SMTPClientTransport.hasUTF8HeaderSection(Array("Subject: ".utf8) + [0xFF, 0xFE] + body))
        #expect(SMTPClientTransport.hasUTF8HeaderSection(Array("Subject: 你好".utf8)))  // all header, no body
        #expect(!SMTPClientTransport.hasUTF8HeaderSection([]))
    }
}

/// A next hop that cannot be reached is described in words (bounces and `queue list` show it).
@Suite struct ConnectFailureTests {
    @Test func aRefusedConnectionSaysSo() async throws {
        // A port nothing listens on, and nothing can while the test runs: a socket bound to it
        // but not listening (a port merely released could be taken by a test running beside).
        let holder = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(holder) }
        try #require(LoopbackAddress.bind(holder, port: 0) == 0)
        let port = LoopbackAddress.boundPort(of: holder)
        let hop = NextHop(host: "127.0.0.1", port: port, name: "127.0.0.1")
        let verdicts = await SMTPClientTransport(timeout: .seconds(5)).deliver(
            SMTPDeliveryRequest(sender: "a@demo.test", recipients: ["b@remote.test"], body: Array("x\r\n".utf8), heloName: "demo.test"),
            to: hop)
        #expect(verdicts.map(\.kind) == [.deferred])
        #expect(verdicts.first?.diagnostic.hasSuffix(": connection refused") == true, "\(verdicts)")
        #expect(verdicts.first?.diagnostic.contains("SingleConnectionFailure") == false)
    }
}

/// What is only relayed (not signed here) has its long lines broken on the way out: a real peer
/// (aiosmtpd) receives lines of at most 998 octets (RFC 5322 §2.1.1), the text otherwise whole.
@Suite struct LongLineRelayTests {
    @Test func aRelayedLongLineReachesThePeerBroken() async throws {
        let sink = try await SinkPeer.start()
        defer { sink.stop() }
        let line = String(repeating: "0123456789", count: 250)
        let body = Array("From: x@elsewhere.test\r\nSubject: relayed\r\n\r\n\(line)\r\nend\r\n".utf8)
        let verdicts = await SMTPClientTransport(timeout: .seconds(10)).deliver(
            SMTPDeliveryRequest(sender: "x@elsewhere.test", recipients: ["b@remote.test"], body: body, heloName: "demo.test"),
            to: NextHop(host: "127.0.0.1", port: sink.port, name: "127.0.0.1"))
        #expect(verdicts.map(\.kind) == [.accepted], "\(verdicts)")
        let received = String(decoding: try await sink.waitForMessages(1)[0].bytes, as: UTF8.self)
        let lines = received.components(separatedBy: "\r\n")
        #expect(lines.allSatisfy { $0.utf8.count <= 998 }, "\(lines.map(\.utf8.count))")
        #expect(lines.contains(String(line.prefix(998))))
        #expect(received.replacingOccurrences(of: "\r\n ", with: "").contains(line + "\r\nend"))
    }
}
