import Foundation
import MailwardCore
import MailwardMIME
import Testing

/// SPEC B2: a mail client refused for using the account password on a two-step account makes
/// the server mail the account how to make a client-specific password — once a day at most.
@Suite struct ClientPasswordNoticeTests {
    @Test func aRefusedAccountPasswordMailsTheOwnerOnceADay() async throws {
        let h = Harness()
        let account = try await h.user()
        try await h.bind(account)
        let auth = h.authenticator
        #expect(await auth.authenticate(username: "zhang.san@example.edu.cn", password: Harness.password, door: .imap,
                                        remoteIP: "198.51.100.7", clientID: "Foxmail 7.2") == .clientPasswordRequired(account))
        #expect(h.notices.count == 1)
        let parsed = MIMEParser.parse(try #require(h.notices.last))
        #expect(parsed.subject == "邮件客户端需要使用客户端专用密码 / A mail client needs a client-specific password")
        #expect(parsed.header("To") == "<zhang.san@example.edu.cn>")
        #expect(parsed.header("Auto-Submitted") == "auto-generated")
        #expect(parsed.searchText.contains("“Foxmail 7.2”"))
        #expect(parsed.searchText.contains("198.51.100.7"))
        #expect(parsed.searchText.contains("IMAP"))
        #expect(parsed.searchText.contains("设置 › 个人信息 › 邮箱密码"))
        #expect(parsed.searchText.contains("Two-step verification is on for your account"))
        #expect(!parsed.searchText.contains(Harness.password), "never the password itself")
        #expect(h.notices.delivered.withLock { $0.last?.account } == account.id)

        // Foxmail retries every few minutes, the phone too: no second notice that day.
        for door in [DoorKind.pop3, .smtp, .imap] {
            #expect(await auth.authenticate(username: "zhang.san@example.edu.cn", password: Harness.password, door: door,
                                            remoteIP: "198.51.100.7", clientID: nil) == .clientPasswordRequired(account))
        }
        #expect(h.notices.count == 1)
        h.clock.advance(by: 24 * 3600 + 1)
        #expect(await auth.authenticate(username: "zhang.san@example.edu.cn", password: Harness.password, door: .smtp,
                                        remoteIP: "198.51.100.7", clientID: nil) == .clientPasswordRequired(account))
        #expect(h.notices.count == 2)
        let mailed = await h.store.auditEvents(accountID: account.id, kinds: [.noticeMailed], limit: 10)
        #expect(mailed.count == 2 && mailed.allSatisfy { $0.success && $0.method == "client-password" })
    }

    /// A client opening several connections at once is refused on each: one notice.
    @Test func refusalsAtOnceMailOneNotice() async throws {
        let h = Harness(storeLatency: .milliseconds(2))
        let account = try await h.user()
        try await h.bind(account)
        let auth = h.authenticator
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<8 {
                group.addTask {
                    _ = await auth.authenticate(username: "zhang.san@example.edu.cn", password: Harness.password, door: .imap,
                                                remoteIP: "198.51.100.7", clientID: "Foxmail")
                }
            }
        }
        #expect(h.notices.count == 1)
    }

    /// Only a right password tells anything: a wrong one (an attacker's guess) mails nothing, and
    /// nor does the web or a client-specific password.
    @Test func nothingIsMailedForWrongPasswordsOrAcceptedOnes() async throws {
        let h = Harness()
        let account = try await h.user()
        try await h.bind(account)
        let app = try await h.apps.create(account, name: "iPhone", context: h.web)
        let auth = h.authenticator
        #expect(await auth.authenticate(username: "zhang.san@example.edu.cn", password: "guess", door: .imap,
                                        remoteIP: "203.0.113.9", clientID: nil) == .invalid)
        #expect(await auth.authenticate(username: "zhang.san@example.edu.cn", password: Harness.password, door: .web,
                                        remoteIP: "198.51.100.7", clientID: nil) == .valid(account, .accountPassword))
        #expect(await auth.authenticate(username: "zhang.san@example.edu.cn", password: app.password, door: .imap,
                                        remoteIP: "198.51.100.7", clientID: nil) == .valid(account, .appPassword(id: app.record.id, name: "iPhone")))
        #expect(h.notices.count == 0)
    }

    /// Enforced by the administrator, no phone yet: the notice says to bind one first.
    @Test func anEnforcedAccountWithoutAPhoneIsToldToBindOne() async throws {
        let h = Harness()
        let account = try await h.user()
        _ = try await h.twoStep.enforce(.account(account.id))
        #expect(await h.authenticator.authenticate(username: "zhang.san@example.edu.cn", password: Harness.password, door: .pop3,
                                                   remoteIP: "198.51.100.7", clientID: nil) == .clientPasswordRequired(account))
        let text = MIMEParser.parse(try #require(h.notices.last)).searchText
        #expect(text.contains("绑定手机"))
        #expect(text.contains("bind a phone"))
        #expect(text.contains("POP3"))
        #expect(text.contains("一个邮件客户端"), "no client name: a generic one")
    }

    /// A notice that cannot be delivered (a full mailbox) changes nothing of the refusal, and is
    /// audited as failed.
    @Test func aFailedDeliveryLeavesTheRefusalAsItIs() async throws {
        let h = Harness()
        let account = try await h.user()
        try await h.bind(account)
        h.notices.failing.withLock { $0 = true }
        #expect(await h.authenticator.authenticate(username: "zhang.san@example.edu.cn", password: Harness.password, door: .imap,
                                                   remoteIP: "198.51.100.7", clientID: nil) == .clientPasswordRequired(account))
        let mailed = await h.store.auditEvents(accountID: account.id, kinds: [.noticeMailed], limit: 10)
        #expect(mailed.count == 1 && !mailed[0].success)
    }

    /// A client's name is the client's to choose: control characters cannot reach the text.
    @Test func aClientNameCannotBreakTheMessage() {
        let address = try! EmailAddress("zhang.san@example.edu.cn")
        let raw = ClientPasswordNoticeMail.compose(
            to: address, attempt: .init(door: .imap, ip: "198.51.100.7", clientID: "Evil\r\nBcc: x@y\u{7}", at: Date(timeIntervalSince1970: 0),
                                        enforcedWithoutPhone: false), messageID: "n1")
        #expect(raw.allSatisfy { $0 < 0x80 }, "7-bit")
        let parsed = MIMEParser.parse(raw)
        #expect(parsed.header("Bcc") == nil)
        #expect(parsed.searchText.contains("“EvilBcc: x@y”"))
    }
}
