import AsyncHTTPClient
import Foundation
import MailwardCore
import NIOCore
import NIOHTTP1
import Testing

/// The mail part of the JSON API over real HTTP (SPEC "JSON API v1", issue 7): folders, paging,
/// one message, flags, move, delete to Trash, send (local delivery, Sent copy, 422 for remote
/// recipients without a queue), CSRF on every change, and another account's ids refused.
@Suite(.serialized) struct MailAPITests {
    static let password = "Tea-Garden-42"

    func signedIn(_ server: TwoStepServer, _ address: String) async throws -> APIClient {
        let client = server.client()
        let reply = try await client.call(.POST, "/api/v1/session", ["username": address, "password": Self.password])
        #expect(reply.status == 200)
        return client
    }

    func mailbox(_ client: APIClient, _ name: String) async throws -> String {
        let list = try await client.call(.GET, "/api/v1/mailboxes").array
        return try #require(list.first { $0["name"] as? String == name }?["id"] as? String)
    }

    func deliver(_ server: TwoStepServer, to address: String, subject: String, body: String = "hello") async throws {
        let account = try await server.runtime.accounts.account(address)
        let raw = "From: Sender <sender@example.org>\r\nTo: \(address)\r\nSubject: \(subject)\r\nMessage-ID: <\(UUID().uuidString)@example.org>\r\n\r\n\(body)\r\n"
        _ = try await server.runtime.mail.deliver(Array(raw.utf8), to: [account.id])
    }

    @Test func foldersPagingReadFlagsMoveDelete() async throws {
        let server = try await TwoStepServer.start()
        defer { Task { try? await server.stop() } }
        try await server.addUser("zhang@demo.test")
        for n in 1...7 { try await deliver(server, to: "zhang@demo.test", subject: "消息 \(n)", body: "正文 \(n) 会议") }
        let client = try await signedIn(server, "zhang@demo.test")

        let boxes = try await client.call(.GET, "/api/v1/mailboxes")
        #expect(boxes.status == 200)
        let inboxEntry = try #require(boxes.array.first { $0["name"] as? String == "INBOX" })
        #expect(inboxEntry["unseen"] as? Int == 7)
        #expect(inboxEntry["display_name"] as? String == "收件箱")
        #expect(boxes.array.contains { $0["special_use"] as? String == "sent" && $0["display_name"] as? String == "已发送" })
        let inbox = try #require(inboxEntry["id"] as? String)
        #expect(Int64(inbox) == nil)

        let page1 = try await client.call(.GET, "/api/v1/mailboxes/\(inbox)/messages?offset=0&limit=3")
        #expect(page1.status == 200)
        #expect(page1["total"] as? Int == 7)
        let first = page1.object["messages"] as? [[String: Any]] ?? []
        #expect(first.count == 3)
        let byName = try await client.call(.GET, "/api/v1/mailboxes/INBOX/messages?limit=1")
        #expect(byName.status == 200 && byName["total"] as? Int == 7)
        let page3 = try await client.call(.GET, "/api/v1/mailboxes/\(inbox)/messages?offset=6&limit=3")
        #expect((page3.object["messages"] as? [[String: Any]])?.count == 1)
        for bad in ["limit=0", "offset=-1", "limit=abc", "limit=99999999999999999999"] {
            let reply = try await client.call(.GET, "/api/v1/mailboxes/\(inbox)/messages?\(bad)")
            #expect(reply.status == 400 && reply.error == "bad_request", "\(bad)")
        }
        // Asking for more than a page holds gets a full page (200), and says so.
        let everything = try await client.call(.GET, "/api/v1/mailboxes/\(inbox)/messages?limit=1000")
        #expect(everything.status == 200 && everything["limit"] as? Int == 200)
        #expect((everything.object["messages"] as? [[String: Any]])?.count == 7)

        let id = try #require(first.first?["id"] as? String)
        let message = try await client.call(.GET, "/api/v1/messages/\(id)")
        #expect(message.status == 200)
        #expect((message["subject"] as? String)?.hasPrefix("消息") == true)
        #expect((message["text"] as? String)?.contains("正文") == true)
        #expect(message["attachments"] is [Any])
        #expect((message["from"] as? [String: Any])?["address"] as? String == "sender@example.org")

        // Flags: CSRF required, then applied.
        let noToken = try await client.call(.PATCH, "/api/v1/messages/\(id)", ["seen": true], sendCSRF: false)
        #expect(noToken.status == 403 && noToken.error == "csrf_failed")
        let seen = try await client.call(.PATCH, "/api/v1/messages/\(id)", ["seen": true, "flagged": true])
        #expect(seen.status == 200 && seen["seen"] as? Bool == true && seen["flagged"] as? Bool == true)
        #expect(try await client.call(.PATCH, "/api/v1/messages/\(id)", ["seen": "yes"]).status == 400)
        let unseenAfter = try await client.call(.GET, "/api/v1/mailboxes").array.first { $0["id"] as? String == inbox }?["unseen"] as? Int
        #expect(unseenAfter == 6)

        // Move into a new folder with a Chinese name.
        let created = try await client.call(.POST, "/api/v1/mailboxes", ["name": "项目/二〇二六"])
        #expect(created.status == 201)
        let folder = try #require(created["id"] as? String)
        #expect(try await client.call(.POST, "/api/v1/mailboxes", ["name": "项目/二〇二六"]).status == 409)
        #expect(try await client.call(.POST, "/api/v1/messages/\(id)/move", ["mailbox_id": folder], sendCSRF: false).status == 403)
        let moved = try await client.call(.POST, "/api/v1/messages/\(id)/move", ["mailbox_id": folder])
        #expect(moved.status == 200 && moved["mailbox_id"] as? String == folder)
        // A message keeps its id when it moves between the account's folders.
        #expect(moved["id"] as? String == id)
        let afterMove = try await client.call(.GET, "/api/v1/messages/\(id)")
        #expect(afterMove.status == 200 && afterMove["mailbox_id"] as? String == folder)

        // Delete goes to Trash (the id still names it there); deleting in Trash removes for good; empty Trash.
        #expect(try await client.call(.DELETE, "/api/v1/messages/\(id)", sendCSRF: false).status == 403)
        #expect(try await client.call(.DELETE, "/api/v1/messages/\(id)").status == 204)
        let trash = try await mailbox(client, "Trash")
        #expect(try await client.call(.GET, "/api/v1/messages/\(id)")["mailbox_id"] as? String == trash)
        let inTrash = try await client.call(.GET, "/api/v1/mailboxes/\(trash)/messages")
        #expect(inTrash["total"] as? Int == 1)
        let emptied = try await client.call(.POST, "/api/v1/mailboxes/\(trash)/empty")
        #expect(emptied.status == 200 && emptied["removed"] as? Int == 1)

        // Search (Chinese), paged.
        let search = try await client.call(.GET, "/api/v1/search?q=%E4%BC%9A%E8%AE%AE&limit=2")
        #expect(search.status == 200 && search["total"] as? Int == 6)

        // Rename and delete the folder; special folders cannot be deleted.
        #expect(try await client.call(.PATCH, "/api/v1/mailboxes/\(folder)", ["name": "归档项目"]).status == 200)
        #expect(try await client.call(.DELETE, "/api/v1/mailboxes/\(trash)").status == 400)
        #expect(try await client.call(.DELETE, "/api/v1/mailboxes/\(folder)").status == 204)
        #expect(try await client.call(.GET, "/api/v1/mailboxes/\(folder)/messages").status == 404)
    }

