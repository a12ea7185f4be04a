import Foundation
import MailwardCore
import Testing

/// Shared mailboxes in the JSON API and the mail pages over real HTTP (SPEC S, issue 8): each
/// permission allows exactly the actions of SPEC's table and the API refuses the rest with 403
/// `permission_denied` (changing nothing), the pages leave out the forbidden buttons, reading
/// never sets `\Seen` for read-only / send-on-behalf, a change or revocation takes effect at the
/// next request, and ids stay tied to their account.
@Suite(.serialized) struct SharedMailboxAPITests {
    static let password = "Tea-Garden-42"

    /// The actions a grantee tries, and SPEC S's table for them (written out here, not derived
    /// from `AccessPolicy`, so that the code is checked against the specification).
    enum Action: String, CaseIterable {
        /// `forward` attaches the shared message to mail from the grantee's own address; `reply`
        /// answers it from there (`reply_to_id`).
        case list, read, markSeen, flag, seenAndFlag, move, delete, send, forward, reply, createFolder
    }

    static let table: [SharePermission: Set<Action>] = [
        .readOnly: [.list, .read],
        .sendOnBehalf: [.list, .read, .send, .forward, .reply],
        .sendAs: [.list, .read, .markSeen, .flag, .seenAndFlag, .move, .delete, .send, .forward, .reply],
    ]

    func signedIn(_ server: TwoStepServer, _ address: String) async throws -> APIClient {
        let client = server.client()
        let reply = try await client.call(.POST, "/api/v1/session", ["username": address, "password": Self.password])
        #expect(reply.status == 200, "\(reply.body)")
        return client
    }

    func deliver(_ server: TwoStepServer, to address: String, subject: String) async throws {
        let account = try await server.runtime.accounts.account(address)
        let raw = "From: Client <client@example.org>\r\nTo: \(address)\r\nSubject: \(subject)\r\nMessage-ID: <\(UUID().uuidString)@example.org>\r\n\r\nbody of \(subject)\r\n"
        _ = try await server.runtime.mail.deliver(Array(raw.utf8), to: [account.id])
    }

    /// The owner's own view of one message (by subject): its id and flags.
    func ownerView(_ owner: APIClient, _ subject: String) async throws -> [String: Any]? {
        let inbox = try #require(try await owner.call(.GET, "/api/v1/mailboxes").array.first { $0["name"] as? String == "INBOX" }?["id"] as? String)
        let list = try await owner.call(.GET, "/api/v1/mailboxes/\(inbox)/messages?limit=200")
        return (list.object["messages"] as? [[String: Any]])?.first { $0["subject"] as? String == subject }
    }

