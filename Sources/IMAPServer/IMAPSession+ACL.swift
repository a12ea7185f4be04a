import IMAPCodec
import MailwardCore

/// ACL (RFC 4314) over the whole-mailbox shares of SPEC S. Rights come from
/// `AccessPolicy.imapRights`; an owner's SETACL/DELETEACL on any of their folders becomes a
/// grant, a change or a revoke through `ShareService` (a share always covers every folder).
/// Grantees may read their own rights (MYRIGHTS) but never administer (GETACL, SETACL,
/// DELETEACL, LISTRIGHTS need `a`): they cannot re-share.
extension IMAPSession {
    func myRights(_ wire: IMAPCodec.MailboxName) async throws -> StatusResponse {
        let target = try await target(wire)
        send(.untagged(.myRights(mailbox: target.wireName, rights: sessionRights(target))))
        return ok("MYRIGHTS completed")
    }

    func getACL(_ wire: IMAPCodec.MailboxName) async throws -> StatusResponse {
        let target = try await administeredTarget(wire)
        var entries = [ACLEntry(identifier: account.address.description, rights: AccessPolicy.imapRights(.owner))]
        let now = door.shares.env.clock.now
        // An ended grant (B6) gives no rights: not listed.
        for listing in try await door.shares.granted(by: account) where listing.grant.isActive(at: now) {
            entries.append(ACLEntry(identifier: listing.other.description,
                                    rights: AccessPolicy.imapRights(.grantee(listing.grant.permission))))
        }
        send(.untagged(.acl(mailbox: target.wireName, entries)))
        return ok("GETACL completed")
    }

    func listRights(_ wire: IMAPCodec.MailboxName, identifier: String) async throws -> StatusResponse {
        let target = try await administeredTarget(wire)
        if identifier.lowercased() == account.address.description.lowercased() {
            send(.untagged(.listRights(mailbox: target.wireName, identifier: identifier,
                                       required: AccessPolicy.imapRights(.owner), optional: [])))
        } else {
            send(.untagged(.listRights(mailbox: target.wireName, identifier: identifier, required: "",
                                       optional: SharedMailboxRules.grantableGroups)))
        }
        return ok("LISTRIGHTS completed")
    }

    func setACL(_ wire: IMAPCodec.MailboxName, identifier: String, rights: String) async throws -> StatusResponse {
        _ = try await administeredTarget(wire)
        let grantee = try shareIdentifier(identifier)
        let existing = try await door.shares.granted(by: account).first { $0.other == grantee }
        // An ended grant (B6) has no rights now (granting again renews it: ShareService.share).
        let active = existing.map { $0.grant.isActive(at: door.shares.env.clock.now) } ?? false
        let current = active ? existing.map { AccessPolicy.imapRights(.grantee($0.grant.permission)) } ?? "" : ""
        switch SharedMailboxRules.request(rights: rights, current: current) {
        case .refused(let reason):
            return StatusResponse(.no, code: .cannot, text: reason)
        case .revoke:
            if let existing { try await door.shares.revoke(account, shareID: existing.grant.id, context: shareContext) }
            return ok("SETACL completed: no longer shared with \(Self.ascii(grantee.description))")
        case .grant(let permission):
            if let existing, active {
                _ = try await door.shares.update(account, shareID: existing.grant.id, permission: permission, until: nil,
                                                 context: shareContext)
            } else {
                try await door.shares.share(account, with: grantee.description, permission: permission, context: shareContext)
            }
            return ok("SETACL completed: the whole mailbox (every folder) is shared with \(Self.ascii(grantee.description)) as "
                      + permission.label(chinese: false).lowercased())
        }
    }

    func deleteACL(_ wire: IMAPCodec.MailboxName, identifier: String) async throws -> StatusResponse {
        _ = try await administeredTarget(wire)
        let grantee = try shareIdentifier(identifier)
        if let existing = try await door.shares.granted(by: account).first(where: { $0.other == grantee }) {
            try await door.shares.revoke(account, shareID: existing.grant.id, context: shareContext)
        }
        return ok("DELETEACL completed: not shared with \(Self.ascii(grantee.description))")
    }

    // MARK: Helpers

    /// The rights this session has on `target`: the folder's, and only look up and read with a
    /// read-only client-specific password, whatever the folder allows (B4).
    func sessionRights(_ target: MailboxTarget) -> String {
        let rights = AccessPolicy.imapRights(target.access)
        return state.login?.credential.isReadOnly == true ? rights.filter { "lr".contains($0) } : rights
    }

    /// A mailbox whose ACL the session administers: its own (a grantee is refused `NOPERM`), and
    /// not with a read-only client-specific password — GETACL and LISTRIGHTS need `a` too
    /// (RFC 4314 §4), which MYRIGHTS does not give it.
    func administeredTarget(_ wire: IMAPCodec.MailboxName) async throws -> MailboxTarget {
        let target = try await target(wire)
        try require(.manage, target.access)
        guard sessionRights(target).contains("a") else {
            throw IMAPRefusal(StatusResponse(.no, code: .noPerm, text: AppPasswordScope.readOnlyRefusal))
        }
        return target
    }

    /// An ACL identifier that can receive a share: a local user's address, not `anyone`, not
    /// a negative right (`-name`), not oneself. Unknown local users are refused by `ShareService`.
    func shareIdentifier(_ identifier: String) throws -> EmailAddress {
        if identifier.lowercased() == "anyone" || identifier.lowercased() == "authenticated" {
            throw IMAPRefusal(StatusResponse(.no, code: .cannot,
                                             text: "Mailboxes are shared with named local users only, not with \(identifier.lowercased())"))
        }
        if identifier.hasPrefix("-") {
            throw IMAPRefusal(StatusResponse(.no, code: .cannot, text: "Negative rights are not supported"))
        }
        guard let address = try? EmailAddress(identifier) else {
            throw ShareError.unknownGrantee(Self.ascii(identifier))
        }
        if address == account.address { throw ShareError.cannotShareWithSelf }
        return address
    }

    var shareContext: ClientContext {
        ClientContext(ip: connection.remoteIP, userAgent: state.clientName.map { "IMAP \($0)" } ?? "IMAP", language: .en)
    }
}