    @Test func anotherAccountsIDsAreRefused() async throws {
        let server = try await TwoStepServer.start()
        defer { Task { try? await server.stop() } }
        try await server.addUser("a@demo.test")
        try await server.addUser("b@demo.test")
        try await deliver(server, to: "a@demo.test", subject: "private")
        let alice = try await signedIn(server, "a@demo.test")
        let bob = try await signedIn(server, "b@demo.test")
        let inbox = try await mailbox(alice, "INBOX")
        let list = try await alice.call(.GET, "/api/v1/mailboxes/\(inbox)/messages")
        let id = try #require((list.object["messages"] as? [[String: Any]])?.first?["id"] as? String)
        let bobTrash = try await mailbox(bob, "Trash")

        #expect(try await bob.call(.GET, "/api/v1/mailboxes/\(inbox)/messages").status == 404)
        #expect(try await bob.call(.GET, "/api/v1/messages/\(id)").status == 404)
        #expect(try await bob.call(.PATCH, "/api/v1/messages/\(id)", ["seen": true]).status == 404)
        #expect(try await bob.call(.DELETE, "/api/v1/messages/\(id)").status == 404)
        #expect(try await bob.call(.POST, "/api/v1/messages/\(id)/move", ["mailbox_id": bobTrash]).status == 404)
        #expect(try await bob.call(.GET, "/api/v1/messages/\(id)/attachments/0").status == 404)
        #expect(try await bob.call(.GET, "/mail/message/\(id)").status == 404)
        #expect(try await bob.call(.GET, "/api/v1/mailboxes?account=a@demo.test").status == 404)
        #expect(try await bob.call(.GET, "/api/v1/messages/1").status == 404)
        // Alice's own message is untouched.
        let still = try await alice.call(.GET, "/api/v1/messages/\(id)")
        #expect(still.status == 200 && still["seen"] as? Bool == false)
        // Signed out: 401.
        #expect(try await server.client().call(.GET, "/api/v1/mailboxes").status == 401)
    }

