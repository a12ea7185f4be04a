import Foundation
import MailwardCore
import MailwardMIME

/// What the mail pages show about shared mailboxes (SPEC S, seed 四): the switcher between the
/// own mailbox and each one shared with the viewer, which buttons exist (each one the
/// permission table allows for this request — forbidden ones are left out of the page, not
/// just disabled), the compose page's `From` choices, and "A 代 B 发送" for mail sent on behalf.
enum SharedMailboxView {
    /// Template values for the list and reading pages.
    static func values(_ access: MailAccess, _ accounts: MailAccounts, language: Language) async throws -> [String: Any] {
        let en = language == .en
        let received = try await accounts.received()
        var switcher: [[String: Any]] = [[
            "label": (en ? "My mailbox" : "我的邮箱") + " · " + accounts.viewer.address.description,
            "url": "/mail", "active": !access.isShared, "own": true, "address": accounts.viewer.address.description,
        ]]
        for listing in received {
            let address = listing.other.description
            switcher.append([
                "label": address + " · " + listing.grant.permission.label(chinese: !en),
                "url": "/mail?account=" + (address.addingPercentEncoding(withAllowedCharacters: .urlQueryAllowed) ?? address),
                "active": access.account.id == listing.grant.ownerID, "own": false,
                "address": address, "permission": listing.grant.permission.rawValue,
            ])
        }
        let address = access.account.address.description
        var permission = ""
        if case .grantee(let p) = access.access { permission = p.label(chinese: !en) }
        let escaped = address.addingPercentEncoding(withAllowedCharacters: .urlQueryAllowed) ?? address
        return [
            "accounts": switcher, "has_accounts": !received.isEmpty,
            "shared": access.isShared, "shared_address": access.isShared ? address : "", "shared_permission": permission,
            "account": access.isShared ? address : "",
            "can_compose": access.offers(.send), "can_mark_unread": access.offers(.changeUnread),
            "can_flag": access.offers(.changeOtherFlags), "can_delete": access.offers(.delete),
            "can_move": access.offers(.delete) && access.offers(.insert), "can_manage": access.offers(.manage),
            "compose_url": access.isShared ? "/mail/compose?account=" + escaped : "/mail/compose",
        ]
    }

    /// The addresses the viewer may send from: its own, and each shared mailbox whose
    /// permission allows sending (the table answers), `selected` first chosen.
    static func senders(_ accounts: MailAccounts, selected: EmailAddress, language: Language) async throws -> [[String: Any]] {
        var result: [[String: Any]] = [["address": accounts.viewer.address.description, "selected": selected == accounts.viewer.address,
                                        "label": accounts.viewer.address.description]]
        for listing in try await accounts.received() where AccessPolicy.allows(.grantee(listing.grant.permission), .send) {
            result.append(["address": listing.other.description, "selected": selected == listing.other,
                           "label": listing.other.description + " (" + listing.grant.permission.label(chinese: language != .en) + ")"])
        }
        return result
    }

    /// "grantee 代 owner 发送" / "grantee on behalf of owner" when `Sender:` names someone
    /// other than `From:` (S5), else nil.
    static func onBehalf(_ parsed: ParsedMessage, language: Language) -> String? {
        guard let sender = parsed.headers(named: "Sender").flatMap(AddressParser.parse).first,
              let from = parsed.headers(named: "From").flatMap(AddressParser.parse).first,
              sender.address.lowercased() != from.address.lowercased() else { return nil }
        func show(_ a: MailAddress) -> String { a.formatted }
        return language == .en ? "\(show(sender)) on behalf of \(show(from))" : "\(show(sender)) 代 \(show(from)) 发送"
    }
}
