import Foundation
import Logging
import MailwardNet
import MailwardCore
import MailwardMIME
import SMTPCodec

/// Answers a session's questions with Core: the directory for recipients, the one credential
/// check for AUTH, ``SendingPolicy`` for senders, ``MailService`` for storage and the
/// ``OutboundQueue`` for remote recipients. Every message is durable before it returns.
public struct CoreSMTPBackend: SMTPBackend {
    public let accounts: AccountService
    public let mail: MailService
    public let authenticator: ProtocolAuthenticator
    public let policy: SendingPolicy
    public let outbound: (any OutboundQueue)?
    public let throttle: AuthenticationThrottle
    public let hostname: String
    public let clock: any WallClock
    /// Virus and spam checks of incoming (MX) mail, before it is stored (SPEC M9).
    public let filters: MessageFilters?
    /// Submitted mail's outside recipients per account, hour and day (nil: no limits).
    public let limiter: SendingLimiter?
    /// Local recipients' automatic replies, after delivery (nil: none are sent).
    public let autoResponder: AutoResponder?
    let logger: Logger
    /// The store's reads on the caller's thread, when it has them (SQLite): RCPT for a known
    /// recipient is then answered without a task (``resolveRecipientImmediately(_:declaredSize:)``).
    private let immediateLookups: (any ImmediateRecipientLookups)?
    private let routes = RecipientRouteCache()

    public init(accounts: AccountService, mail: MailService, authenticator: ProtocolAuthenticator,
                shares: ShareService? = nil, outbound: (any OutboundQueue)?, throttle: AuthenticationThrottle,
                hostname: String, clock: any WallClock = SystemWallClock(), filters: MessageFilters? = nil,
                limiter: SendingLimiter? = nil, autoResponder: AutoResponder? = nil, logger: Logger) {
        self.filters = filters
        self.limiter = limiter
        self.autoResponder = autoResponder
        self.accounts = accounts
        self.mail = mail
        self.authenticator = authenticator
        self.policy = SendingPolicy(accounts: accounts, shares: shares)
        self.outbound = outbound
        self.throttle = throttle
        self.hostname = hostname
        self.clock = clock
        self.logger = logger
        immediateLookups = accounts.store as? any ImmediateRecipientLookups
    }

    // MARK: Recipients

    public func resolveRecipient(_ path: SMTPPath, declaredSize: Int?) async -> RecipientVerdict {
        do {
            let route: RecipientRoute
            if path.isPostmaster {
                // Bare <postmaster> (RFC 5321 §4.5.1) means this server's postmaster.
                route = try await accounts.serverPostmaster(hostname: hostname)
            } else {
                // Address literals are never one of our domains.
                guard let domain = path.domain?.domainName else { return .remote }
                guard let address = try? EmailAddress("\(path.localPart)@\(domain)") else {
                    return try await isLocalDomain(domain) ? .unknownUser : .remote
                }
                // Read before the look-ups: a change meanwhile leaves the route under an older
                // version than the directory's, so it is not used again. (Unread, the route is
                // only not kept.)
                let version = try? immediateLookups?.recipientSnapshot(accountID: nil).directoryVersion
                route = try await accounts.route(address)
                if let version { routes.record(.init(route), for: address.description, directoryVersion: version) }
            }
            let account: Account
            switch route {
            case .remote: return path.isPostmaster ? .unknownUser : .remote
            case .unknownLocal: return .unknownUser
            case .disabledLocal: return .mailboxDisabled
            case .local(let found): account = found
            }
            return Self.verdict(account.id, quota: try await mail.store.quota(accountID: account.id), declaredSize: declaredSize)
        } catch {
            logger.error("recipient lookup failed", metadata: ["error": "\(error)"])
            return .temporaryFailure
        }
    }

    /// The route found for this address before, when the directory has not changed since, with
    /// the quota read now; nil otherwise (a store without immediate reads, an address not asked
    /// before, a changed directory, a failed read: ``resolveRecipient(_:declaredSize:)`` then
    /// looks again, and reports what fails).
    public func resolveRecipientImmediately(_ path: SMTPPath, declaredSize: Int?) -> RecipientVerdict? {
        guard let immediateLookups, !path.isPostmaster, let domain = path.domain?.domainName,
              let address = try? EmailAddress("\(path.localPart)@\(domain)"),
              let known = routes.entry(for: address.description),
              let snapshot = try? immediateLookups.recipientSnapshot(accountID: known.route.accountID),
              snapshot.directoryVersion == known.directoryVersion
        else { return nil }
        switch known.route {
        case .remote: return .remote
        case .unknownLocal: return .unknownUser
        case .disabledLocal: return .mailboxDisabled
        case .local(let id):
            guard let quota = snapshot.quota else { return nil }
            return Self.verdict(id, quota: quota, declaredSize: declaredSize)
        }
    }

