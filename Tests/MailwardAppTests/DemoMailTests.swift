import Foundation
import MailwardApp
import MailwardCore
import Testing

/// `serve --demo` fills the demo users' INBOX once (issue 7 item 5), a GBK-encoded message among it.
@Suite struct DemoMailTests {
    @Test func demoMailArrivesOnceAndDecodes() async throws {
        let server = try await TwoStepServer.start()
        defer { Task { try? await server.stop() } }
        let runtime = server.runtime
        _ = try await DemoSeeder.seed(runtime.accounts, mail: runtime.mail)
        _ = try await DemoSeeder.seed(runtime.accounts, mail: runtime.mail)  // a second start
        let alice = try await runtime.accounts.account("alice@\(DemoSeeder.domain)")
        let inbox = try await runtime.mail.inbox(accountID: alice.id)
        let records = try await runtime.store.messages(mailboxID: inbox.id)
        #expect(records.count == 4)
        let subjects = Set(records.map(\.summary.subject))
        #expect(subjects.contains("项目进度会议通知"))  // GBK encoded word, decoded at delivery
        #expect(records.contains { $0.summary.hasAttachments })
        let gbk = try #require(records.first { $0.summary.subject == "项目进度会议通知" })
        #expect(gbk.summary.preview.contains("三楼会议室"))
        #expect(try await runtime.mail.search(accountID: alice.id, query: "会议室").contains(gbk.id))
        // RFC 5321 §4.5.1: the demo domain takes mail for postmaster (alice reads it).
        guard case .local(let postmaster) = try await runtime.accounts.route(EmailAddress("postmaster@\(DemoSeeder.domain)")) else {
            Issue.record("postmaster@\(DemoSeeder.domain) is not delivered")
            return
        }
        #expect(postmaster.id == alice.id)
    }

    /// Every start gives the demo users new passwords; that is a password change like any other
    /// (SPEC A13): what the old password opened ends.
    @Test func aNewStartRevokesWhatTheOldPasswordOpened() async throws {
        let server = try await TwoStepServer.start()
        defer { Task { try? await server.stop() } }
        let runtime = server.runtime
        let first = try await DemoSeeder.seed(runtime.accounts, mail: runtime.mail, security: runtime.security)
        let alice = try await runtime.accounts.account("alice@\(DemoSeeder.domain)")
        let context = ClientContext(ip: "127.0.0.1")
        _ = try await AppPasswordService(runtime.security).create(alice, name: "Foxmail", context: context)
        let session = try await WebSessionService(runtime.security).open(account: alice, context: context, trustedDeviceID: nil)
        let second = try await DemoSeeder.seed(runtime.accounts, mail: runtime.mail, security: runtime.security)
        #expect(first[0].password != second[0].password)
        #expect(try await AppPasswordService(runtime.security).list(alice).isEmpty)
        #expect(try await WebSessionService(runtime.security).resolve(token: session.token) == nil)
    }
}