    /// One server with `office@` sharing its mailbox with `alice@` as `permission`.
    func setUp(_ permission: SharePermission) async throws -> (TwoStepServer, office: APIClient, alice: APIClient, shareID: Int) {
        let server = try await TwoStepServer.start()
        for user in ["office@demo.test", "alice@demo.test", "stranger@demo.test"] { try await server.addUser(user) }
        for action in Action.allCases { try await deliver(server, to: "office@demo.test", subject: action.rawValue) }
        let office = try await signedIn(server, "office@demo.test")
        let alice = try await signedIn(server, "alice@demo.test")
        let share = try await office.call(.POST, "/api/v1/shares", ["grantee": "alice@demo.test", "permission": permission.rawValue])
        #expect(share.status == 201, "\(share.body)")
        return (server, office, alice, try #require(share["id"] as? Int))
    }

    /// The grantee's ids of the shared INBOX and its messages by subject.
    func sharedInbox(_ alice: APIClient) async throws -> (inbox: String, trash: String, messages: [String: String]) {
        let boxes = try await alice.call(.GET, "/api/v1/mailboxes?account=office@demo.test")
        #expect(boxes.status == 200, "\(boxes.body)")
        let inbox = try #require(boxes.array.first { $0["name"] as? String == "INBOX" }?["id"] as? String)
        let trash = try #require(boxes.array.first { $0["special_use"] as? String == "trash" }?["id"] as? String)
        let list = try await alice.call(.GET, "/api/v1/mailboxes/\(inbox)/messages?limit=200")
        var messages: [String: String] = [:]
        for message in list.object["messages"] as? [[String: Any]] ?? [] {
            if let subject = message["subject"] as? String, let id = message["id"] as? String { messages[subject] = id }
        }
        return (inbox, trash, messages)
    }

    @Test(arguments: SharePermission.allCases)
    func eachPermissionAllowsExactlyTheTable(_ permission: SharePermission) async throws {
        let (server, office, alice, _) = try await setUp(permission)
        defer { Task { try? await server.stop() } }
        let allowed = Self.table[permission] ?? []
        let (inbox, trash, ids) = try await sharedInbox(alice)
        #expect(ids.count == Action.allCases.count, "\(permission): the grantee lists the shared INBOX")

        for action in Action.allCases {
            let id = try #require(ids[action.rawValue])
            let reply: APIClient.Reply
            switch action {
            case .list: reply = try await alice.call(.GET, "/api/v1/mailboxes/\(inbox)/messages")
            case .read: reply = try await alice.call(.GET, "/api/v1/messages/\(id)")
            case .markSeen: reply = try await alice.call(.PATCH, "/api/v1/messages/\(id)", ["seen": true])
            case .flag: reply = try await alice.call(.PATCH, "/api/v1/messages/\(id)", ["flagged": true])
            case .seenAndFlag: reply = try await alice.call(.PATCH, "/api/v1/messages/\(id)", ["seen": true, "flagged": true])
            case .move: reply = try await alice.call(.POST, "/api/v1/messages/\(id)/move", ["mailbox_id": trash])
            case .delete: reply = try await alice.call(.DELETE, "/api/v1/messages/\(id)")
            case .send:
                reply = try await alice.call(.POST, "/api/v1/messages/send", [
                    "from": "office@demo.test", "to": "stranger@demo.test", "subject": "from the shared mailbox", "text": "hi",
                ])
            case .forward:
                reply = try await alice.call(.POST, "/api/v1/messages/send", [
                    "to": "stranger@demo.test", "subject": "Fwd", "text": "see attached", "attachments": [["message_id": id]],
                ])
            case .reply:
                reply = try await alice.call(.POST, "/api/v1/messages/send", [
                    "to": "stranger@demo.test", "subject": "Re: reply", "text": "answer", "reply_to_id": id,
                ])
            case .createFolder: reply = try await alice.call(.POST, "/api/v1/mailboxes?account=office@demo.test", ["name": "Mine"])
            }
            let cell = "API · \(permission.rawValue) · \(action.rawValue)"
            if allowed.contains(action) {
                #expect((200..<300).contains(reply.status), "\(cell): allowed, got \(reply.status) \(reply.body)")
            } else {
                #expect(reply.status == 403 && reply.error == "permission_denied", "\(cell): refused, got \(reply.status) \(reply.body)")
                #expect((reply["message"] as? String)?.contains(permission.label(chinese: true)) == true, "\(cell): \(reply.body)")
                // A refused action changes nothing.
                if ![.send, .forward, .reply, .createFolder].contains(action) {
                    let after = try #require(try await ownerView(office, action.rawValue), "\(cell): still in INBOX")
                    #expect(after["seen"] as? Bool == false && after["flagged"] as? Bool == false, "\(cell): flags unchanged")
                }
            }
        }

        // Reading through the API never sets \Seen; the reading page does only for send_as.
        let readID = try #require(ids[Action.read.rawValue])
        #expect(try await ownerView(office, Action.read.rawValue)?["seen"] as? Bool == false, "API read leaves \\Seen alone")
        let page = try await alice.call(.GET, "/mail/message/\(readID)")
        #expect(page.status == 200)
        let seenAfterPage = try await ownerView(office, Action.read.rawValue)?["seen"] as? Bool
        #expect(seenAfterPage == (permission == .sendAs), "page · \(permission.rawValue): \\Seen for the owner")

        // The page shows exactly the buttons the table allows.
        let buttons: [(String, Bool)] = [
            ("id=\"reply\"", allowed.contains(.send)), ("id=\"forward\"", allowed.contains(.send)),
            ("id=\"mark-unread\"", allowed.contains(.markSeen)), ("id=\"toggle-flag\"", allowed.contains(.flag)),
            ("id=\"move-to\"", allowed.contains(.move)), ("id=\"delete-message\"", allowed.contains(.delete)),
        ]
        for (button, present) in buttons {
            #expect(page.body.contains(button) == present, "page · \(permission.rawValue) · \(button): present \(present)")
        }
        let list = try await alice.call(.GET, "/mail?account=office@demo.test")
        #expect(list.status == 200 && list.body.contains("id=\"shared-banner\""))
        #expect(list.body.contains("id=\"compose\"") == allowed.contains(.send), "list page · \(permission.rawValue) · compose")
        #expect(!list.body.contains("id=\"new-folder-form\""), "list page · \(permission.rawValue) · new folder")
        let compose = try await alice.call(.GET, "/mail/compose?account=office@demo.test")
        #expect(compose.status == (allowed.contains(.send) ? 200 : 403), "compose page · \(permission.rawValue)")
        if !allowed.contains(.send) {
            // Refused inside the page frame, with the reason and the way back.
            #expect(compose.body.contains("id=\"gone-page\"") && compose.body.contains("id=\"back-to-mine\""))
            #expect(compose.body.contains("无权进行此操作"))
        }
        // The owner's own pages keep every button.
        let ownPage = try await office.call(.GET, "/mail/message/\(readID)")
        #expect(ownPage.body.contains("id=\"delete-message\"") && ownPage.body.contains("id=\"reply\""))
    }

    @Test func changeAndRevokeTakeEffectAtTheNextRequest() async throws {
        let (server, office, alice, shareID) = try await setUp(.readOnly)
        defer { Task { try? await server.stop() } }
        let (inbox, _, ids) = try await sharedInbox(alice)
        let id = try #require(ids[Action.markSeen.rawValue])

        #expect(try await alice.call(.PATCH, "/api/v1/messages/\(id)", ["seen": true]).status == 403)
        #expect(try await office.call(.PATCH, "/api/v1/shares/\(shareID)", ["permission": "send_as"]).status == 200)
        #expect(try await alice.call(.PATCH, "/api/v1/messages/\(id)", ["seen": true]).status == 200)
        #expect(try await office.call(.PATCH, "/api/v1/shares/\(shareID)", ["permission": "send_on_behalf"]).status == 200)
        let denied = try await alice.call(.PATCH, "/api/v1/messages/\(id)", ["seen": false])
        #expect(denied.status == 403 && denied.error == "permission_denied")

        #expect(try await office.call(.DELETE, "/api/v1/shares/\(shareID)").status == 204)
        for path in ["/api/v1/messages/\(id)", "/api/v1/mailboxes/\(inbox)/messages", "/api/v1/mailboxes?account=office@demo.test",
                     "/mail?account=office@demo.test", "/mail/message/\(id)", "/mail/message/\(id)/body",
                     "/api/v1/events?account=office@demo.test", "/mail/compose?reply=\(id)"] {
            let reply = try await alice.call(.GET, path)
            #expect(reply.status == 404, "after revoke: \(path) → \(reply.status)")
        }
        #expect(try await alice.call(.DELETE, "/api/v1/messages/\(id)").status == 404)
        // The revoked view is a page in the normal frame (audit finding 4), not a bare text.
        let gone = try await alice.call(.GET, "/mail?account=office@demo.test")
        #expect(gone.body.contains("id=\"gone-page\"") && gone.body.contains("共享已取消") && gone.body.contains("href=\"/mail\"")
                && gone.body.contains("/static/app.css") && gone.body.contains("返回我的邮箱"), "\(gone.body)")
        let goneEnglish = try await alice.call(.GET, "/mail?account=office@demo.test&lang=en")
        #expect(goneEnglish.status == 404 && goneEnglish.body.contains("Share cancelled"))
        let unknown = try await alice.call(.GET, "/mail/message/\(id)?lang=zh-CN")
        #expect(unknown.status == 404 && unknown.body.contains("找不到该页面") && unknown.body.contains("id=\"gone-page\""))
    }