    /// RFC 1870 §6.1: a declared size the mailbox has no room for is refused for this recipient
    /// alone (452, or 552 when it exceeds the whole quota), not after DATA.
    private static func verdict(_ account: AccountID, quota: QuotaUsage, declaredSize: Int?) -> RecipientVerdict {
        switch quota.room(for: Int64(max(declaredSize ?? 0, 0))) {
        case .fits: .local(account)
        case .notNow: .mailboxFull(permanent: false)
        case .never: .mailboxFull(permanent: true)
        }
    }

    private func isLocalDomain(_ name: String?) async throws -> Bool {
        guard let name, let normalized = try? DomainName.normalize(name) else { return false }
        return try await accounts.store.domain(named: normalized) != nil
    }

    // MARK: Senders and credentials

    public func checkSender(_ path: SMTPPath, account: Account, credential: ClientCredential) async -> SenderVerdict {
        do {
            if let why = try await authenticator.revocation(of: credential, account: account) {
                logger.notice("SMTP login no longer valid", metadata: ["account": "\(account.address)", "reason": "\(why.text)"])
                return .loginRevoked(why)
            }
            guard !path.isNull, let domain = path.domain?.domainName,
                  let address = try? EmailAddress("\(path.localPart)@\(domain)") else { return .notAllowed }
            switch try await policy.decision(sender: address, account: account) {
            case .allowed: return .allowed
            case .permissionForbids(let permission): return .sharePermissionForbids(permission)
            case .notAllowed, .noAddress: return .notAllowed
            }
        } catch {
            // The store cannot answer now: neither a revoked login nor a refused sender (a 550
            // would make the client give the message up); the client tries MAIL again later.
            logger.error("sender check failed", metadata: ["error": "\(error)"])
            return .temporaryFailure
        }
    }

    public func authenticate(username: String, password: String, remoteIP: String) async -> AuthenticationOutcome {
        let delay = await throttle.delay(for: remoteIP)
        if delay > .zero { try? await Task.sleep(for: delay) }
        let result = await authenticator.authenticate(username: username, password: password, door: .smtp,
                                                      remoteIP: remoteIP, clientID: nil)
        MailMetrics.login(door: "smtp", result: result.metricsLabel)
        switch result {
        case .valid(let account, let credential):
            await throttle.recordSuccess(from: remoteIP)
            return .success(account, credential)
        case .invalid:
            await throttle.recordFailure(from: remoteIP)
            logger.notice("login failed", metadata: ["ip": "\(remoteIP)", "user": "\(LogText.quoted(username))"])
            return .invalid
        case .clientPasswordRequired:
            await throttle.recordFailure(from: remoteIP)
            return .clientPasswordRequired
        case .clientPasswordLimited(_, let limit):
            await throttle.recordFailure(from: remoteIP)
            logger.notice("login refused: \(limit.auditText)", metadata: ["ip": "\(remoteIP)", "user": "\(LogText.quoted(username))"])
            return .clientPasswordLimited(limit)
        case .unavailable:
            logger.warning("login not checked: the store is unavailable", metadata: ["ip": "\(remoteIP)"])
            return .temporaryFailure
        }
    }

    // MARK: Delivery

    public func deliver(_ submission: SMTPMessageSubmission) async -> DeliveryOutcome {
        let outcome = await store(submission)
        let result = switch outcome {
        case .accepted: "accepted"
        case .temporaryFailure: "failed"
        case .senderNotAllowed, .sharePermissionForbids, .fromMissing, .mailboxFull, .contentRejected: "rejected"
        case .contentDeferred, .sendingLimitReached: "deferred"
        }
        MailMetrics.smtpMessage(door: submission.client.account == nil ? "smtp" : "submission", result: result,
                                bytes: submission.content.count)
        return outcome
    }

