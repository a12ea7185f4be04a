import Foundation
import Logging
import MailwardCore
import MailwardNet
import ServiceLifecycle
import Synchronization

/// Delivers what the outbound queue holds: claims due messages, delivers local domains straight
/// into mailboxes and remote domains over SMTP (routes, smarthost or MX), records every result,
/// retries temporary failures on the schedule and bounces permanent ones to the sender.
///
/// Ordering that keeps mail from being lost or sent twice (see docs/delivery.md): a result is
/// recorded right after the next hop accepted, before anything else happens; a bounce is
/// queued (durably) before the failure that caused it is recorded.
public final class DeliveryWorker: Service, Sendable {
    public struct Settings: Sendable {
        /// Our name in EHLO, in `Reporting-MTA:` and the bounce's `From:`.
        public var hostname: String
        public var schedule: RetrySchedule
        /// How long a claimed recipient stays invisible to other claims (a crashed attempt
        /// comes back after it).
        public var lease: TimeInterval
        public var pollInterval: TimeInterval
        /// Messages in flight at once.
        public var concurrency: Int
        /// Tell the sender once when a recipient is still deferred this long after queueing
        /// (nil: never).
        public var delayNoticeAfter: TimeInterval?

        public init(hostname: String, schedule: RetrySchedule = RetrySchedule(), lease: TimeInterval = 900,
                    pollInterval: TimeInterval = 15, concurrency: Int = 8, delayNoticeAfter: TimeInterval? = nil) {
            self.hostname = hostname
            self.schedule = schedule
            self.lease = lease
            self.pollInterval = pollInterval
            self.concurrency = max(1, concurrency)
            self.delayNoticeAfter = delayNoticeAfter
        }
    }

    public let queue: DeliveryQueue
    public let mail: MailService
    public let accounts: AccountService
    public let router: any DeliveryRouting
    public let transport: any SMTPTransport
    public let settings: Settings
    public let clock: any WallClock
    /// Answers for local recipients on holiday, as at the doors (their copies waited here).
    public let autoResponder: AutoResponder?
    let logger: Logger
    /// Messages being delivered by this worker. `mailward queue retry` can make an in-flight
    /// recipient due again; it must not be sent a second time meanwhile.
    private let inFlight = Mutex<Set<String>>([])

    public init(queue: DeliveryQueue, mail: MailService, accounts: AccountService, router: any DeliveryRouting,
                transport: any SMTPTransport, settings: Settings, clock: any WallClock = SystemWallClock(),
                autoResponder: AutoResponder? = nil, logger: Logger = Logger(label: "mailward.delivery")) {
        self.queue = queue
        self.mail = mail
        self.accounts = accounts
        self.router = router
        self.transport = transport
        self.settings = settings
        self.clock = clock
        self.autoResponder = autoResponder
        self.logger = logger
    }

    var store: any DeliveryQueueStore { queue.store }

    /// Runs until graceful shutdown; the deliveries in flight are finished first.
    public func run() async throws {
        _ = await deliver(until: { Task.isShuttingDownGracefully || Task.isCancelled })
    }

    /// Delivers everything due now; returns how many messages were attempted.
    @discardableResult
    public func deliverDue() async -> Int {
        await deliver(until: nil)
    }

    /// Keeps up to `concurrency` messages in flight, claiming more as each finishes. With
    /// `stopping` it runs until that says so and also claims as soon as new mail is queued or a
    /// retry falls due — while slow deliveries hold some of the slots too: a server that takes
    /// minutes to answer holds up only its own messages. Without, it returns once nothing due
    /// is left and nothing is in flight.
    private func deliver(until stopping: (@Sendable () -> Bool)?) async -> Int {
        // A child's result: true when a delivery ended, false when the wait for new work did.
        await withTaskGroup(of: Bool.self) { group in
            var total = 0
            var running = 0
            var waiting = false
            while true {
                let stopped = stopping?() ?? false
                if !stopped && running < settings.concurrency {
                    let claimed: [QueuedMessage]
                    do {
                        claimed = try await store.claimDue(now: clock.now, lease: settings.lease,
                                                           limit: settings.concurrency - running)
                    } catch {
                        // Cancelled: the server is stopping (or failed to start), nothing to report.
                        if !(error is CancellationError) {
                            logger.error("cannot read the outbound queue", metadata: ["error": "\(error)"])
                        }
                        claimed = []
                    }
                    for message in claimed {
                        group.addTask { await self.processOnce(message); return true }
                    }
                    running += claimed.count
                    total += claimed.count
                    if !claimed.isEmpty { continue }
                }
                if stopping != nil {
                    if stopped && running == 0 { return total }
                    // With every slot busy only a finished delivery can make room.
                    if !stopped && !waiting && running < settings.concurrency {
                        waiting = true
                        group.addTask { await self.waitForWork(); return false }
                    }
                } else if running == 0 {
                    return total
                }
                // A finished message may have queued a bounce that is due now: claim again.
                guard let deliveryEnded = await group.next() else { return total }
                if deliveryEnded { running -= 1 } else { waiting = false }
            }
        }
    }

