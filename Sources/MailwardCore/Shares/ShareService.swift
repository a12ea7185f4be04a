import Foundation

/// Sharing a whole mailbox with local colleagues (SPEC S): grant, change, revoke, list, and the
/// one question every door asks — "what may this account do with that mailbox?". Changes take
/// effect at the grantee's next action because every door asks again each time.
public struct ShareService: Sendable {
    public let env: SecurityEnvironment
    public let store: any ShareStore
    /// Called with the owner's id after a share was changed or revoked, so that sessions
    /// showing the owner's mailbox to a grantee — waiting in IMAP IDLE, say — ask again now
    /// rather than at their next command.
    let accessChanged: @Sendable (AccountID) async -> Void

    public init(_ env: SecurityEnvironment, store: any ShareStore,
                accessChanged: @escaping @Sendable (AccountID) async -> Void = { _ in }) {
        self.env = env
        self.store = store
        self.accessChanged = accessChanged
    }

    // MARK: The owner's side

    /// Shares `owner`'s mailbox with `granteeAddress`. Only the owner shares, so a grantee
    /// can never re-share someone else's mailbox — or the administrator (`actor` "cli"), for a
    /// functional mailbox no one signs in to (B5).
    @discardableResult
    public func share(_ owner: Account, with granteeAddress: String, permission: SharePermission,
                      until expiresAt: Date? = nil, context: ClientContext, by actor: String? = nil) async throws -> ShareListing {
        if let expiresAt, expiresAt <= env.clock.now { throw ShareError.invalidExpiry }
        guard let address = try? EmailAddress(granteeAddress),
              let grantee = try await env.accounts.store.account(address: address) else {
            throw ShareError.unknownGrantee(granteeAddress)
        }
        guard grantee.id != owner.id else { throw ShareError.cannotShareWithSelf }
        let grant: ShareGrant
        do {
            grant = try await store.insertShare(ownerID: owner.id, granteeID: grantee.id, permission: permission,
                                                createdAt: env.clock.now, createdBy: owner.id, expiresAt: expiresAt)
        } catch StoreError.duplicate {
            // A grant that has ended (B6) is still listed for its owner: sharing again renews
            // it with the new permission and end — the same answer in every door (API, page,
            // CLI, IMAP SETACL). One that still runs is changed, not made twice.
            guard let ended = try await store.share(ownerID: owner.id, granteeID: grantee.id),
                  !ended.isActive(at: env.clock.now) else { throw ShareError.alreadyShared(address.description) }
            return try await update(owner, shareID: ended.id, permission: permission, until: .some(expiresAt),
                                    context: context, by: actor)
        }
        await audit(.shareCreated, owner: owner.id, grantee: grantee.id, context: context, actor: actor,
                    detail: "\(owner.address) → \(grantee.address): \(permission.rawValue)\(Self.untilText(expiresAt))")
        return ShareListing(grant: grant, other: grantee.address)
    }

    public func changePermission(_ owner: Account, shareID: Int64, to permission: SharePermission,
                                 context: ClientContext, by actor: String? = nil) async throws -> ShareListing {
        let grant = try await ownedGrant(owner, shareID)
        _ = try await store.updateShare(id: shareID, permission: permission)
        let grantee = try await env.accounts.store.account(id: grant.granteeID)
        await audit(.shareChanged, owner: owner.id, grantee: grant.granteeID, context: context, actor: actor,
                    detail: "\(owner.address) → \(grantee?.address.description ?? "?"): \(grant.permission.rawValue) → \(permission.rawValue)")
        await accessChanged(owner.id)
        var changed = grant
        changed.permission = permission
        return ShareListing(grant: changed, other: grantee?.address ?? owner.address)
    }

