import Foundation
import IMAPCodec
import MailwardCore

/// Shared mailboxes (SPEC S) in the IMAP door: resolving `Shared/<owner>/<folder>`, asking
/// `ShareService` again at every command, and recording what a grantee does for the owner.
/// The door never decides itself: every yes or no comes from `AccessPolicy` via `ShareService`.
extension IMAPSession {
    var account: Account { state.login!.account }

    // MARK: Resolving names

    /// The mailbox a wire name names, own or shared; throws `noSuchMailbox` for names that do not
    /// exist or that the session may not see (a stranger's mailbox is not revealed).
    func target(_ wire: IMAPCodec.MailboxName) async throws -> MailboxTarget {
        let name = try folderName(wire)
        guard let place = SharedNamespace.place(of: name) else {
            guard let mailbox = try await store.mailbox(accountID: accountID, name: name) else {
                throw MailError.noSuchMailbox(name)
            }
            return MailboxTarget(mailbox: mailbox, wireName: mailbox.name, owner: nil, access: .owner)
        }
        guard case .folder(let ownerText, let folder) = place,
              let owner = try await sharedOwner(ownerText) else { throw MailError.noSuchMailbox(name) }
        let access = try await door.shares.access(of: accountID, to: owner.id)
        guard access != .none, let mailbox = try await store.mailbox(accountID: owner.id, name: folder) else {
            throw MailError.noSuchMailbox(name)
        }
        return MailboxTarget(mailbox: mailbox, wireName: SharedNamespace.name(owner: owner.address, folder: mailbox.name),
                             owner: owner, access: access)
    }

    /// The colleague an address in `Shared/<address>` names (never the session's own account).
    func sharedOwner(_ text: String) async throws -> Account? {
        guard let address = try? EmailAddress(text),
              let owner = try await door.shares.env.accounts.store.account(address: address),
              owner.id != accountID else { return nil }
        return owner
    }

    /// Throws the table's refusal (`NO [NOPERM]`) unless `access` allows `action`.
    func require(_ action: MailboxAction, _ access: AccessPolicy.Access) throws {
        guard AccessPolicy.allows(access, action) else {
            if case .grantee(let permission) = access { throw ShareError.denied(action, permission) }
            throw ShareError.notFound
        }
    }

    /// CREATE, DELETE, RENAME and SETACL inside `Shared/`: folders there are managed by their owner.
    func refuseSharedManagement(_ name: String) async throws {
        guard let place = SharedNamespace.place(of: name) else { return }
        if case .folder(let ownerText, _) = place, let owner = try await sharedOwner(ownerText) {
            try await door.shares.authorize(accountID, .manage, on: owner.id)  // always refuses a grantee
        }
        throw IMAPRefusal(StatusResponse(.no, code: .noPerm,
                                         text: "Shared/ holds mailboxes colleagues share with you; only their owners manage them"))
    }

    // MARK: The selected mailbox, asked again at every command

    /// Asks `ShareService` again before any command while a colleague's mailbox is selected, so a
    /// revoke or change applies at once. Revoked: the mailbox is closed (`* OK [CLOSED]`), and
    /// the command fails with `NO [NOPERM]` when it needed the mailbox (FETCH, STORE, NOOP,
    /// IDLE…); other commands (SELECT, LIST, LOGOUT…) then run as usual. Changed: the mailbox
    /// turns read-only or read-write as the new permission says; a raise is announced (untagged
    /// `OK [READ-WRITE]`, RFC 3501 §7.1, with the new `PERMANENTFLAGS`), so the client may change
    /// the mailbox without selecting it again; a command the new permission forbids fails with
    /// `NO [NOPERM]`. Returns the refusal to send, if any.
    func recheckSelectedAccess(for command: Command) async throws -> StatusResponse? {
        guard let selected = state.selected else { return nil }
        guard selected.ownerID != accountID else {
            selectedAccess = .owner
            return nil
        }
        let access = try await door.shares.access(of: accountID, to: selected.ownerID)
        selectedAccess = access
        let needed = SharedMailboxRules.actions(onSelected: command)
        if access == .none {
            closeRevokedMailbox()
            guard !needed.isEmpty || Self.needsSelection(command) else { return nil }
            return StatusResponse(.no, code: .noPerm, text: "\(Self.ascii(selected.name)) is no longer shared with you (revoked, or its time ran out)")
        }
        announceWritability(readOnly: !SharedMailboxRules.mayWrite(access))
        for action in needed where !AccessPolicy.allows(access, action) {
            if case .grantee(let permission) = access {
                return StatusResponse(.no, code: .noPerm, text: ShareError.denied(action, permission).message(chinese: false))
            }
        }
        return nil
    }