    /// Returns when mail is queued, the next retry falls due, the poll interval has passed (the
    /// queue may be shared with other nodes), or the server stops (graceful shutdown or cancellation).
    private func waitForWork() async {
        var wait = settings.pollInterval
        if let next = try? await store.nextAttemptDate() {
            wait = min(wait, max(0.05, next.timeIntervalSince(clock.now)))
        }
        let duration = Duration.seconds(wait)
        await cancelWhenGracefulShutdown { await self.queue.wakeUp.wait(for: duration) }
    }

    // MARK: One message

    /// `process`, unless this worker is already delivering the message (its results, recorded
    /// when that attempt ends, decide the next attempt).
    func processOnce(_ message: QueuedMessage) async {
        guard inFlight.withLock({ $0.insert(message.id).inserted }) else { return }
        await process(message)
        inFlight.withLock { _ = $0.remove(message.id) }
    }

    func process(_ message: QueuedMessage) async {
        let raw: [UInt8]
        do {
            raw = try await queue.body(of: message)
        } catch {
            logger.error("queued body missing", metadata: ["queue-id": "\(message.id)", "error": "\(error)"])
            await settle(message, raw: [], message.recipients.map {
                ($0, RecipientVerdict.deferred("message body unavailable: \(error)", hop: nil))
            })
            return
        }
        let byDomain = Dictionary(grouping: message.recipients, by: \.domain)
        // What each domain's next hop took is recorded as soon as it is known (never sent
        // twice); the failures of the whole pass go to the sender in one DSN.
        var pass = PassResults()
        for domain in byDomain.keys.sorted() {
            let recipients = byDomain[domain]!
            let verdicts: [RecipientVerdict]
            if await isLocal(domain) {
                verdicts = await deliverLocally(message, raw: raw, recipients: recipients)
            } else {
                verdicts = await deliverRemotely(message, raw: raw, domain: domain, recipients: recipients)
            }
            await recordProgress(message, Array(zip(recipients, verdicts)), into: &pass)
        }
        await finish(message, raw: raw, pass)
    }

    /// `domain` as queued (either spelling of an IDN domain) is looked up in its normalized form.
    func isLocal(_ domain: String) async -> Bool {
        guard let name = try? DomainName.normalize(domain) else { return false }
        return (try? await accounts.store.domain(named: name)) != nil
    }

