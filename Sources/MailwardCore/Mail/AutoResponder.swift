import Foundation
import MailwardMIME
import Synchronization

/// Accounts' automatic replies (``AutoReply``): the settings the webmail shows and changes, and
/// the replies themselves, sent after a message was delivered — never part of the delivery: the
/// message is stored and acknowledged whatever becomes of its reply.
///
/// Which accounts have a reply on is kept as last read (``AutoReplyIndex``, at most 30 s old; a change made
/// through this process shows at once), so a delivery to anybody else — nearly every delivery —
/// costs a look into a set, not a store read. A reply goes to the envelope sender with an empty
/// envelope sender of its own (nothing answers it): into the mailbox when the sender is local,
/// through the outbound queue otherwise.
public struct AutoResponder: Sendable {
    let mail: MailService
    let accounts: AccountService
    let outbound: (any OutboundQueue)?
    let report: @Sendable (_ failure: String) -> Void
    let index: AutoReplyIndex

    /// `index`: one per process, shared by every door's responder. `report`: told (for the log)
    /// when a reply could not be sent.
    public init(mail: MailService, accounts: AccountService, outbound: (any OutboundQueue)?, index: AutoReplyIndex,
                report: @escaping @Sendable (_ failure: String) -> Void = { _ in }) {
        self.mail = mail
        self.accounts = accounts
        self.outbound = outbound
        self.index = index
        self.report = report
    }

    // MARK: Settings

    public func settings(of account: Account) async throws -> AutoReply? {
        try await mail.store.autoReply(accountID: account.id)
    }

    /// Saves the account's reply (nil: removes it); whom an earlier text answered is forgotten.
    /// Throws ``AutoReplyError`` for what cannot be saved.
    public func set(_ reply: AutoReply?, for account: Account) async throws {
        if let reply {
            guard reply.subject.count <= AutoReply.maximumSubjectLength,
                  !reply.subject.contains(where: { $0.isNewline || ($0.asciiValue.map { $0 < 0x20 || $0 == 0x7F } ?? false) }) else {
                throw AutoReplyError.invalidSubject
            }
            guard reply.text.count <= AutoReply.maximumTextLength else { throw AutoReplyError.textTooLong }
            if reply.enabled, reply.text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { throw AutoReplyError.textMissing }
            if reply.enabled, let end = reply.endsAt, end <= mail.clock.now { throw AutoReplyError.endPassed }
        }
        try await mail.store.setAutoReply(accountID: account.id, reply)
        index.note(account.id, enabled: reply?.enabled == true)
    }

    // MARK: Replies

    /// `raw` was delivered to `recipients` (accounts), sent by `envelopeSender` (nil or empty:
    /// a bounce). Replies for those with a reply on, each in a task of its own; returns at once
    /// when none has (the common case). `junk`: a content filter filed it as spam.
    public func delivered(_ raw: [UInt8], envelopeSender: String?, to recipients: [AccountID], junk: Bool) async {
        guard let sender = envelopeSender, !sender.isEmpty, !junk, !recipients.isEmpty else { return }
        let answering: [AccountID]
        do {
            let ids = try await index.accounts(from: mail.store)
            answering = recipients.filter(ids.contains)
        } catch {
            report("automatic replies not checked: \(error)")
            return
        }
        guard !answering.isEmpty else { return }
        Task {
            let headers = MIMEParser.headerFields(raw)
            for accountID in answering {
                do {
                    try await self.reply(to: headers, sender: sender, for: accountID)
                } catch {
                    self.report("automatic reply of account \(accountID) not sent: \(error)")
                }
            }
        }
    }

    /// Sends one account's reply, if the rule and the once-per-sender record allow it.
    func reply(to headers: [HeaderField], sender: String, for accountID: AccountID) async throws {
        let now = mail.clock.now
        guard let account = try await accounts.store.account(id: accountID), !account.disabled,
              let settings = try await mail.store.autoReply(accountID: accountID), settings.isActive(at: now) else { return }
        var own: Set<String> = [account.address.description.lowercased()]
        for alias in try await accounts.store.aliases(of: accountID) { own.insert(alias.address.description.lowercased()) }
        guard AutoReplyRule.shouldReply(headers: headers, sender: sender, own: own, junk: false),
              let address = try? EmailAddress(sender),
              try await mail.store.takeAutoReplyTurn(accountID: accountID, sender: address.description.lowercased(), now: now,
                                                     interval: AutoReplyRule.interval) else { return }
        let message = AutoReplyRule.compose(settings, from: account, to: address.description, headers: headers, date: now,
                                            messageID: "auto-" + UUID().uuidString.lowercased())
        switch try await accounts.route(address) {
        case .local(let target):
            _ = try await mail.deliver(message, to: [target.id])
        case .remote:
            guard let outbound else { return }
            try await outbound.enqueue(OutboundMessage(id: OutboundMessage.newID(), sender: "", recipients: [address.description],
                                                       raw: message, createdAt: now))
        case .unknownLocal, .disabledLocal:
            return
        }
    }

}

/// The accounts with an automatic reply on, as last read from the store (see ``AutoResponder``).
public final class AutoReplyIndex: Sendable {
    public static let maximumAge: Duration = .seconds(30)

    private let state = Mutex<(ids: Set<AccountID>, readAt: ContinuousClock.Instant)?>(nil)

    public init() {}

    /// The accounts, read again when the copy is older than ``maximumAge``.
    func accounts(from store: any MailStore) async throws -> Set<AccountID> {
        let now = ContinuousClock.now
        if let kept = state.withLock({ $0 }), now - kept.readAt < Self.maximumAge { return kept.ids }
        let ids = Set(try await store.accountsWithAutoReply())
        state.withLock { $0 = (ids, now) }
        return ids
    }

    /// This process switched an account's reply on or off.
    func note(_ account: AccountID, enabled: Bool) {
        state.withLock { state in
            if enabled { state?.ids.insert(account) } else { state?.ids.remove(account) }
        }
    }
}

/// Why an automatic reply could not be saved.
public enum AutoReplyError: Error, Equatable, Sendable {
    /// Longer than ``AutoReply/maximumSubjectLength``, or with a line break or control character.
    case invalidSubject
    case textTooLong
    /// Switched on without a text.
    case textMissing
    /// Switched on with an end that has passed.
    case endPassed
}