    @Test func idsStayTiedToTheirAccount() async throws {
        let (server, office, alice, _) = try await setUp(.sendAs)
        defer { Task { try? await server.stop() } }
        try await deliver(server, to: "alice@demo.test", subject: "alice's own")
        let (inbox, _, ids) = try await sharedInbox(alice)
        let officeMessage = try #require(ids[Action.read.rawValue])
        let stranger = try await signedIn(server, "stranger@demo.test")

        // A stranger gets 404 for the owner's ids, even while a grant for someone else exists.
        #expect(try await stranger.call(.GET, "/api/v1/messages/\(officeMessage)").status == 404)
        #expect(try await stranger.call(.GET, "/api/v1/mailboxes/\(inbox)/messages").status == 404)
        #expect(try await stranger.call(.GET, "/api/v1/mailboxes?account=office@demo.test").status == 404)
        #expect(try await stranger.call(.DELETE, "/api/v1/messages/\(officeMessage)").status == 404)
        #expect(try await stranger.call(.GET, "/mail?account=office@demo.test").status == 404)

        // The grantee's own mail is not the owner's: a grant goes one way.
        let aliceBoxes = try await alice.call(.GET, "/api/v1/mailboxes").array
        let aliceInbox = try #require(aliceBoxes.first { $0["name"] as? String == "INBOX" }?["id"] as? String)
        #expect(aliceInbox != inbox)
        #expect(try await office.call(.GET, "/api/v1/mailboxes/\(aliceInbox)/messages").status == 404)
        #expect(try await office.call(.GET, "/api/v1/mailboxes?account=alice@demo.test").status == 404)

        // Moving a shared message into the grantee's own folder is not a move within the mailbox:
        // refused, and said so (the folder exists; "not found" would mislead).
        let across = try await alice.call(.POST, "/api/v1/messages/\(officeMessage)/move", ["mailbox_id": aliceInbox])
        #expect(across.status == 422 && across["error"] as? String == "move_across_accounts", "\(across.body)")
        #expect(try await ownerView(office, Action.read.rawValue) != nil, "still in the owner's INBOX")
        // An id with its MAC altered, or of another kind, is nothing.
        var forged = Array(officeMessage)
        forged[forged.count - 2] = forged[forged.count - 2] == "A" ? "B" : "A"
        #expect(try await alice.call(.GET, "/api/v1/messages/\(String(forged))").status == 404)
        #expect(try await alice.call(.GET, "/api/v1/mailboxes/\(officeMessage)/messages").status == 404)
        // Names work only inside the account the request names.
        #expect(try await alice.call(.GET, "/api/v1/mailboxes/INBOX/messages?account=office@demo.test")["total"] as? Int
                == Action.allCases.count)
        #expect(try await alice.call(.GET, "/api/v1/mailboxes/INBOX/messages")["total"] as? Int == 1)
    }

    @Test func ownerSeesGranteeActionsAndLocalUsersAutocomplete() async throws {
        let (server, office, alice, _) = try await setUp(.sendAs)
        defer { Task { try? await server.stop() } }
        try await server.addUser("albert@other.test")
        let officeAccount = try await server.runtime.accounts.account("office@demo.test")
        let withAttachment = "From: c@example.org\r\nTo: office@demo.test\r\nSubject: minutes\r\nMIME-Version: 1.0\r\n"
            + "Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nsee attached\r\n"
            + "--b\r\nContent-Type: text/plain; name=notes.txt\r\nContent-Disposition: attachment; filename=notes.txt\r\n\r\nsecret\r\n--b--\r\n"
        _ = try await server.runtime.mail.deliver(Array(withAttachment.utf8), to: [officeAccount.id])
        let (_, _, ids) = try await sharedInbox(alice)
        #expect(try await alice.call(.GET, "/api/v1/messages/\(try #require(ids[Action.read.rawValue]))").status == 200)
        // Downloading an attachment is reading too (audit finding: it left no trace).
        #expect(try await alice.call(.GET, "/api/v1/messages/\(try #require(ids["minutes"]))/attachments/0").status == 200)
        #expect(try await alice.call(.DELETE, "/api/v1/messages/\(try #require(ids[Action.delete.rawValue]))").status == 204)
        // A search shows what the shared messages say, so it is in the owner's log too (B6);
        // the owner's own search is not.
        let search = try await alice.call(.GET, "/api/v1/search?q=attached&account=office@demo.test")
        #expect(search.status == 200, "\(search.body)")
        #expect(try await office.call(.GET, "/api/v1/search?q=attached").status == 200)

        let events = try await office.call(.GET, "/api/v1/shares/events")
        #expect(events.status == 200)
        let kinds = events.array.map { "\($0["kind"] as? String ?? "")/\($0["action"] as? String ?? "")" }
        #expect(kinds.contains("shared-mailbox-action/view") && kinds.contains("shared-mailbox-action/delete")
                && kinds.contains("share-created/"), "\(kinds)")
        #expect(events.array.contains { ($0["detail"] as? String)?.hasPrefix("alice@demo.test: deleted") == true && $0["door"] as? String == "web" })
        // Shown in the page language (audit finding 5), the stored detail unchanged.
        #expect(events.array.contains { ($0["detail_text"] as? String)?.hasPrefix("alice@demo.test：从“收件箱”删除了 “delete”") == true },
                "\(events.body)")
        #expect(events.array.contains { $0["detail_text"] as? String == "office@demo.test → alice@demo.test：代理发送" })
        #expect(events.array.contains { $0["detail"] as? String == "alice@demo.test: read the attachment “notes.txt” of “minutes”" },
                "\(events.body)")
        #expect(events.array.contains { $0["detail_text"] as? String == "alice@demo.test：下载了 “minutes” 的附件 “notes.txt”" },
                "\(events.body)")
        let searches = events.array.filter { ($0["detail"] as? String)?.contains("searched") == true }
        #expect(searches.map { $0["detail"] as? String } == ["alice@demo.test: searched “attached” in all folders: 1 found"], "\(events.body)")
        #expect(searches.first?["detail_text"] as? String == "alice@demo.test：在全部文件夹中搜索了 “attached”，找到 1 封")
        #expect(searches.first?["action"] as? String == "view")
        // The mail page's search too — once, even for a page past the end (shown as the last).
        let searchPage = try await alice.call(.GET, "/mail?account=office@demo.test&q=attached&offset=500")
        #expect(searchPage.status == 200, "\(searchPage.body)")
        let after = try await office.call(.GET, "/api/v1/shares/events").array
            .filter { ($0["detail"] as? String)?.contains("searched") == true }
        #expect(after.count == 2, "\(after)")
        // The grantee's own log does not hold the owner's mailbox actions.
        let aliceEvents = try await alice.call(.GET, "/api/v1/shares/events")
        #expect(!aliceEvents.array.contains { $0["kind"] as? String == "shared-mailbox-action" })

        let users = try await office.call(.GET, "/api/v1/users?q=al")
        #expect(users.status == 200)
        #expect(users.array.compactMap { $0["address"] as? String } == ["alice@demo.test"], "own domain only: \(users.body)")
        #expect(try await office.call(.GET, "/api/v1/users?q=off").array.isEmpty, "not oneself")
        for n in 0..<12 { try await server.addUser("al\(n)@demo.test") }
        #expect(try await office.call(.GET, "/api/v1/users?q=a").array.count == 10)
        #expect(try await office.call(.GET, "/api/v1/users?q=").status == 400)
        #expect(try await server.client().call(.GET, "/api/v1/users?q=a").status == 401)
        // The settings page is reachable from Settings and carries the tip table.
        let settings = try await office.call(.GET, "/settings")
        #expect(settings.body.contains("href=\"/settings/advanced/shares\"") && settings.body.contains("高级功能"))
        let page = try await office.call(.GET, "/settings/advanced/shares")
        #expect(page.status == 200 && page.body.contains("id=\"tip-table\"") && page.body.contains("邮件将被标记为“代发”"))
    }
}
