import Foundation
import MailwardMIME

/// A message a user writes in the webmail (or the JSON API): addresses as typed
/// (`Name <a@b>` or `a@b`, several per field), bodies, attachments.
public struct OutgoingMessage: Sendable, Equatable {
    public var from: String
    public var to: [String]
    public var cc: [String]
    public var bcc: [String]
    public var subject: String
    public var text: String?
    public var html: String?
    /// Message-ID of the message answered (with or without angle brackets).
    public var inReplyTo: String?
    public var references: [String]
    public var attachments: [MessageBuilder.Attachment]

    public init(from: String, to: [String] = [], cc: [String] = [], bcc: [String] = [], subject: String = "",
                text: String? = nil, html: String? = nil, inReplyTo: String? = nil, references: [String] = [],
                attachments: [MessageBuilder.Attachment] = []) {
        self.from = from
        self.to = to
        self.cc = cc
        self.bcc = bcc
        self.subject = subject
        self.text = text
        self.html = html
        self.inReplyTo = inReplyTo
        self.references = references
        self.attachments = attachments
    }
}

/// Why a message was not sent. Nothing is delivered, queued or filed when one is thrown.
public enum SubmissionError: Error, Equatable, Sendable {
    /// The account may not send as this address (not its own, not an alias).
    case senderNotAllowed(String)
    /// An address that is not `local@domain`.
    case invalidAddress(String)
    case noRecipients
    /// A recipient in a local domain that has no such account or alias (or only a disabled one).
    case unknownLocalRecipient(String)
    /// Remote recipients while no outbound queue is configured.
    case remoteDeliveryUnavailable([String])
    /// The built message exceeds the size limit (bytes).
    case tooLarge(limit: Int)
    /// Every recipient is local and no mailbox of theirs has room: nothing was sent. (With room
    /// somewhere, or other recipients, the full mailboxes' copies wait in the outbound queue.)
    case recipientMailboxFull([String])
}

/// What happened to a sent message.
public struct SubmissionResult: Sendable {
    /// The Message-ID header (with angle brackets).
    public var messageID: String
    /// The copy filed in the sender's Sent folder.
    public var sentCopy: MessageRecord?
    public var deliveredLocally: [String]
    public var queued: [String]
}

/// Sending mail in an account's name — the use case behind the webmail's compose page and
/// `POST /api/v1/messages/send` (doors only translate): check the `From:` with the
/// `SendingPolicy`, build the message, count its remote recipients against the account's
/// ``SendingLimits``, deliver local recipients directly, hand remote ones to the outbound queue,
/// and file a copy in Sent marked `\Seen`. Drafts are filed in Drafts.
public struct SubmissionService: Sendable {
    public let mail: MailService
    public let accounts: AccountService
    public let policy: SendingPolicy
    /// Nil when the server has no outbound delivery: remote recipients are refused.
    public let outbound: (any OutboundQueue)?
    public let maxMessageSize: Int
    /// The account's outside recipients per hour and day (nil: no limits).
    public let limiter: SendingLimiter?
    /// Local recipients' automatic replies (nil: none are sent).
    public let autoResponder: AutoResponder?

    public init(mail: MailService, accounts: AccountService, shares: ShareService? = nil, outbound: (any OutboundQueue)?,
                maxMessageSize: Int = 25 << 20, limiter: SendingLimiter? = nil, autoResponder: AutoResponder? = nil) {
        self.limiter = limiter
        self.autoResponder = autoResponder
        self.mail = mail
        self.accounts = accounts
        self.policy = SendingPolicy(accounts: accounts, shares: shares)
        self.outbound = outbound
        self.maxMessageSize = maxMessageSize
    }