    /// Sets when the grant ends (B6), or (nil) lets it last until revoked. A grant that has
    /// ended may be given a new end, which opens it again.
    public func setExpiry(_ owner: Account, shareID: Int64, until expiresAt: Date?, context: ClientContext,
                          by actor: String? = nil) async throws -> ShareListing {
        if let expiresAt, expiresAt <= env.clock.now { throw ShareError.invalidExpiry }
        let grant = try await ownedGrant(owner, shareID)
        _ = try await store.setShareExpiry(id: shareID, expiresAt: expiresAt)
        let grantee = try await env.accounts.store.account(id: grant.granteeID)
        await audit(.shareChanged, owner: owner.id, grantee: grant.granteeID, context: context, actor: actor,
                    detail: "\(owner.address) → \(grantee?.address.description ?? "?"):\(expiresAt == nil ? " until revoked" : Self.untilText(expiresAt))")
        await accessChanged(owner.id)
        var changed = grant
        changed.expiresAt = expiresAt
        return ShareListing(grant: changed, other: grantee?.address ?? owner.address)
    }

    /// Changes the permission, the end (`.some(nil)`: until revoked), or both — all checked
    /// before anything is changed, so a refused end leaves the permission as it was too.
    public func update(_ owner: Account, shareID: Int64, permission: SharePermission?, until expiresAt: Date??,
                       context: ClientContext, by actor: String? = nil) async throws -> ShareListing {
        if case .some(.some(let end)) = expiresAt, end <= env.clock.now { throw ShareError.invalidExpiry }
        var listing = try await listing(owner, shareID)
        if let permission, permission != listing.grant.permission {
            listing = try await changePermission(owner, shareID: shareID, to: permission, context: context, by: actor)
        }
        if case .some(let end) = expiresAt {
            listing = try await setExpiry(owner, shareID: shareID, until: end, context: context, by: actor)
        }
        return listing
    }

    private func listing(_ owner: Account, _ shareID: Int64) async throws -> ShareListing {
        let grant = try await ownedGrant(owner, shareID)
        let grantee = try await env.accounts.store.account(id: grant.granteeID)
        return ShareListing(grant: grant, other: grantee?.address ?? owner.address)
    }

    /// ` until 2027-01-31T16:00:00Z` for the audit's detail, nothing for a grant without end.
    static func untilText(_ date: Date?) -> String {
        date.map { " until " + ISO8601DateFormatter().string(from: $0) } ?? ""
    }

    public func revoke(_ owner: Account, shareID: Int64, context: ClientContext, by actor: String? = nil) async throws {
        let grant = try await ownedGrant(owner, shareID)
        _ = try await store.deleteShare(id: shareID)
        let grantee = try await env.accounts.store.account(id: grant.granteeID)
        await audit(.shareRevoked, owner: owner.id, grantee: grant.granteeID, context: context, actor: actor,
                    detail: "\(owner.address) → \(grantee?.address.description ?? "?")")
        await accessChanged(owner.id)
    }

    /// Grants the account made, with grantee addresses.
    public func granted(by owner: Account) async throws -> [ShareListing] {
        try await listings(store.shares(ownerID: owner.id), other: \.granteeID)
    }

    /// Mailboxes shared with the account, with owner addresses — those whose grant has not ended.
    public func received(by grantee: Account) async throws -> [ShareListing] {
        try await listings(activeGrants(granteeID: grantee.id), other: \.ownerID)
    }

    /// The grants that give `granteeID` access now (an ended one is as if revoked, B6).
    public func activeGrants(granteeID: AccountID) async throws -> [ShareGrant] {
        let now = env.clock.now
        return try await store.shares(granteeID: granteeID).filter { $0.isActive(at: now) }
    }

    // MARK: The question every door asks

    public func access(of viewer: AccountID, to ownerID: AccountID) async throws -> AccessPolicy.Access {
        if viewer == ownerID { return .owner }
        guard let grant = try await store.share(ownerID: ownerID, granteeID: viewer), grant.isActive(at: env.clock.now) else {
            return .none
        }
        return .grantee(grant.permission)
    }