    /// Makes the selected mailbox read-only or read-write (never after EXAMINE); says so when it
    /// became writable. A lowered permission is not announced with `OK [READ-ONLY]`: Python's
    /// imaplib, for one, turns that into an exception on whatever command it comes with — the
    /// commands the permission no longer allows are refused with `NO [NOPERM]` instead.
    private func announceWritability(readOnly: Bool) {
        var changed = false
        state.updateSelected { changed = $0.setReadOnly(readOnly) }
        guard changed, let selected = state.selected, !selected.readOnly else { return }
        send(.untagged(.status(StatusResponse(.ok, code: .readWrite, text: "The owner's share now permits changes"))))
        send(.untagged(.status(Self.permanentFlags(of: selected))))
    }

    /// Deselects a mailbox whose share was revoked, telling the client (RFC 7162 `[CLOSED]`).
    func closeRevokedMailbox() {
        guard let selected = state.selected else { return }
        state.deselect()
        selectedAccess = .owner
        send(.untagged(.status(StatusResponse(.ok, code: .closed,
                                              text: "Access to \(Self.ascii(selected.name)) was revoked; mailbox closed"))))
    }

    static func needsSelection(_ command: Command) -> Bool {
        switch command {
        case .check, .close, .unselect, .expunge, .uidExpunge, .search, .fetch, .store, .copy, .move: true
        default: false
        }
    }

    // MARK: Audit

    /// Records a grantee's action in a colleague's mailbox (nothing for the owner's own).
    func recordShared(_ action: MailboxAction, ownerID: AccountID, folder: String, _ what: String) async {
        guard ownerID != accountID else { return }
        await door.shares.recordGranteeAction(account, ownerID: ownerID, action: action, door: .imap,
                                              ip: connection.remoteIP, detail: "\(what) in \(folder)")
    }

    /// `UIDs 1:3,7 (4 messages)`, for audit details (`UIDs none (0 messages)` for an empty list).
    static func describe(_ uids: [MessageUID]) -> String {
        var parts: [String] = []
        if case .ranges(let ranges) = SequenceSets.make(uids) {
            for range in ranges.prefix(20) {
                let (a, b) = (range.first.resolved(largest: 0), range.last.resolved(largest: 0))
                parts.append(a == b ? "\(a)" : "\(a):\(b)")
            }
            if ranges.count > 20 { parts.append("…") }
        }
        return "UIDs \(parts.isEmpty ? "none" : parts.joined(separator: ",")) (\(uids.count) message\(uids.count == 1 ? "" : "s"))"
    }

    /// Response text is 7-bit (RFC 3501 TEXT-CHAR): non-ASCII shown as `?`.
    static func ascii(_ text: String) -> String {
        String(text.unicodeScalars.map { $0.isASCII && $0.value >= 0x20 && $0.value != 0x7F ? Character($0) : "?" }.prefix(200))
    }
}

/// A command refused with a ready answer (thrown from deep inside a command).
struct IMAPRefusal: Error {
    let status: StatusResponse
    init(_ status: StatusResponse) { self.status = status }
}