    /// Sends `message` as `account`. All recipients are checked before anything is delivered.
    /// A `from` of a shared mailbox goes out as its permission says (SPEC S5) and is filed in
    /// both the account's and the owner's Sent, and recorded in the owner's log with `clientIP`.
    public func send(_ message: OutgoingMessage, as account: Account, clientIP: String? = nil) async throws -> SubmissionResult {
        let (sender, authority) = try await allowedSender(message.from, account: account)
        let to = try Self.addresses(message.to), cc = try Self.addresses(message.cc), bcc = try Self.addresses(message.bcc)
        let recipients = Self.unique((to + cc + bcc).map(\.address))
        guard !recipients.isEmpty else { throw SubmissionError.noRecipients }

        var local: [AccountID] = []
        var localAddresses: [(typed: String, account: AccountID)] = []
        var remote: [String] = []
        for text in recipients {
            guard let address = try? EmailAddress(text) else { throw SubmissionError.invalidAddress(text) }
            switch try await accounts.route(address) {
            case .local(let target):
                if !local.contains(target.id) { local.append(target.id) }
                localAddresses.append((address.description, target.id))
            case .unknownLocal, .disabledLocal:
                throw SubmissionError.unknownLocalRecipient(address.description)
            case .remote:
                remote.append(address.description)
            }
        }
        if !remote.isEmpty && outbound == nil { throw SubmissionError.remoteDeliveryUnavailable(remote) }

        let built = build(message, sender: sender, authority: authority, account: account, to: to, cc: cc)
        guard built.bytes.count <= maxMessageSize else { throw SubmissionError.tooLarge(limit: maxMessageSize) }
        // Counted last, once nothing else can refuse it, and before anything is delivered.
        try await limiter?.take(remote.count, account: account.id)

        // Local recipients whose mailbox is full while others' is not: their copies wait in the
        // outbound queue (LocalDelivery), as at the submission door — so one full mailbox does
        // not stop a message to the whole class.
        var waiting: [String] = []
        var full: [AccountID: QuotaRoom] = [:]
        if !local.isEmpty {
            let delivery = LocalDelivery(mail: mail, accounts: accounts, autoResponder: autoResponder)
            let outcome = try await delivery.deliver(built.bytes, to: local, envelopeSender: sender.address, whereRoom: outbound != nil)
            full = outcome.full
            waiting = try await delivery.addresses(of: local.filter { full[$0] != nil }).map(\.address)
            if outcome.nobodyHadRoom, remote.isEmpty { throw SubmissionError.recipientMailboxFull(waiting) }
        }
        if let outbound, !remote.isEmpty || !waiting.isEmpty {
            try await outbound.enqueue(OutboundMessage(id: OutboundMessage.newID(), sender: sender.address, recipients: remote + waiting,
                                                       raw: built.bytes, createdAt: mail.clock.now))
        }
        // The Sent copies keep the blind copies' addresses (no recipient ever sees them).
        let filed = Self.withBcc(bcc, built.bytes)
        let sent = try await mail.specialMailbox(accountID: account.id, .sent)
        let sentCopy = try await mail.append(filed, to: sent.id, flags: [MessageFlags.seen])
        if let owner = authority.owner {
            let ownerSent = try await mail.specialMailbox(accountID: owner.id, .sent)
            _ = try await mail.append(filed, to: ownerSent.id, flags: [MessageFlags.seen])
            await policy.shares?.recordGranteeSend(account, ownerID: owner.id, messageID: built.messageID,
                                                    recipients: recipients.count, door: .web, ip: clientIP)
        }
        let delivered = localAddresses.filter { full[$0.account] == nil }.map(\.typed)
        return SubmissionResult(messageID: built.messageID, sentCopy: sentCopy, deliveredLocally: delivered, queued: remote + waiting)
    }

    /// Files `message` in Drafts (flagged `\Draft \Seen`), replacing the earlier version
    /// `replacing` (a copy in the same Drafts folder) if given. Recipients are not checked.
    public func saveDraft(_ message: OutgoingMessage, as account: Account, replacing: MessageRecord? = nil) async throws -> MessageRecord {
        let (sender, authority) = (try? await allowedSender(message.from, account: account))
            ?? (Self.ownAddress(account), .own)
        let to = (try? Self.addresses(message.to)) ?? [], cc = (try? Self.addresses(message.cc)) ?? []
        let bcc = (try? Self.addresses(message.bcc)) ?? []
        let built = build(message, sender: sender, authority: authority, account: account, to: to, cc: cc)
        let bytes = Self.withBcc(bcc, built.bytes)
        guard bytes.count <= maxMessageSize else { throw SubmissionError.tooLarge(limit: maxMessageSize) }
        let drafts = try await mail.specialMailbox(accountID: account.id, .drafts)
        let record = try await mail.append(bytes, to: drafts.id, flags: [MessageFlags.draft, MessageFlags.seen])
        if let replacing, replacing.mailboxID == drafts.id {
            _ = try await mail.remove(mailboxID: drafts.id, uids: [replacing.uid], onlyDeleted: false)
        }
        return record
    }

    // MARK: - Helpers