    /// Throws `ShareError.denied` unless the table allows `action` (`.notFound` for strangers,
    /// so a mailbox's existence is not revealed).
    @discardableResult
    public func authorize(_ viewer: AccountID, _ action: MailboxAction, on ownerID: AccountID) async throws -> AccessPolicy.Access {
        let access = try await access(of: viewer, to: ownerID)
        if access == .none { throw ShareError.notFound }
        guard AccessPolicy.allows(access, action) else {
            if case .grantee(let permission) = access { throw ShareError.denied(action, permission) }
            throw ShareError.denied(action, nil)
        }
        return access
    }

    /// Records what a grantee did in a shared mailbox (the owner sees it in the audit log).
    public func recordGranteeAction(_ grantee: Account, ownerID: AccountID, action: MailboxAction, door: DoorKind,
                                    ip: String?, detail: String) async {
        await env.audit.record(.sharedMailboxAction, account: ownerID, door: door.rawValue, method: action.rawValue,
                               ip: ip, detail: "\(grantee.address): \(detail)")
    }

    /// Records a grantee's search of the message text in a colleague's mailbox: its results show
    /// what the owner's messages say without opening them, so the owner's log names the words and
    /// how many messages they found (B6) — one detail whichever door searched:
    /// `searched “tea”, “in town” in INBOX: 2 found` (`in all folders` when `folder` is nil).
    /// Nothing for the grantee's own mailboxes, nor for a search without words.
    public func recordGranteeSearch(_ grantee: Account, ownerID: AccountID, words: [String], folder: String?, found: Int,
                                    door: DoorKind, ip: String?) async {
        guard ownerID != grantee.id, !words.isEmpty else { return }
        let quoted = words.map(Self.auditQuoted).joined(separator: ", ")
        await recordGranteeAction(grantee, ownerID: ownerID, action: .view, door: door, ip: ip,
                                  detail: "searched \(quoted) in \(folder ?? "all folders"): \(found) found")
    }

    /// Records a message a grantee sent as a colleague (send-as, B6), through the webmail or
    /// SMTP submission alike: `sent <id> to 3 recipient(s)`.
    public func recordGranteeSend(_ grantee: Account, ownerID: AccountID, messageID: String, recipients: Int,
                                  door: DoorKind, ip: String?) async {
        await recordGranteeAction(grantee, ownerID: ownerID, action: .send, door: door, ip: ip,
                                  detail: "sent \(messageID) to \(recipients) recipient(s)")
    }

    /// Text a grantee chose (search words), quoted for an audit detail: `“words”`, cut to
    /// 100 characters, with curly quotes inside made straight so the detail's own quotes
    /// still mark where it begins and ends.
    static func auditQuoted(_ text: String) -> String {
        let inner = String(text.prefix(100)).replacingOccurrences(of: "“", with: "\"").replacingOccurrences(of: "”", with: "\"")
        return "“" + inner + "”"
    }

    // MARK: Helpers

    private func ownedGrant(_ owner: Account, _ id: Int64) async throws -> ShareGrant {
        guard let grant = try await store.share(id: id), grant.ownerID == owner.id else { throw ShareError.notFound }
        return grant
    }

    private func listings(_ grants: [ShareGrant], other: KeyPath<ShareGrant, AccountID>) async throws -> [ShareListing] {
        var result: [ShareListing] = []
        for grant in grants {
            if let account = try await env.accounts.store.account(id: grant[keyPath: other]) {
                result.append(ShareListing(grant: grant, other: account.address))
            }
        }
        return result.sorted { $0.other < $1.other }
    }

    private func audit(_ kind: AuditKind, owner: AccountID, grantee: AccountID, context: ClientContext, actor: String?,
                       detail: String) async {
        let ip = actor == nil ? context.ip : nil
        await env.audit.record(kind, account: owner, door: actor ?? "web", ip: ip, detail: detail)
        await env.audit.record(kind, account: grantee, door: actor ?? "web", ip: ip, detail: detail)
    }
}

extension AuditKind {
    public static let shareCreated = AuditKind(rawValue: "share-created")
    public static let shareChanged = AuditKind(rawValue: "share-changed")
    public static let shareRevoked = AuditKind(rawValue: "share-revoked")
    public static let sharedMailboxAction = AuditKind(rawValue: "shared-mailbox-action")
}
