import Foundation
import MailwardMIME

/// Which addresses an account may send as (SPEC M2, S4/S5): the one rule the submission door
/// and the webmail ask before mail leaves in an account's name.
///
/// An account sends as its own address and its aliases; through a shared mailbox with a sending
/// permission it also sends as the owner's addresses — marked as sent on behalf or directly as
/// the owner, as the permission table (`AccessPolicy.sendingMode`) says.
public struct SendingPolicy: Sendable {
    public let accounts: AccountService
    /// Nil where shared mailboxes are not wired (then only own addresses count).
    public let shares: ShareService?

    public init(accounts: AccountService, shares: ShareService? = nil) {
        self.accounts = accounts
        self.shares = shares
    }

    /// On whose authority a message from some address goes out.
    public enum Authority: Sendable, Equatable {
        /// The account's own address or alias.
        case own
        /// A shared mailbox's address: `owner` is the mailbox's account, `mode` how it goes out.
        case shared(owner: Account, mode: SendingMode)

        public var owner: Account? {
            if case .shared(let owner, _) = self { return owner }
            return nil
        }
    }

    /// What the policy says about one sender address, or about a message's `From:`.
    public enum Decision: Sendable, Equatable {
        case allowed(Authority)
        /// Neither the account's own address or alias nor a shared mailbox it holds.
        case notAllowed
        /// A shared mailbox the account holds, whose permission does not allow sending (read
        /// only): refusals name it (SPEC S: "refused with a clear message").
        case permissionForbids(SharePermission)
        /// The message names no `From:` address (``headerDecision(of:account:)`` only).
        case noAddress

        public var authority: Authority? {
            if case .allowed(let authority) = self { return authority }
            return nil
        }
    }

    /// Whether, and on whose authority, `account` may use `sender` — and if not, why.
    public func decision(sender: EmailAddress, account: Account) async throws -> Decision {
        if sender == account.address { return .allowed(.own) }
        guard let ownerID = try await ownerID(of: sender) else { return .notAllowed }
        if ownerID == account.id { return .allowed(.own) }
        guard let shares, let owner = try await accounts.store.account(id: ownerID), !owner.disabled else { return .notAllowed }
        let access = try await shares.access(of: account.id, to: owner.id)
        if let mode = AccessPolicy.sendingMode(access, grantee: account.address) { return .allowed(.shared(owner: owner, mode: mode)) }
        if case .grantee(let permission) = access { return .permissionForbids(permission) }
        return .notAllowed
    }

    /// The account an address (its own or an alias) belongs to.
    private func ownerID(of address: EmailAddress) async throws -> AccountID? {
        if let alias = try await accounts.store.alias(address: address) { return alias.accountID }
        return try await accounts.store.account(address: address)?.id
    }

    /// Why `account` may use `sender`, or nil when it may not.
    public func authority(sender: EmailAddress, account: Account) async throws -> Authority? {
        try await decision(sender: sender, account: account).authority
    }

    /// Whether `account` may use `sender` as envelope sender or `From:` address.
    public func mayUse(sender: EmailAddress, account: Account) async throws -> Bool {
        try await authority(sender: sender, account: account) != nil
    }