    /// Local domains: straight into the INBOX — or the folder the message was queued for (Junk,
    /// as the MX door's filters decided) — with no SMTP loop to ourselves, with `Return-Path:`,
    /// and the automatic replies the doors would have sent.
    /// A full mailbox is retried later (4.2.2), or bounced at once when the message is larger than
    /// its whole quota (5.2.2); the other recipients get their copies meanwhile.
    func deliverLocally(_ message: QueuedMessage, raw: [UInt8], recipients: [QueuedRecipient]) async -> [RecipientVerdict] {
        var verdicts: [RecipientVerdict?] = recipients.map { _ in nil }
        var accountIDs: [AccountID] = []
        var accountOf: [Int: AccountID] = [:]
        for (index, recipient) in recipients.enumerated() {
            guard let address = try? EmailAddress(recipient.address) else {
                verdicts[index] = RecipientVerdict(kind: .rejected, status: "5.1.3", diagnostic: "invalid address", remoteMTA: nil)
                continue
            }
            do {
                if case .local(let account) = try await accounts.route(address) {
                    if !accountIDs.contains(account.id) { accountIDs.append(account.id) }
                    accountOf[index] = account.id
                } else {
                    verdicts[index] = RecipientVerdict(kind: .rejected, status: "5.1.1",
                                                       diagnostic: "x-local; no such mailbox here", remoteMTA: nil)
                }
            } catch {
                verdicts[index] = .deferred("x-local; directory unavailable: \(error)", hop: nil)
            }
        }
        if !accountIDs.isEmpty {
            let returnPath = Array("Return-Path: <\(message.sender)>\r\n".utf8)
            let folderName = message.localFolder?.defaultName ?? "INBOX"
            let delivered = RecipientVerdict(kind: .accepted, status: "2.0.0", diagnostic: "x-local; delivered to \(folderName)", remoteMTA: nil)
            let mailboxFull = RecipientVerdict(kind: .deferred, status: "4.2.2", diagnostic: "x-local; mailbox full", remoteMTA: nil)
            let tooLarge = RecipientVerdict(kind: .rejected, status: "5.2.2",
                                            diagnostic: "x-local; message larger than the mailbox's whole quota", remoteMTA: nil)
            let result: (AccountID) -> RecipientVerdict
            do {
                let full = try await LocalDelivery(mail: mail, accounts: accounts, autoResponder: autoResponder)
                    .deliver(returnPath + raw, to: accountIDs, envelopeSender: message.sender, folder: message.localFolder).full
                result = { full[$0] == nil ? delivered : full[$0] == .never ? tooLarge : mailboxFull }
            } catch MailError.quotaExceeded {
                result = { _ in mailboxFull }
            } catch {
                let failed = RecipientVerdict.deferred("x-local; local delivery failed: \(error)", hop: nil)
                result = { _ in failed }
            }
            for index in verdicts.indices where verdicts[index] == nil { verdicts[index] = result(accountOf[index]!) }
        }
        return verdicts.map { $0! }
    }

    /// Remote domains: each next hop in turn until no recipient is left deferred (or refused by
    /// one host for what it lacks, ``RecipientVerdict/thisHostOnly``).
    func deliverRemotely(_ message: QueuedMessage, raw: [UInt8], domain: String,
                         recipients: [QueuedRecipient]) async -> [RecipientVerdict] {
        let hops: [NextHop]
        do {
            hops = try await router.nextHops(for: domain)
        } catch {
            // An attempt that ended at routing (DNS) is an attempt too: the log says so.
            let outcome = if case .temporary = error { "deferred" } else { "rejected" }
            logger.info("delivery attempt", metadata: [
                "queue-id": "\(message.id)", "domain": "\(domain)", "routing": "\(error)",
                "results": "\(Array(repeating: outcome, count: recipients.count).joined(separator: ","))",
            ])
            switch error {
            case .temporary(let reason):
                return recipients.map { _ in .deferred(reason, hop: nil) }
            case .permanent(let reason, let status):
                return recipients.map { _ in RecipientVerdict(kind: .rejected, status: status, diagnostic: reason, remoteMTA: nil) }
            }
        }
        var verdicts: [RecipientVerdict] = recipients.map { _ in .deferred("no mail host for \(domain)", hop: nil) }
        for hop in hops {
            let open = verdicts.indices.filter { verdicts[$0].triesNextHop }
            if open.isEmpty { break }
            let request = SMTPDeliveryRequest(sender: message.sender, recipients: open.map { recipients[$0].address },
                                              body: raw, heloName: settings.hostname, notifications: message.notifications)
            let answers = await transport.deliver(request, to: hop)
            for (position, index) in open.enumerated() where position < answers.count {
                verdicts[index] = answers[position]
            }
            logger.info("delivery attempt", metadata: [
                "queue-id": "\(message.id)", "hop": "\(hop)",
                "results": "\(answers.map { "\($0.kind)" }.joined(separator: ","))",
            ])
        }
        return verdicts
    }

    // MARK: Results