    private func store(_ submission: SMTPMessageSubmission) async -> DeliveryOutcome {
        let queueID = OutboundMessage.newID()
        let transaction = submission.transaction
        let now = clock.now
        do {
            // `Return-Path:` is the final delivery's to write (RFC 5321 §4.4): one a sender wrote
            // would sit beside ours, or go out with submitted mail ("SHOULD NOT send").
            var content = HeaderEditor.removingFields(named: "Return-Path", in: submission.content)
            var authority = SendingPolicy.Authority.own
            if let account = submission.client.account {
                // The `From:` decides whose mail this is; a shared mailbox's permission decides
                // the `Sender:` (SPEC S5), whatever the client wrote.
                let allowed: SendingPolicy.Authority
                switch try await policy.headerDecision(of: content, account: account) {
                case .allowed(let authority): allowed = authority
                case .noAddress: return .fromMissing
                case .permissionForbids(let permission): return .sharePermissionForbids(permission)
                case .notAllowed: return .senderNotAllowed
                }
                authority = allowed
                content = try await policy.finalHeaders(content, authority: allowed, account: account)
                content = SubmissionHeaders.completed(content, date: now, hostname: hostname)
            }
            let received = Array(TraceHeaders.received(
                client: submission.client, hostname: hostname, queueID: queueID,
                recipients: transaction.recipients.map(\.address), date: now,
                smtpUTF8: transaction.parameters.smtpUTF8).utf8)
            // Blind copies stay blind: recipients never see `Bcc:`; the sender's Sent copy names them.
            let outgoing = submission.client.account == nil ? content : HeaderEditor.removingFields(named: "Bcc", in: content)
            let traced = received + outgoing

            var localAccounts: [AccountID] = []
            var remote: [String] = []
            for recipient in transaction.recipients {
                switch recipient {
                case .local(let id, _): if !localAccounts.contains(id) { localAccounts.append(id) }
                case .remote(let address): remote.append(address)
                }
            }
            var folder: SpecialUse?
            var filterHeaders: [UInt8] = []
            if submission.client.account == nil, filters != nil, !localAccounts.isEmpty {
                switch await filtered(traced, submission, queueID: queueID) {
                case .deliver(let into, let headers):
                    folder = into
                    filterHeaders = headers
                case .refuse(let outcome):
                    return outcome
                }
            }
            if let account = submission.client.account, !remote.isEmpty, let limiter {
                // Before anything is delivered: the message goes out whole or not at all.
                do {
                    try await limiter.take(remote.count, account: account.id)
                } catch let reached as SendingLimitReached {
                    logger.warning("sending limit reached", metadata: [
                        "account": "\(account.address)", "id": "\(queueID)", "remote": "\(remote.count)",
                        "limit": "\(reached.limit) per \(reached.perDay ? "day" : "hour")"])
                    return .sendingLimitReached(reached)
                }
            }
            // A verdict header the sender wrote itself is a forgery: only ours go in (the MX door;
            // submitted mail passes no filter, so this is `traced` there).
            let unclaimed = submission.client.account == nil ? (filters?.removingClaimedFields(from: traced) ?? traced) : traced
            let checked = filterHeaders.isEmpty ? unclaimed : filterHeaders + unclaimed
            // Local recipients whose mailbox is full while others' is not: their copies wait in
            // the outbound queue (LocalDelivery).
            var waiting: [String] = []
            var renamed: [(written: String, own: String)] = []
            let notifications = transaction.notifications
            var deliveredHere: [String] = []
            if !localAccounts.isEmpty {
                let local = LocalDelivery(mail: mail, accounts: accounts, autoResponder: autoResponder)
                let outcome = try await local.deliver(
                    Array(TraceHeaders.returnPath(transaction.reversePath.address).utf8) + checked, to: localAccounts,
                    envelopeSender: transaction.reversePath.address, internalDate: now, folder: folder, whereRoom: outbound != nil)
                if outcome.nobodyHadRoom, remote.isEmpty { return .mailboxFull(permanent: outcome.full.values.contains(.never)) }
                let queued = try await local.addresses(of: localAccounts.filter { outcome.full[$0] != nil })
                waiting = queued.map(\.address)
                for case .local(let id, let written) in transaction.recipients {
                    if let own = queued.first(where: { $0.account == id }) {
                        renamed.append((written, own.address))
                    } else if outcome.full[id] == nil, DeliveryNotifications.reports(.success, for: written, in: notifications) {
                        deliveredHere.append(written)
                    }
                }
            }
            if !remote.isEmpty || !waiting.isEmpty {
                guard let outbound else { return .temporaryFailure }
                // A full mailbox's copy goes where the filters put the others' (Junk or INBOX).
                try await outbound.enqueue(OutboundMessage(
                    id: queueID, sender: transaction.reversePath.address, recipients: remote + waiting, raw: checked, createdAt: now,
                    localFolder: folder, signs: submission.client.account != nil,
                    notifications: notifications?.queued(for: remote, renamed: renamed)))
            }
            if !deliveredHere.isEmpty, let outbound {
                // The message is stored already: a report that cannot be queued is only logged.
                do {
                    try await outbound.reportDelivered(
                        OutboundMessage(id: queueID, sender: transaction.reversePath.address, recipients: deliveredHere, raw: checked,
                                        createdAt: now, notifications: notifications),
                        reportingMTA: hostname)
                } catch {
                    logger.warning("could not queue a delivery report", metadata: ["id": "\(queueID)", "error": "\(error)"])
                }
            }
            if let account = submission.client.account {
                let blind = SubmissionService.blindRecipients(of: content, envelope: transaction.recipients.map(\.address))
                let filed = SubmissionService.withBcc(blind, content)
                await saveSentCopy(filed, account: account)
                if let owner = authority.owner {
                    await saveSentCopy(filed, account: owner)
                    await policy.shares?.recordGranteeSend(account, ownerID: owner.id, messageID: queueID,
                                                            recipients: transaction.recipients.count, door: .smtp,
                                                            ip: submission.client.remoteIP)
                }
            }
            // Who sent what to whom, as an operator looks a message up (the first recipients only).
            let recipients = transaction.recipients.prefix(5).map { "<\($0.address)>" }.joined(separator: ",")
                + (transaction.recipients.count > 5 ? " (+\(transaction.recipients.count - 5))" : "")
            var accepted: Logger.Metadata = [
                // The three doors share one logger ("smtp"); submitted mail says so, like its metrics.
                "door": "\(submission.client.account == nil ? "smtp" : "submission")",
                "id": "\(queueID)", "ip": "\(submission.client.remoteIP)", "from": "<\(transaction.reversePath.address)>",
                "to": "\(recipients)", "local": "\(localAccounts.count)", "remote": "\(remote.count)",
                "size": "\(content.count)",
            ]
            if let account = submission.client.account { accepted["user"] = "\(account.address)" }
            if !waiting.isEmpty { accepted["queued-full"] = "\(waiting.count)" }
            logger.info("message accepted", metadata: accepted)
            return .accepted(queueID: queueID)
        } catch let error as MailError {
            if case .quotaExceeded = error {
                let permanent = await exceedsWholeQuota(submission.content.count, transaction)
                return .mailboxFull(permanent: permanent)
            }
            logger.error("delivery failed", metadata: ["id": "\(queueID)", "error": "\(error)"])
            return .temporaryFailure
        } catch {
            logger.error("delivery failed", metadata: ["id": "\(queueID)", "error": "\(error)"])
            return .temporaryFailure
        }
    }