    /// The `From:` address if the policy allows it (with the account's name when none was typed
    /// for its own address), and the authority it goes out under.
    func allowedSender(_ from: String, account: Account) async throws -> (MailAddress, SendingPolicy.Authority) {
        let trimmed = from.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty else { return (Self.ownAddress(account), .own) }
        // One address, read one way only: `<own> <ceo>` (one mailbox to our parser, two to some
        // readers) or two addresses are refused, as the submission door refuses such a `From:`.
        let addresses = AddressParser.parse(trimmed)
        guard addresses.count == 1, AddressParser.isUnambiguousMailboxList(trimmed), let parsed = addresses.first,
              let address = try? EmailAddress(parsed.address) else {
            throw SubmissionError.invalidAddress(trimmed)
        }
        let authority: SendingPolicy.Authority
        switch try await policy.decision(sender: address, account: account) {
        case .allowed(let allowed): authority = allowed
        case .permissionForbids(let permission): throw ShareError.denied(.send, permission)
        case .notAllowed, .noAddress: throw SubmissionError.senderNotAllowed(address.description)
        }
        let defaultName: String
        switch authority {
        case .own: defaultName = account.displayName
        case .shared(let owner, _): defaultName = owner.displayName
        }
        let name = parsed.displayName ?? (defaultName.isEmpty ? nil : defaultName)
        return (MailAddress(displayName: name, address: address.description), authority)
    }

    /// `raw` naming the blind copies in a `Bcc:`, for the sender's own copies (Sent, Drafts)
    /// only: the recipients' copies never carry one.
    public static func withBcc(_ bcc: [MailAddress], _ raw: [UInt8]) -> [UInt8] {
        bcc.isEmpty ? raw : HeaderEditor.settingAddressField("Bcc", to: bcc, in: raw)
    }

    /// The blind copies of a message a mail client submitted: clients leave `Bcc:` out of what
    /// they submit (RFC 5322 §3.6.3 allows it; smtplib, Thunderbird and Outlook do), so they are
    /// the envelope recipients that `To:` and `Cc:` do not name, each once. None when the
    /// message has a `Bcc:` of its own (it is the Sent copy's already).
    public static func blindRecipients(of raw: [UInt8], envelope recipients: [String]) -> [MailAddress] {
        guard !HeaderEditor.hasField(named: "Bcc", in: raw) else { return [] }
        let fields = MIMEParser.headerFields(raw)
        var listed = Set((fields.all(named: "To") + fields.all(named: "Cc")).flatMap(AddressParser.parse).map { $0.address.lowercased() })
        return recipients.filter { listed.insert($0.lowercased()).inserted }.map { MailAddress(address: $0) }
    }

    static func ownAddress(_ account: Account) -> MailAddress {
        MailAddress(displayName: account.displayName.isEmpty ? nil : account.displayName, address: account.address.description)
    }

    func build(_ message: OutgoingMessage, sender: MailAddress, authority: SendingPolicy.Authority, account: Account,
               to: [MailAddress], cc: [MailAddress]) -> MessageBuilder.Output {
        var builder = MessageBuilder(date: mail.clock.now)
        builder.timeZoneOffsetSeconds = TimeZone.current.secondsFromGMT(for: mail.clock.now)
        builder.from = [sender]
        if case .shared(_, .onBehalf) = authority { builder.sender = Self.ownAddress(account) }
        builder.to = to
        builder.cc = cc
        builder.subject = message.subject
        builder.textBody = message.text
        builder.htmlBody = message.html
        builder.inReplyTo = message.inReplyTo.flatMap { $0.isEmpty ? nil : $0 }
        builder.references = message.references.isEmpty ? (builder.inReplyTo.map { [$0] } ?? []) : message.references
        builder.attachments = message.attachments
        // The From address's domain (MessageBuilder's default): send-as mail is the owner's in
        // every header, and must not name the grantee's domain.
        builder.extraHeaders = [HeaderField(name: "User-Agent", value: "Mailward Webmail")]
        var generator = SystemRandomNumberGenerator()
        return builder.build(using: &generator)
    }

    /// Every address in the typed fields (each may hold several, comma separated), checked.
    static func addresses(_ fields: [String]) throws -> [MailAddress] {
        var result: [MailAddress] = []
        for field in fields where !field.trimmingCharacters(in: .whitespaces).isEmpty {
            let parsed = AddressParser.parse(field)
            guard !parsed.isEmpty else { throw SubmissionError.invalidAddress(field) }
            for address in parsed {
                guard (try? EmailAddress(address.address)) != nil else { throw SubmissionError.invalidAddress(address.address) }
                result.append(address)
            }
        }
        return result
    }

    static func unique(_ addresses: [String]) -> [String] {
        var seen = Set<String>()
        return addresses.filter { seen.insert($0.lowercased()).inserted }
    }
}
