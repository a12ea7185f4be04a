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

    /// Why `account` may use `sender`, or nil when it may not.
    public func authority(sender: EmailAddress, account: Account) async throws -> Authority? {
        if sender == account.address { return .own }
        guard let ownerID = try await ownerID(of: sender) else { return nil }
        if ownerID == account.id { return .own }
        guard let shares, let owner = try await accounts.store.account(id: ownerID), !owner.disabled else { return nil }
        let access = try await shares.access(of: account.id, to: owner.id)
        guard let mode = AccessPolicy.sendingMode(access, grantee: account.address) else { return nil }
        return .shared(owner: owner, mode: mode)
    }

    /// The share permission that keeps `account` from sending as `sender` — it holds a share of
    /// that mailbox that does not allow sending (read only) —, or nil: no share at all, or one
    /// that allows it. Lets a refusal say why (SPEC S: "refused with a clear message").
    public func permissionDenyingSend(sender: EmailAddress, account: Account) async throws -> SharePermission? {
        guard let shares, let ownerID = try await ownerID(of: sender), ownerID != account.id,
              case .grantee(let permission) = try await shares.access(of: account.id, to: ownerID),
              !AccessPolicy.allows(.grantee(permission), .send) else { return nil }
        return permission
    }

    /// The account an address (its own or an alias) belongs to.
    private func ownerID(of address: EmailAddress) async throws -> AccountID? {
        if let alias = try await accounts.store.alias(address: address) { return alias.accountID }
        return try await accounts.store.account(address: address)?.id
    }

    /// Whether `account` may use `sender` as envelope sender or `From:` address.
    public func mayUse(sender: EmailAddress, account: Account) async throws -> Bool {
        try await authority(sender: sender, account: account) != nil
    }

    /// The authority for the message's `From:` header(s), or nil unless every address there is one
    /// `account` may use. A message without a usable `From:` address is refused: it would go out
    /// unattributed. Several `From:` addresses of different shared owners are refused too — one
    /// message speaks for one mailbox.
    public func headerAuthority(of raw: [UInt8], account: Account) async throws -> Authority? {
        let addresses = Self.fromAddresses(of: raw)
        guard !addresses.isEmpty else { return nil }
        var result = Authority.own
        for mailAddress in addresses {
            guard let address = try? EmailAddress(mailAddress.address),
                  let authority = try await authority(sender: address, account: account) else { return nil }
            switch (result, authority) {
            case (_, .own): continue
            case (.own, .shared): result = authority
            case (.shared(let a, _), .shared(let b, _)): if a.id != b.id { return nil }
            }
        }
        return result
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