    @Test func sendDeliversLocallyFilesSentAndQueuesRemote() async throws {
        // example.com's next hop refuses connections: the remote message stays queued for a retry
        // (with the system's DNS it might meet example.com's null MX and bounce before we look).
        let server = try await TwoStepServer.start(configure: { $0.delivery.routes["example.com"] = "127.0.0.1:9" })
        defer { Task { try? await server.stop() } }
        try await server.addUser("li@demo.test")
        try await server.addUser("wang@demo.test")
        let li = try await signedIn(server, "li@demo.test")
        let body: [String: Any] = [
            "to": ["王 <wang@demo.test>"], "subject": "周报 weekly", "text": "本周完成了测试。",
            "attachments": [["filename": "报告.txt", "content_type": "text/plain", "content": Data("附件内容".utf8).base64EncodedString()]],
        ]
        #expect(try await li.call(.POST, "/api/v1/messages/send", body, sendCSRF: false).status == 403)
        let sent = try await li.call(.POST, "/api/v1/messages/send", body)
        #expect(sent.status == 200, "\(sent.body)")
        #expect(sent["status"] as? String == "sent")

        let sentBox = try await mailbox(li, "Sent")
        let sentList = try await li.call(.GET, "/api/v1/mailboxes/\(sentBox)/messages")
        let sentCopy = try #require((sentList.object["messages"] as? [[String: Any]])?.first)
        #expect(sentCopy["seen"] as? Bool == true && sentCopy["subject"] as? String == "周报 weekly")

        let wang = try await signedIn(server, "wang@demo.test")
        let inbox = try await mailbox(wang, "INBOX")
        let received = try #require((try await wang.call(.GET, "/api/v1/mailboxes/\(inbox)/messages").object["messages"] as? [[String: Any]])?.first)
        #expect(received["has_attachments"] as? Bool == true)
        let full = try await wang.call(.GET, "/api/v1/messages/\(try #require(received["id"] as? String))")
        let attachment = try #require((full["attachments"] as? [[String: Any]])?.first)
        #expect(attachment["filename"] as? String == "报告.txt")
        let download = try await wang.call(.GET, try #require(attachment["url"] as? String))
        #expect(download.status == 200 && download.body == "附件内容")
        #expect(download.headers["Content-Disposition"].first?.hasPrefix("attachment") == true)
        #expect(download.headers["X-Content-Type-Options"].first == "nosniff")

        // Forward as attachment; recent correspondents for autocomplete.
        let receivedID = try #require(received["id"] as? String)
        let forwarded = try await wang.call(.POST, "/api/v1/messages/send", [
            "to": "li@demo.test", "subject": "转发：周报 weekly", "text": "见附件", "attachments": [["message_id": receivedID]],
        ])
        #expect(forwarded.status == 200, "\(forwarded.body)")
        let liInbox = try await mailbox(li, "INBOX")
        let fwd = try #require((try await li.call(.GET, "/api/v1/mailboxes/\(liInbox)/messages").object["messages"] as? [[String: Any]])?.first)
        let fwdFull = try await li.call(.GET, "/api/v1/messages/\(try #require(fwd["id"] as? String))")
        #expect((fwdFull["attachments"] as? [[String: Any]])?.first?["content_type"] as? String == "message/rfc822")
        #expect(try await li.call(.POST, "/api/v1/messages/send", ["to": "wang@demo.test", "attachments": [["message_id": receivedID]]]).status == 404)
        let contacts = try await li.call(.GET, "/api/v1/contacts?q=wa")
        #expect(contacts.array.first?["address"] as? String == "wang@demo.test")

        // Remote recipients go to the durable outbound queue.
        let remote = try await li.call(.POST, "/api/v1/messages/send", ["to": "someone@example.com", "subject": "x", "text": "y"])
        #expect(remote.status == 200, "\(remote.body)")
        let queued = try await server.runtime.deliveryQueue.store.allMessages()
        #expect(queued.contains { $0.recipients.map(\.address) == ["someone@example.com"] })
        let forged = try await li.call(.POST, "/api/v1/messages/send", ["from": "wang@demo.test", "to": "wang@demo.test", "text": "y"])
        #expect(forged.status == 403 && forged.error == "sender_not_allowed")
        let unknown = try await li.call(.POST, "/api/v1/messages/send", ["to": "nobody@demo.test", "text": "y"])
        #expect(unknown.status == 422)
        // `reply_to_id` names a message of the sender's (or shared with the sender), as every id does.
        let badReply = try await li.call(.POST, "/api/v1/messages/send", ["to": "wang@demo.test", "text": "y", "reply_to_id": "zzz"])
        #expect(badReply.status == 404 && badReply.error == "not_found", "\(badReply.body)")
        #expect(try await li.call(.POST, "/api/v1/messages/send", ["to": "wang@demo.test", "text": "y", "reply_to_id": receivedID]).status == 404,
                "another account's message")
        let reply = try await wang.call(.POST, "/api/v1/messages/send", ["to": "li@demo.test", "text": "y", "reply_to_id": receivedID])
        #expect(reply.status == 200, "\(reply.body)")
        // Bad fields are explained in the reader's language (Chinese by default).
        let flag = try await li.call(.PATCH, "/api/v1/messages/\(try #require(fwd["id"] as? String))", ["seen": "yes"])
        #expect(flag.status == 400 && (flag["message"] as? String)?.contains("须为 true 或 false") == true, "\(flag.body)")
        let none = try await li.call(.POST, "/api/v1/messages/send", ["subject": "x"])
        #expect(none.status == 422 && none.error == "no_recipients")
        #expect(try await li.call(.POST, "/api/v1/messages/send", rawBody: "not json").status == 400)
    }