    /// One pass's failures, retries and the deliveries the sender asked to hear of, gathered
    /// over its domains.
    struct PassResults {
        var failures: [(QueuedRecipient, RecipientVerdict)] = []
        var deferred: [(QueuedRecipient, RecipientVerdict)] = []
        var successes: [(QueuedRecipient, RecipientVerdict)] = []
    }

    /// Records results of one pass over every recipient (see ``recordProgress`` and ``finish``).
    func settle(_ message: QueuedMessage, raw: [UInt8], _ results: [(QueuedRecipient, RecipientVerdict)]) async {
        var pass = PassResults()
        await recordProgress(message, results, into: &pass)
        await finish(message, raw: raw, pass)
    }

    /// Records what is settled at once — accepted (the next hop has the message; never send it
    /// again) and retries — and keeps the failures (an expired retry is one) for ``finish``.
    func recordProgress(_ message: QueuedMessage, _ results: [(QueuedRecipient, RecipientVerdict)], into pass: inout PassResults) async {
        let now = clock.now
        var deferred: [(QueuedRecipient, RecipientVerdict, Date)] = []
        var accepted: [QueuedRecipient] = []
        var failures = 0
        for (recipient, verdict) in results {
            switch verdict.kind {
            case .accepted:
                accepted.append(recipient)
                if DeliveryNotifications.reports(.success, for: recipient.address, in: message.notifications),
                   !verdict.notificationsPassedOn {
                    pass.successes.append((recipient, verdict))
                }
            case .rejected:
                pass.failures.append((recipient, verdict))
                failures += 1
            case .deferred:
                if let next = settings.schedule.nextAttempt(afterAttempts: recipient.attempts + 1, now: now, createdAt: message.createdAt) {
                    deferred.append((recipient, verdict, next))
                } else {
                    var expired = verdict
                    expired.kind = .rejected
                    expired.status = "4.4.7"
                    expired.diagnostic = "delivery time expired; last error: \(verdict.diagnostic)"
                    pass.failures.append((recipient, expired))
                    failures += 1
                }
            }
        }
        await record(message, accepted.map(\.id), .delivered(detail: "accepted"), now)
        if !accepted.isEmpty { MailMetrics.outbound(result: "delivered", recipients: accepted.count) }
        if !deferred.isEmpty { MailMetrics.outbound(result: "deferred", recipients: deferred.count) }
        if failures > 0 { MailMetrics.outbound(result: "bounced", recipients: failures) }
        for (recipient, verdict, next) in deferred {
            await record(message, [recipient.id], .deferred(error: verdict.diagnostic, nextAttemptAt: next), now)
            pass.deferred.append((recipient, verdict))
        }
    }

    /// The pass's failures: one bounce, queued before they are recorded as failed (kept pending
    /// when it cannot be queued: a later attempt bounces them then); then the delay notice and
    /// the reports of success the sender asked for.
    func finish(_ message: QueuedMessage, raw: [UInt8], _ pass: PassResults) async {
        let now = clock.now
        let failures = pass.failures
        if !failures.isEmpty {
            do {
                try await bounce(message, raw: raw, failures: failures, now: now)
                for (recipient, verdict) in failures {
                    await record(message, [recipient.id], .failed(error: verdict.diagnostic), now)
                }
            } catch {
                logger.error("cannot queue a bounce", metadata: ["queue-id": "\(message.id)", "error": "\(error)"])
                for (recipient, verdict) in failures {
                    let next = now.addingTimeInterval(settings.schedule.steps[0])
                    await record(message, [recipient.id], .deferred(error: verdict.diagnostic, nextAttemptAt: next), now)
                }
            }
        }
        await noticeDelay(message, raw: raw, deferred: pass.deferred, now: now)
        await reportSuccess(message, raw: raw, pass.successes, now: now)
    }

