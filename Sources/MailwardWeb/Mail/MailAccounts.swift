import Foundation
import MailwardCore

/// Which account's mail one request works on — the signed-in viewer's own, or a mailbox shared
/// with the viewer (SPEC S) — and with what access. It asks `ShareService.access` on every
/// request, so a changed or revoked grant takes effect at the grantee's very next request;
/// a mailbox the viewer has no grant for is `notFound` (its existence is not revealed).
struct MailAccounts: Sendable {
    let web: WebMail
    let ids: MailIDs
    let shares: ShareService?
    let viewer: Account

    /// The viewer's own mail.
    var own: MailAccess { MailAccess(web: web, ids: ids, own: viewer, shares: shares) }

    /// The mail of `address` (`?account=`): the viewer's own when empty or the viewer's address.
    func account(_ address: String?) async throws -> MailAccess {
        guard let text = address?.trimmingCharacters(in: .whitespaces), !text.isEmpty else { return own }
        guard text.utf8.count <= 320, let parsed = try? EmailAddress(text) else { throw MailAccess.Failure.notFound }
        if parsed == viewer.address { return own }
        guard let shares, let owner = try await shares.env.accounts.store.account(address: parsed) else {
            throw MailAccess.Failure.notFound
        }
        return try await shared(owner, shares)
    }

    /// The account an opaque mailbox or message id was made for. A token that is none of the
    /// viewer's accounts' (or not a token at all, e.g. a folder name) resolves to the viewer's
    /// own mail, where it then finds nothing or the named folder.
    func account(of kind: MailIDs.Kind, _ token: String?) async throws -> MailAccess {
        guard let token, ids.decode(kind, token, account: viewer.id) == nil, let shares else { return own }
        let owners = try await shares.activeGrants(granteeID: viewer.id).map(\.ownerID)
        guard let (_, ownerID) = ids.decode(kind, token, accounts: owners),
              let owner = try await shares.env.accounts.store.account(id: ownerID) else { return own }
        return try await shared(owner, shares)
    }

    /// `?account=` when the request names one, else the account the token was made for.
    func account(query: String?, of kind: MailIDs.Kind, _ token: String?) async throws -> MailAccess {
        if let query, !query.isEmpty { return try await account(query) }
        return try await account(of: kind, token)
    }

    /// Mailboxes shared with the viewer, for the switcher and the compose page's `From`.
    func received() async throws -> [ShareListing] {
        guard let shares else { return [] }
        return try await shares.received(by: viewer)
    }

    private func shared(_ owner: Account, _ shares: ShareService) async throws -> MailAccess {
        let access = try await shares.access(of: viewer.id, to: owner.id)
        guard access != .none else { throw MailAccess.Failure.notFound }
        return MailAccess(web: web, ids: ids, account: owner, viewer: viewer, access: access, shares: shares)
    }
}