    /// The decision for the message's `From:` header(s): allowed only if every address there is
    /// one `account` may use — else the first refused address's reason. A message without a
    /// usable `From:` address is refused: it would go out unattributed. Several `From:` addresses
    /// of different shared owners are refused too — one message speaks for one mailbox.
    public func headerDecision(of raw: [UInt8], account: Account) async throws -> Decision {
        let addresses = Self.fromAddresses(of: raw)
        guard !addresses.isEmpty else { return .noAddress }
        // A `From:` other readers could take for other addresses than we do (`<own@x> <ceo@y>`
        // is one address here, two in some mail clients) is refused, not judged by our reading.
        guard MIMEParser.headerValues(named: "From", in: raw).allSatisfy(AddressParser.isUnambiguousMailboxList) else {
            return .notAllowed
        }
        var result = Authority.own
        for mailAddress in addresses {
            let authority: Authority
            switch try await decision(header: mailAddress, account: account) {
            case .allowed(let allowed): authority = allowed
            case let refused: return refused
            }
            switch (result, authority) {
            case (_, .own): continue
            case (.own, .shared): result = authority
            case (.shared(let a, _), .shared(let b, _)): if a.id != b.id { return .notAllowed }
            }
        }
        // `Resent-From:` (a client's "redirect", RFC 5322 §3.6.6) names who sends it on: shown by
        // mail clients as the sender, so it is held to the same rule — the account's own
        // addresses, or a mailbox it may send for. Only the newest resent block (the topmost
        // field) is this sender's: older ones are others' earlier redirects, kept as they were.
        if let value = MIMEParser.headerValues(named: "Resent-From", in: raw).first {
            guard AddressParser.isUnambiguousMailboxList(value) else { return .notAllowed }
            for mailAddress in AddressParser.parse(value) {
                let decision = try await decision(header: mailAddress, account: account)
                guard decision.authority != nil else { return decision }
            }
        }
        return .allowed(result)
    }

    /// The decision for one address of a sender field (`From:`, `Resent-From:`).
    private func decision(header mailAddress: MailAddress, account: Account) async throws -> Decision {
        guard let address = try? EmailAddress(mailAddress.address) else { return .notAllowed }
        return try await decision(sender: address, account: account)
    }

    /// ``headerDecision(of:account:)``'s authority, or nil when the message is refused.
    public func headerAuthority(of raw: [UInt8], account: Account) async throws -> Authority? {
        try await headerDecision(of: raw, account: account).authority
    }

    /// The addresses of the message's `From:` field(s).
    public static func fromAddresses(of raw: [UInt8]) -> [MailAddress] {
        MIMEParser.authors(of: raw).flatMap { $0 }
    }

    /// `raw` as it may go out under `authority`, its `Sender:` decided by the server:
    /// - on behalf → `Sender:` is the grantee, whatever the client wrote (SPEC S5);
    /// - as the owner → no `Sender:`;
    /// - own mail → a `Sender:` the account may use as its own (its address, an alias) is kept;
    ///   any other is removed — it would make the mail claim that someone else sent it (the
    ///   webmail shows "X 代 Y 发送"; SPEC S5 reserves that to send-on-behalf).
    ///
    /// A `From:` of several addresses needs a `Sender:` (RFC 5322 §3.6.2): where none is left,
    /// it is the account.
    public func finalHeaders(_ raw: [UInt8], authority: Authority, account: Account) async throws -> [UInt8] {
        let name = account.displayName.isEmpty ? nil : account.displayName
        let accountAddress = MailAddress(displayName: name, address: account.address.description)
        let severalAuthors = Self.fromAddresses(of: raw).count > 1
        switch authority {
        case .shared(_, .onBehalf):
            return HeaderEditor.settingAddressField("Sender", to: [accountAddress], in: raw)
        case .shared(_, .asOwner):
            return HeaderEditor.settingAddressField("Sender", to: severalAuthors ? [accountAddress] : [], in: raw)
        case .own:
            let fields = MIMEParser.headerValues(named: "Sender", in: raw)
            if fields.isEmpty && !severalAuthors { return raw }
            let senders = fields.flatMap(AddressParser.parse)
            if fields.count == 1, senders.count == 1, try await isOwn(senders[0], account: account) { return raw }
            return HeaderEditor.settingAddressField("Sender", to: severalAuthors ? [accountAddress] : [], in: raw)
        }
    }

    private func isOwn(_ mailAddress: MailAddress, account: Account) async throws -> Bool {
        guard let address = try? EmailAddress(mailAddress.address) else { return false }
        return try await authority(sender: address, account: account) == .own
    }
}