    /// A colleague's full mailbox: the others get the message, the full one's copy waits in the
    /// outbound queue (`queued`); when it is the only recipient, 507 names whose mailbox is full
    /// (it used to be 507 "邮箱空间已满", read as the sender's own, and nobody got the message).
    @Test func aColleaguesFullMailboxIsQueuedOrNamed() async throws {
        let server = try await TwoStepServer.start()
        defer { Task { try? await server.stop() } }
        for user in ["li@demo.test", "wang@demo.test", "zhao@demo.test"] { try await server.addUser(user) }
        let zhao = try await server.runtime.accounts.account("zhao@demo.test")
        // Room for the message in the whole quota, not now: the copy waits (a message larger
        // than the whole quota would be bounced by the worker at once).
        try await server.runtime.mail.store.setQuotaLimit(accountID: zhao.id, bytes: 3000)
        _ = try await server.runtime.mail.deliver(Array(("Subject: filler\r\n\r\n" + String(repeating: "x", count: 2900)).utf8), to: [zhao.id])
        let li = try await signedIn(server, "li@demo.test")
        let sent = try await li.call(.POST, "/api/v1/messages/send", ["to": ["wang@demo.test", "zhao@demo.test"], "subject": "通知", "text": "明天开会"])
        #expect(sent.status == 200, "\(sent.body)")
        #expect(sent["delivered"] as? [String] == ["wang@demo.test"] && sent["queued"] as? [String] == ["zhao@demo.test"], "\(sent.body)")
        let queued = try await server.runtime.deliveryQueue.store.allMessages()
        #expect(queued.contains { $0.recipients.map(\.address) == ["zhao@demo.test"] })
        let refused = try await li.call(.POST, "/api/v1/messages/send", ["to": "zhao@demo.test", "text": "y"])
        #expect(refused.status == 507 && refused.error == "recipient_mailbox_full", "\(refused.body)")
        #expect(refused["message"] as? String == "收件人邮箱已满：zhao@demo.test")
    }

