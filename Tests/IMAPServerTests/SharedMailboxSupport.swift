import Foundation
import MailwardApp
import MailwardCore
import MailwardTesting
import Testing

/// boss@example.com (INBOX with "Budget" and "Plan", a folder 项目 with "Report") and
/// li@example.com (INBOX with "Own"), with boss's mailbox shared with li as `permission`.
struct SharedFixture {
    static let owner = "boss@example.com"
    static let grantee = "li@example.com"
    /// `Shared/boss@example.com/` as written on the wire.
    static let prefix = "Shared/boss@example.com/"

    let server: TestServer
    let boss: Account
    let li: Account

    static func start(sharing permission: SharePermission? = .readOnly) async throws -> SharedFixture {
        let server = try await TestServer.start()
        let boss = try await server.addUser(owner)
        let li = try await server.addUser(grantee)
        _ = try await server.addUser("stranger@example.com")
        let fixture = SharedFixture(server: server, boss: boss, li: li)
        for subject in ["Budget", "Plan"] { try await fixture.deliverToBoss(subject) }
        let project = try await server.runtime.mail.createMailbox(accountID: boss.id, name: "项目")
        _ = try await server.runtime.mail.append(Array(sampleMessage(subject: "Report").utf8), to: project.id)
        _ = try await server.runtime.mail.deliver(Array(sampleMessage(subject: "Own").utf8), to: [li.id])
        if let permission { try await fixture.share(permission) }
        return fixture
    }

    var shares: ShareService { server.runtime.shares }
    var context: ClientContext { ClientContext(ip: "127.0.0.1") }

    func share(_ permission: SharePermission) async throws {
        try await shares.share(boss, with: Self.grantee, permission: permission, context: context)
    }

    func grant() async throws -> ShareGrant? {
        try await shares.granted(by: boss).first?.grant
    }

    func change(to permission: SharePermission) async throws {
        let grant = try #require(try await grant())
        _ = try await shares.changePermission(boss, shareID: grant.id, to: permission, context: context)
    }

    func revoke() async throws {
        let grant = try #require(try await grant())
        try await shares.revoke(boss, shareID: grant.id, context: context)
    }

    func deliverToBoss(_ subject: String) async throws {
        _ = try await server.runtime.mail.deliver(Array(sampleMessage(subject: subject).utf8), to: [boss.id])
    }

    /// boss's INBOX records, oldest first.
    func bossInbox() async throws -> [MessageRecord] {
        let inbox = try await server.runtime.mail.inbox(accountID: boss.id)
        return try await server.runtime.store.messages(mailboxID: inbox.id).sorted { $0.uid < $1.uid }
    }

    func bossFolders() async throws -> [String] {
        try await server.runtime.store.mailboxes(accountID: boss.id).map(\.name).sorted()
    }

    /// li logged in over IMAP.
    func granteeClient() async throws -> IMAPTestClient {
        let (client, _) = try await IMAPTestClient.connect(server)
        try await client.login(Self.grantee)
        return client
    }

    /// The details of grantee actions in boss's audit log, newest first.
    func granteeAudit() async throws -> [AuditEvent] {
        try await server.runtime.store.auditEvents(accountID: boss.id, kinds: [.sharedMailboxAction], limit: 100)
    }
}