    private enum Filtering {
        /// Into `folder` (nil: INBOX), with `headers` (CRLF-terminated lines) on top.
        case deliver(folder: SpecialUse?, headers: [UInt8])
        case refuse(DeliveryOutcome)
    }

    /// What the filters (sender checks, clamd, rspamd) make of a message arriving at the MX door.
    private func filtered(_ traced: [UInt8], _ submission: SMTPMessageSubmission, queueID: String) async -> Filtering {
        guard let filters else { return .deliver(folder: nil, headers: []) }
        let envelope = FilterEnvelope(remoteIP: submission.client.remoteIP, helo: submission.client.helo,
                                      sender: submission.transaction.reversePath.address,
                                      recipients: submission.transaction.recipients.map(\.address), queueID: queueID)
        switch await filters.check(traced, envelope: envelope) {
        case .accept:
            return .deliver(folder: nil, headers: [])
        case .annotate(let headers):
            return .deliver(folder: nil, headers: Array(headers.map { $0 + "\r\n" }.joined().utf8))
        case .reject(let reason):
            logger.notice("message refused by a content filter", metadata: ["id": "\(queueID)", "reason": "\(reason)"])
            return .refuse(.contentRejected(reason))
        case .deferred(let reason):
            logger.notice("message deferred by a content filter", metadata: ["id": "\(queueID)", "reason": "\(reason)"])
            return .refuse(.contentDeferred(reason))
        case .junk(let headers, let reason):
            logger.info("message filed as junk", metadata: ["id": "\(queueID)", "reason": "\(reason)"])
            return .deliver(folder: .junk, headers: Array(headers.map { $0 + "\r\n" }.joined().utf8))
        }
    }

    /// The sender's copy in Sent, marked read. The message was already accepted, so a failure
    /// here is logged, not reported to the client (it would resend to everyone).
    private func saveSentCopy(_ content: [UInt8], account: Account) async {
        do {
            let sent = try await mail.specialMailbox(accountID: account.id, .sent)
            _ = try await mail.append(content, to: sent.id, flags: [MessageFlags.seen])
        } catch {
            logger.warning("could not save the Sent copy", metadata: ["account": "\(account.address)", "error": "\(error)"])
        }
    }

    /// 552 5.2.2 only when the message could never fit, whatever the recipient deletes.
    private func exceedsWholeQuota(_ size: Int, _ transaction: SMTPTransaction) async -> Bool {
        for case .local(let id, _) in transaction.recipients {
            if let quota = try? await mail.store.quota(accountID: id), quota.room(for: Int64(size)) == .never { return true }
        }
        return false
    }
}