    /// A reply saved as a draft and reopened later from Drafts (not through the language switch,
    /// which carries `reply_to_id` along) still knows the message it answers: sending it marks
    /// that message answered.
    @Test func aReplyDraftReopenedLaterStillMarksTheOriginalAnswered() async throws {
        let server = try await TwoStepServer.start()
        defer { Task { try? await server.stop() } }
        try await server.addUser("zhou@demo.test")
        try await server.addUser("wu@demo.test")
        let account = try await server.runtime.accounts.account("zhou@demo.test")
        for (n, messageID) in ["<other@demo.test>", "<asked@demo.test>", "<later@demo.test>"].enumerated() {
            let raw = "From: wu@demo.test\r\nTo: zhou@demo.test\r\nSubject: 问题 \(n)\r\nMessage-ID: \(messageID)\r\n\r\n请回复\r\n"
            _ = try await server.runtime.mail.deliver(Array(raw.utf8), to: [account.id])
        }
        let zhou = try await signedIn(server, "zhou@demo.test")
        let inbox = try await mailbox(zhou, "INBOX")
        let listed = try #require(try await zhou.call(.GET, "/api/v1/mailboxes/\(inbox)/messages").object["messages"] as? [[String: Any]])
        let asked = try #require(listed.first { $0["subject"] as? String == "问题 1" }?["id"] as? String)
        let draft = try await zhou.call(.POST, "/api/v1/drafts", ["to": "wu@demo.test", "subject": "回复：问题 1", "text": "稍后回复",
                                                                  "in_reply_to": "<asked@demo.test>", "reply_to_id": asked])
        #expect(draft.status == 201, "\(draft.body)")
        let draftID = try #require(draft["id"] as? String)

        let page = try await zhou.call(.GET, "/mail/compose?draft=\(draftID)")
        #expect(page.status == 200)
        #expect(page.body.contains("id=\"reply-to-id\" value=\"\(asked)\""), "\(page.body)")
        let sent = try await zhou.call(.POST, "/api/v1/messages/send", ["to": "wu@demo.test", "subject": "回复：问题 1", "text": "好的",
                                                                        "in_reply_to": "<asked@demo.test>", "reply_to_id": asked,
                                                                        "draft_id": draftID])
        #expect(sent.status == 200, "\(sent.body)")
        let answered = try await zhou.call(.GET, "/api/v1/messages/\(asked)")
        #expect(answered["answered"] as? Bool == true, "\(answered.body)")

        // A draft answering a message the inbox does not hold reopens without one.
        let stray = try await zhou.call(.POST, "/api/v1/drafts", ["to": "wu@demo.test", "text": "x", "in_reply_to": "<gone@demo.test>"])
        let strayPage = try await zhou.call(.GET, "/mail/compose?draft=\(try #require(stray["id"] as? String))")
        #expect(strayPage.body.contains("id=\"reply-to-id\" value=\"\""), "\(strayPage.body)")
    }

