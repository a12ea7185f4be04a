import Foundation

/// Delivery to this server's own accounts, one rule for the SMTP doors, the webmail's send and
/// the outbound queue's worker: a copy for every account with room — into `folder` (nil: INBOX)
/// — then the automatic replies of those who got one (none for junk; none to a null sender).
///
/// An account whose mailbox is full is named, not refused: where there is an outbound queue its
/// copy waits there (under ``addresses(of:)``), and the queue's worker retries it or bounces what
/// can never fit; when nobody had room the caller refuses the message. Without a queue
/// (`whereRoom` false) the copies are stored for everyone or for nobody
/// (`MailError.quotaExceeded`), since none could wait.
public struct LocalDelivery: Sendable {
    public let mail: MailService
    public let accounts: AccountService
    public let autoResponder: AutoResponder?

    public init(mail: MailService, accounts: AccountService, autoResponder: AutoResponder?) {
        self.mail = mail
        self.accounts = accounts
        self.autoResponder = autoResponder
    }

    public struct Outcome: Sendable {
        /// The accounts that got their copy, in the order asked.
        public var delivered: [AccountID]
        /// The accounts without room, and whether the message could ever fit (`QuotaRoom`).
        public var full: [AccountID: QuotaRoom]

        /// No account had room: nothing was stored.
        public var nobodyHadRoom: Bool { delivered.isEmpty && !full.isEmpty }
    }

    public func deliver(_ raw: [UInt8], to accountIDs: [AccountID], envelopeSender: String?, internalDate: Date? = nil,
                        folder: SpecialUse? = nil, whereRoom: Bool = true) async throws -> Outcome {
        var full: [AccountID: QuotaRoom] = [:]
        if whereRoom {
            full = try await mail.deliverWhereRoom(raw, to: accountIDs, internalDate: internalDate, folder: folder).full
        } else {
            _ = try await mail.deliver(raw, to: accountIDs, internalDate: internalDate, folder: folder)
        }
        let delivered = accountIDs.filter { full[$0] == nil }
        await autoResponder?.delivered(raw, envelopeSender: envelopeSender, to: delivered, junk: folder == .junk)
        return Outcome(delivered: delivered, full: full)
    }

    /// The accounts' own addresses (an alias the sender wrote is not kept): what a full mailbox's
    /// copy is queued under, which the worker routes again. An account gone meanwhile is left out.
    public func addresses(of accountIDs: [AccountID]) async throws -> [(account: AccountID, address: String)] {
        var addresses: [(account: AccountID, address: String)] = []
        for id in accountIDs {
            guard let account = try await accounts.store.account(id: id) else { continue }
            addresses.append((id, account.address.description))
        }
        return addresses
    }
}
