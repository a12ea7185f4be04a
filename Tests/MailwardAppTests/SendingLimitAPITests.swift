import Foundation
import MailwardCore
import MailwardTesting
import Testing

/// ``SendingLimits`` at the webmail's `POST /api/v1/messages/send`: the same count as the
/// submission door's; past it 429 `sending_limit` with `retry_after` (and a Retry-After header),
/// in the reader's language, and nothing sent.
@Suite struct SendingLimitAPITests {
    @Test func sendingPastTheDailyLimitIsRefusedWithAWait() async throws {
        let server = try await TwoStepServer.start { configuration in
            configuration.smtp.maxRemoteRecipientsPerHour = 0
            configuration.smtp.maxRemoteRecipientsPerDay = 2
        }
        defer { Task { try? await server.stop() } }
        try await server.addUser("li@demo.test")
        try await server.addUser("wang@demo.test")
        let li = server.client()
        #expect(try await li.call(.POST, "/api/v1/session", ["username": "li@demo.test", "password": "Tea-Garden-42"]).status == 200)
        var reply = try await li.call(.POST, "/api/v1/messages/send", ["to": "a@far.test, b@far.test", "subject": "one", "text": "hi"])
        #expect(reply.status == 200, "\(reply.body)")
        reply = try await li.call(.POST, "/api/v1/messages/send", ["to": "wang@demo.test", "subject": "inside", "text": "hi"])
        #expect(reply.status == 200, "own domain: not counted \(reply.body)")
        reply = try await li.call(.POST, "/api/v1/messages/send", ["to": "c@far.test, wang@demo.test", "subject": "two", "text": "hi"])
        #expect(reply.status == 429 && reply.error == "sending_limit", "\(reply.body)")
        let wait = try #require(reply["retry_after"] as? Int)
        #expect(wait > 0 && wait <= 86_400)
        #expect(reply.headers.first(name: "Retry-After") == "\(wait)")
        #expect((reply["message"] as? String)?.contains("每天最多发给其他域的 2 个收件人") == true, "\(reply.body)")
        let english = try await li.call(.POST, "/api/v1/messages/send?lang=en", ["to": "c@far.test", "subject": "two", "text": "hi"])
        #expect((english["message"] as? String)?.hasPrefix("Sending limit reached: 2 recipients at other domains per day") == true,
                "\(english.body)")
        let never = try await li.call(.POST, "/api/v1/messages/send", ["to": "x@far.test, y@far.test, z@far.test", "text": "hi"])
        #expect(never.status == 422 && never.error == "sending_limit", "\(never.body)")

        let wang = try await server.runtime.accounts.account("wang@demo.test")
        let inbox = try await server.runtime.mail.inbox(accountID: wang.id)
        #expect(try await server.runtime.store.messages(mailboxID: inbox.id).count == 1, "the refused message reached nobody")
        let liAccount = try await server.runtime.accounts.account("li@demo.test")
        let sent = try await server.runtime.mail.specialMailbox(accountID: liAccount.id, .sent)
        #expect(try await server.runtime.store.messages(mailboxID: sent.id).count == 2, "only what was sent is in Sent")
    }
}