    /// Plain forward (audit finding 1): the compose page lists the original's attachments as
    /// pre-attached `{"message_id","part"}` items, and the sent forward carries their bytes.
    @Test func plainForwardCarriesTheOriginalAttachments() async throws {
        let server = try await TwoStepServer.start()
        defer { Task { try? await server.stop() } }
        try await server.addUser("zhou@demo.test")
        try await server.addUser("wu@demo.test")
        try await server.addUser("qian@demo.test")
        let account = try await server.runtime.accounts.account("zhou@demo.test")
        let raw = "From: a@example.org\r\nTo: zhou@demo.test\r\nSubject: 季度报告\r\nMIME-Version: 1.0\r\n"
            + "Content-Type: multipart/mixed; boundary=\"b1\"\r\n\r\n--b1\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n正文\r\n"
            + "--b1\r\nContent-Type: text/plain; charset=utf-8; name=\"=?UTF-8?B?\(Data("摘要.txt".utf8).base64EncodedString())?=\"\r\n"
            + "Content-Disposition: attachment; filename*=UTF-8''%E6%91%98%E8%A6%81.txt\r\nContent-Transfer-Encoding: base64\r\n\r\n"
            + Data("收入增长 12%".utf8).base64EncodedString() + "\r\n--b1--\r\n"
        _ = try await server.runtime.mail.deliver(Array(raw.utf8), to: [account.id])
        let zhou = try await signedIn(server, "zhou@demo.test")
        let inbox = try await mailbox(zhou, "INBOX")
        let id = try #require((try await zhou.call(.GET, "/api/v1/mailboxes/\(inbox)/messages").object["messages"] as? [[String: Any]])?.first?["id"] as? String)

        let page = try await zhou.call(.GET, "/mail/compose?reply=\(id)&mode=forward")
        #expect(page.status == 200)
        #expect(page.body.contains("class=\"forwarded\" data-message-id=\"\(id)\" data-part=\"0\"") && page.body.contains("摘要.txt"), "\(page.body)")
        #expect(page.body.contains("发件人：a@example.org") && page.body.contains("主题：季度报告") && !page.body.contains("From: a@"))
        let english = try await zhou.call(.GET, "/mail/compose?reply=\(id)&mode=forward&lang=en")
        #expect(english.body.contains("From: a@example.org"))

        let sent = try await zhou.call(.POST, "/api/v1/messages/send", [
            "to": "wu@demo.test", "subject": "转发：季度报告", "text": "请看", "attachments": [["message_id": id, "part": "0"]],
        ])
        #expect(sent.status == 200, "\(sent.body)")
        let wu = try await signedIn(server, "wu@demo.test")
        let wuInbox = try await mailbox(wu, "INBOX")
        let received = try #require((try await wu.call(.GET, "/api/v1/mailboxes/\(wuInbox)/messages").object["messages"] as? [[String: Any]])?.first)
        let full = try await wu.call(.GET, "/api/v1/messages/\(try #require(received["id"] as? String))")
        let attachment = try #require((full["attachments"] as? [[String: Any]])?.first)
        #expect(attachment["filename"] as? String == "摘要.txt")
        let download = try await wu.call(.GET, try #require(attachment["url"] as? String))
        #expect(download.status == 200 && download.body == "收入增长 12%")

        // A part that does not exist, or someone else's message: 404, nothing sent.
        #expect(try await zhou.call(.POST, "/api/v1/messages/send", ["to": "wu@demo.test", "attachments": [["message_id": id, "part": "5"]]]).status == 404)
        let qian = try await signedIn(server, "qian@demo.test")
        #expect(try await qian.call(.POST, "/api/v1/messages/send", ["to": "wu@demo.test", "attachments": [["message_id": id, "part": "0"]]]).status == 404)
    }

    /// The list is in the order mail arrived, and says when it did: a sender's clock (or a forged
    /// `Date:`) does not put a message of 2001 or 2039 among today's.
    @Test func theListShowsWhenMailArrived() async throws {
        let server = try await TwoStepServer.start()
        defer { Task { try? await server.stop() } }
        try await server.addUser("zhao@demo.test")
        let account = try await server.runtime.accounts.account("zhao@demo.test")
        for date in ["Mon, 1 Jan 2001 08:00:00 +0000", "Sat, 1 Jan 2039 08:00:00 +0000"] {
            let raw = "From: a@example.org\r\nTo: zhao@demo.test\r\nSubject: dated \(date.suffix(19).prefix(4))\r\nDate: \(date)\r\n\r\nhi\r\n"
            _ = try await server.runtime.mail.deliver(Array(raw.utf8), to: [account.id])
        }
        let client = try await signedIn(server, "zhao@demo.test")
        let list = try await client.call(.GET, "/mail")
        #expect(list.body.contains("dated 2001") && list.body.contains("dated 2039"))
        #expect(!list.body.contains("2001-01-01") && !list.body.contains("2039-01-01"), "the Date: header in the list")
        let year = Calendar(identifier: .gregorian).component(.year, from: Date())
        #expect(list.body.components(separatedBy: "\(year)-").count - 1 >= 2, "both with the day they arrived")
        // The message itself shows its Date:.
        let box = try await mailbox(client, "INBOX")
        let first = try #require((try await client.call(.GET, "/api/v1/mailboxes/\(box)/messages").object["messages"] as? [[String: Any]] ?? []).first { ($0["subject"] as? String) == "dated 2039" })
        let path = "/mail/message/\(try #require(first["id"] as? String))"
        #expect(try await client.call(.GET, path).body.contains("2039-01-01"))
        // In the browser's time zone (the `mw_tz` cookie its script sets), as the settings pages
        // show times; a zone the system does not know is the server's.
        client.setCookie("mw_tz", "Asia/Shanghai")
        #expect(try await client.call(.GET, path).body.contains("2039-01-01 16:00"))
        client.setCookie("mw_tz", "America/New_York")
        #expect(try await client.call(.GET, path).body.contains("2039-01-01 03:00"))
        client.setCookie("mw_tz", "../../../../dev/zero")
        #expect(try await client.call(.GET, path).status == 200)
    }

    /// Folders below others are listed under them, named by the rest of their name; one whose
    /// parent is not above it keeps its whole name at the top.
    @Test func subfoldersAreListedUnderTheirParent() async throws {
        let server = try await TwoStepServer.start()
        defer { Task { try? await server.stop() } }
        try await server.addUser("zhao@demo.test")
        let account = try await server.runtime.accounts.account("zhao@demo.test")
        for name in ["合同/2025", "合同", "合同 A", "INBOX/项目", "孤儿/子"] {
            _ = try await server.runtime.mail.store.createMailbox(accountID: account.id, name: name, specialUse: nil, createdAt: Date())
        }
        let client = try await signedIn(server, "zhao@demo.test")
        let list = try await client.call(.GET, "/mail").body
        func item(_ name: String) -> String? {
            list.components(separatedBy: "<li ").first { $0.contains("data-name=\"\(name)\"") }
        }
        #expect(item("合同/2025")?.hasPrefix("class=\"depth-1\"") == true && item("合同/2025")?.contains(">2025</a>") == true)
        #expect(item("合同")?.hasPrefix("class=\"depth-0\"") == true)
        #expect(item("INBOX/项目")?.hasPrefix("class=\"depth-1\"") == true && item("INBOX/项目")?.contains(">项目</a>") == true)
        #expect(item("孤儿/子")?.hasPrefix("class=\"depth-0\"") == true && item("孤儿/子")?.contains(">孤儿/子</a>") == true)
        // Each right under its parent: INBOX, INBOX/项目, …, 合同, 合同/2025, 合同 A.
        let order = ["INBOX/项目", "合同", "合同/2025", "合同 A"].compactMap { name in list.range(of: "data-name=\"\(name)\"")?.lowerBound }
        #expect(order.count == 4 && order == order.sorted(), "\(order)")
        let inbox = try #require(list.range(of: "data-name=\"INBOX\""))
        #expect(inbox.lowerBound < order[0])
        #expect(!list.contains("data-name=\"Drafts\"") || list.range(of: "data-name=\"Drafts\"")!.lowerBound > order[0])
    }

    @Test func pagesCarrySecurityHeadersAndTheBodyFrameItsOwnPolicy() async throws {
        let server = try await TwoStepServer.start()
        defer { Task { try? await server.stop() } }
        try await server.addUser("zhao@demo.test")
        let html = "<p>hi</p><img src=\"https://tracker.example/x.gif\"><script>alert(1)</script>"
        let raw = "From: a@example.org\r\nTo: zhao@demo.test\r\nSubject: html\r\nContent-Type: text/html; charset=utf-8\r\n\r\n\(html)\r\n"
        let account = try await server.runtime.accounts.account("zhao@demo.test")
        _ = try await server.runtime.mail.deliver(Array(raw.utf8), to: [account.id])
        // Signed out: to the sign-in page (the client follows the redirect); an unknown page is
        // the site's own "not found" page, without the signed-in header.
        #expect(try await server.client().call(.GET, "/mail").body.contains("login-form"))
        let missingSignedOut = try await server.client().call(.GET, "/no-such-page")
        #expect(missingSignedOut.status == 404 && missingSignedOut.body.contains("id=\"gone-page\""))
        #expect(!missingSignedOut.body.contains("id=\"nav-mail\"") && !missingSignedOut.body.contains("zhao@demo.test"))
        let client = try await signedIn(server, "zhao@demo.test")
        // Signed in, the sign-in page leads to the mailbox; an unknown page is the "not found"
        // page in the signed-in frame, like every other page (the API keeps its JSON).
        #expect(try await client.call(.GET, "/login").body.contains("id=\"mail-page\""))
        let missing = try await client.call(.GET, "/no-such-page")
        #expect(missing.status == 404 && missing.body.contains("id=\"gone-page\""))
        #expect(missing.body.contains("id=\"nav-mail\"") && missing.body.contains("id=\"who\">zhao@demo.test<"))
        let missingAPI = try await client.call(.GET, "/api/v1/no-such-endpoint")
        #expect(missingAPI.status == 404 && missingAPI.error == "not_found")

        let list = try await client.call(.GET, "/mail")
        #expect(list.status == 200 && list.body.contains("收件箱") && list.body.contains("html"))
        #expect(!list.body.contains("id=\"sent-note\"") && list.body.contains("id=\"phone-folder\""))
        #expect(try await client.call(.GET, "/mail?sent=1").body.contains("id=\"sent-note\""))
        let icon = try await client.call(.GET, "/favicon.ico")
        #expect(icon.status == 200 && icon.headers["Content-Type"].first == "image/svg+xml")
        let csp = list.headers["Content-Security-Policy"].first ?? ""
        #expect(csp.contains("default-src 'self'") && csp.contains("frame-ancestors 'none'"))
        #expect(list.headers["X-Content-Type-Options"].first == "nosniff")
        #expect(list.headers["Referrer-Policy"].first == "no-referrer")

        let inbox = try await mailbox(client, "INBOX")
        let id = try #require((try await client.call(.GET, "/api/v1/mailboxes/\(inbox)/messages").object["messages"] as? [[String: Any]])?.first?["id"] as? String)
        let message = try await client.call(.GET, "/api/v1/messages/\(id)")
        let safe = try #require(message["html"] as? String)
        #expect(safe.contains("<p>hi</p>") && !safe.contains("tracker.example") && !safe.contains("<script"))

        let page = try await client.call(.GET, "/mail/message/\(id)")
        #expect(page.status == 200 && page.body.contains("sandbox=\"allow-popups allow-popups-to-escape-sandbox\"") && page.body.contains("images-blocked"))
        let frame = try await client.call(.GET, "/mail/message/\(id)/body")
        let frameCSP = frame.headers["Content-Security-Policy"].first ?? ""
        #expect(frameCSP.contains("default-src 'none'") && frameCSP.contains("img-src data:;") && frameCSP.contains("sandbox"))
        #expect(!frame.body.contains("tracker.example") && !frame.body.contains("<script"))
        let allowed = try await client.call(.GET, "/mail/message/\(id)/body?images=1")
        #expect(allowed.body.contains("https://tracker.example/x.gif"))
        #expect((allowed.headers["Content-Security-Policy"].first ?? "").contains("img-src data: http: https:"))

        // Drafts: saved, replaced, listed in Drafts.
        let draft = try await client.call(.POST, "/api/v1/drafts", ["to": "x@demo.test", "subject": "草稿", "text": "v1"])
        #expect(draft.status == 201)
        let second = try await client.call(.POST, "/api/v1/drafts", ["subject": "草稿", "text": "v2", "draft_id": try #require(draft["id"] as? String)])
        #expect(second.status == 201)
        let drafts = try await mailbox(client, "Drafts")
        let draftList = try await client.call(.GET, "/api/v1/mailboxes/\(drafts)/messages")
        #expect(draftList["total"] as? Int == 1)
        #expect(try await client.call(.POST, "/api/v1/drafts", ["text": "x"], sendCSRF: false).status == 403)
    }

    /// `/api/v1/events` tells the page of new mail — and stops telling once the session is
    /// signed out (elsewhere: the stream's own request carries the cookie still), instead of
    /// going on for the rest of its 25 s.
    @Test func theEventStreamEndsWithItsSession() async throws {
        let server = try await TwoStepServer.start()
        defer { Task { try? await server.stop() } }
        try await server.addUser("zhang@demo.test")
        let client = try await signedIn(server, "zhang@demo.test")
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(server.port)/api/v1/events")
        request.headers.add(name: "Cookie", value: "mw_session=\(try #require(client.cookie("mw_session")))")
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(60))
        #expect(response.status == .ok)
        var chunks = response.body.makeAsyncIterator()
        var received = ""
        func readUntil(_ text: String) async throws -> Bool {
            while !received.contains(text) {
                guard let chunk = try await chunks.next() else { return false }
                received += String(buffer: chunk)
            }
            return true
        }
        #expect(try await readUntil(": connected"))
        try await deliver(server, to: "zhang@demo.test", subject: "one")
        #expect(try await readUntil("\"kind\":\"appended\""))
        let started = ContinuousClock.now
        #expect(try await client.call(.DELETE, "/api/v1/session").status == 200)
        received = ""
        try await deliver(server, to: "zhang@demo.test", subject: "two")
        #expect(try await readUntil("never") == false, "the stream ends")
        #expect(!received.contains("event: change"), "\(received)")
        #expect(ContinuousClock.now - started < .seconds(15), "ended at the change, not at the stream's lifetime")
    }

    /// A message forwarded as attachment that cannot fit `smtp.max-message-size` is refused
    /// before it is read (413 `too_large`, without a read of its body); one that fits goes.
    @Test func forwardingTooLargeAMessageIsRefusedUpFront() async throws {
        let server = try await TwoStepServer.start { $0.smtp.maxMessageSize = 64 * 1024 }
        defer { Task { try? await server.stop() } }
        try await server.addUser("zhang@demo.test")
        try await deliver(server, to: "zhang@demo.test", subject: "big", body: String(repeating: "x", count: 70 * 1024))
        try await deliver(server, to: "zhang@demo.test", subject: "small")
        let client = try await signedIn(server, "zhang@demo.test")
        let inbox = try await mailbox(client, "INBOX")
        let listed = try await client.call(.GET, "/api/v1/mailboxes/\(inbox)/messages").object["messages"] as? [[String: Any]] ?? []
        func id(_ subject: String) throws -> String {
            try #require(listed.first { $0["subject"] as? String == subject }?["id"] as? String)
        }
        // Not even read: with its body file gone, the answer is still the size, not an error.
        let account = try await server.runtime.accounts.account("zhang@demo.test")
        let records = try await server.runtime.mail.store.messagePage(
            mailboxID: try await server.runtime.mail.inbox(accountID: account.id).id, offset: 0, limit: 10).records
        let bigRecord = try #require(records.first { $0.summary.subject == "big" })
        try FileManager.default.removeItem(atPath: server.runtime.blobs.path(of: bigRecord.blobID))
        let refused = try await client.call(.POST, "/api/v1/messages/send", [
            "to": "zhang@demo.test", "subject": "fwd", "attachments": [["message_id": try id("small")], ["message_id": try id("big")]],
        ])
        #expect(refused.status == 413 && refused.error == "too_large", "\(refused.status) \(refused.body)")
        let sent = try await client.call(.POST, "/api/v1/messages/send", [
            "to": "zhang@demo.test", "subject": "fwd", "attachments": [["message_id": try id("small")]],
        ])
        #expect(sent.status == 200, "\(sent.body)")
    }
}