    /// `NOTIFY=SUCCESS`: "delivered" for local mailboxes, "relayed" for next hops that took
    /// the message without taking the request on (one that offered DSN reports itself). After
    /// the deliveries are recorded: a crash in between loses the report, never sends the
    /// message twice.
    func reportSuccess(_ message: QueuedMessage, raw: [UInt8], _ successes: [(QueuedRecipient, RecipientVerdict)], now: Date) async {
        for action in [DeliveryStatusNotification.Action.delivered, .relayed] {
            let reported = successes.filter { ($0.1.remoteMTA == nil) == (action == .delivered) }
            guard let first = reported.first else { continue }
            do {
                try await queue.report(action, id: "dsn-ok-\(message.id)-\(first.0.id)-\(reported.count)", sender: message.sender,
                                       raw: raw, originalID: message.id, arrivalDate: message.createdAt,
                                       entries: reported.map { .init(recipient: $0.0.address, verdict: $0.1) },
                                       notifications: message.notifications, reportingMTA: settings.hostname, now: now)
            } catch {
                logger.error("cannot queue a delivery report", metadata: ["queue-id": "\(message.id)", "error": "\(error)"])
            }
        }
    }

    /// Sends the sender one "still trying" notice for recipients deferred longer than
    /// `delayNoticeAfter` (never for bounces).
    func noticeDelay(_ message: QueuedMessage, raw: [UInt8], deferred: [(QueuedRecipient, RecipientVerdict)], now: Date) async {
        guard let after = settings.delayNoticeAfter, !message.sender.isEmpty,
              now.timeIntervalSince(message.createdAt) >= after else { return }
        // Not for a recipient whose sender asked for no delay reports (`NOTIFY=` without DELAY).
        let due = deferred.filter {
            !$0.0.delayNotified && DeliveryNotifications.reports(.delay, for: $0.0.address, in: message.notifications)
        }
        guard let first = due.first else { return }
        do {
            try await queue.report(.delayed, id: "delay-\(message.id)-\(first.0.id)-\(due.count)", sender: message.sender, raw: raw,
                                   originalID: message.id, arrivalDate: message.createdAt,
                                   entries: due.map { .init(recipient: $0.0.address, verdict: $0.1) },
                                   notifications: message.notifications, reportingMTA: settings.hostname, now: now)
        } catch {
            logger.error("cannot queue a delay notice", metadata: ["queue-id": "\(message.id)", "error": "\(error)"])
            return
        }
        do {
            try await store.markDelayNotified(messageID: message.id, recipientIDs: due.map(\.0.id))
        } catch {
            logger.error("cannot record a delay notice", metadata: ["queue-id": "\(message.id)", "error": "\(error)"])
        }
    }

    func record(_ message: QueuedMessage, _ ids: [Int64], _ outcome: DeliveryOutcome, _ now: Date) async {
        guard !ids.isEmpty else { return }
        do {
            try await store.record(messageID: message.id, recipientIDs: ids, outcome: outcome, at: now)
        } catch {
            // The lease brings these recipients back; see docs/delivery.md for the window.
            logger.error("cannot record a delivery result", metadata: ["queue-id": "\(message.id)", "error": "\(error)"])
        }
    }

    /// Queues a DSN to the sender; a bounce (null sender) is never bounced, and a recipient whose
    /// sender asked for no failure reports (`NOTIFY=NEVER`, or a list without FAILURE) is left out.
    func bounce(_ message: QueuedMessage, raw: [UInt8], failures: [(QueuedRecipient, RecipientVerdict)], now: Date) async throws {
        guard !message.sender.isEmpty else {
            logger.warning("bounce undeliverable, dropped", metadata: ["queue-id": "\(message.id)"])
            return
        }
        let reported = failures.filter { DeliveryNotifications.reports(.failure, for: $0.0.address, in: message.notifications) }
        guard let first = reported.first else {
            logger.info("no bounce: the sender asked for none", metadata: ["queue-id": "\(message.id)"])
            return
        }
        // Deterministic id: a crash before the failure is recorded re-creates the same bounce,
        // which the queue refuses as a duplicate instead of sending it twice.
        let id = "dsn-\(message.id)-\(first.0.id)-\(reported.count)"
        try await queue.report(.failed, id: id, sender: message.sender, raw: raw, originalID: message.id,
                               arrivalDate: message.createdAt, entries: reported.map { .init(recipient: $0.0.address, verdict: $0.1) },
                               notifications: message.notifications, reportingMTA: settings.hostname, now: now)
        logger.info("bounce queued", metadata: ["queue-id": "\(message.id)", "bounce-id": "\(id)"])
    }
}
