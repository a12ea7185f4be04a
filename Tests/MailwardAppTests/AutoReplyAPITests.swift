import Foundation
import MailwardCore
import MailwardTesting
import Testing

/// Settings › Mail › Automatic reply over HTTP: the page and its link, `GET`/`PUT
/// /api/v1/settings/auto-reply` with its refusals, and a colleague's webmail message answered.
@Suite struct AutoReplyAPITests {
    @Test func setThroughTheAPIAndAnsweredInTheWebmail() async throws {
        let server = try await TwoStepServer.start()
        defer { Task { try? await server.stop() } }
        try await server.addUser("li@demo.test")
        try await server.addUser("wang@demo.test")
        let li = server.client()
        #expect(try await li.call(.POST, "/api/v1/session", ["username": "li@demo.test", "password": "Tea-Garden-42"]).status == 200)

        let settings = try await li.call(.GET, "/settings").body
        #expect(settings.contains("href=\"/settings/mail/auto-reply\""))
        let page = try await li.call(.GET, "/settings/mail/auto-reply").body
        #expect(page.contains("id=\"auto-reply-form\"") && page.contains("id=\"auto-reply-text\"") && page.contains("自动回复"))
        #expect(try await li.call(.GET, "/settings/mail/auto-reply?lang=en").body.contains("Automatic reply"))

        var reply = try await li.call(.GET, "/api/v1/settings/auto-reply")
        #expect(reply["enabled"] as? Bool == false && reply["text"] as? String == "" && reply["ends_at"] is NSNull, "\(reply.body)")
        // Refusals: on without a text, an end already past, a two-line subject, a malformed end.
        reply = try await li.call(.PUT, "/api/v1/settings/auto-reply", ["enabled": true, "text": " "])
        #expect(reply.status == 422 && reply.error == "invalid_auto_reply", "\(reply.body)")
        reply = try await li.call(.PUT, "/api/v1/settings/auto-reply", ["enabled": true, "text": "x", "ends_at": "2020-01-01T00:00:00Z"])
        #expect(reply.status == 422 && reply.error == "invalid_auto_reply")
        reply = try await li.call(.PUT, "/api/v1/settings/auto-reply", ["enabled": true, "text": "x", "subject": "a\r\nBcc: eve@far.test"])
        #expect(reply.status == 422 && reply.error == "invalid_auto_reply")
        reply = try await li.call(.PUT, "/api/v1/settings/auto-reply", ["enabled": true, "text": "x", "ends_at": "2099-02-30T00:00:00Z"])
        #expect(reply.status == 400 && reply.error == "invalid_expiry")
        // Not signed in: refused.
        let stranger = server.client()
        #expect(try await stranger.call(.GET, "/api/v1/settings/auto-reply").status == 401)

        let end = ISO8601DateFormatter().string(from: Date().addingTimeInterval(5 * 86_400))
        reply = try await li.call(.PUT, "/api/v1/settings/auto-reply",
                                  ["enabled": true, "subject": "", "text": "我在休假，有事请找王五。", "ends_at": end])
        #expect(reply.status == 200, "\(reply.body)")
        reply = try await li.call(.GET, "/api/v1/settings/auto-reply")
        #expect(reply["enabled"] as? Bool == true && reply["text"] as? String == "我在休假，有事请找王五。" && reply["ends_at"] as? String == end)

        // Wang writes from the webmail: Wang's INBOX gets the reply.
        let wang = server.client()
        #expect(try await wang.call(.POST, "/api/v1/session", ["username": "wang@demo.test", "password": "Tea-Garden-42"]).status == 200)
        #expect(try await wang.call(.POST, "/api/v1/messages/send", ["to": "li@demo.test", "subject": "周会", "text": "明天开会"]).status == 200)
        let wangAccount = try await server.runtime.accounts.account("wang@demo.test")
        let inbox = try await server.runtime.mail.inbox(accountID: wangAccount.id)
        var answered: [MessageRecord] = []
        for _ in 0..<50 {
            answered = try await server.runtime.store.messages(mailboxID: inbox.id)
            if !answered.isEmpty { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        let raw = String(decoding: try await server.runtime.mail.raw(try #require(answered.first)), as: UTF8.self)
        #expect(raw.contains("Auto-Submitted: auto-replied"), "\(raw)")
        #expect(answered.first?.summary.subject == "自动回复: 周会")
    }
}
