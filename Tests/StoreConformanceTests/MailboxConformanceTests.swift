import Foundation
import MailwardCore
import Testing

@Suite struct MailboxConformanceTests {
    @Test(arguments: StoreKind.allCases)
    func provisioningMakesInboxAndSpecialFolders(_ kind: StoreKind) async throws {
        let f = try await MailFixture(kind)
        let boxes = try await f.store.mailboxes(accountID: f.alice.id)
        #expect(boxes.map(\.name) == ["Drafts", "INBOX", "Junk", "Sent", "Trash"])
        #expect(boxes.first { $0.name == "Sent" }?.specialUse == .sent)
        #expect(boxes.first { $0.name == "INBOX" }?.specialUse == nil)
        #expect(try await f.store.subscriptions(accountID: f.alice.id).count == 5)
        try await f.service.provision(accountID: f.alice.id)  // idempotent
        #expect(try await f.store.mailboxes(accountID: f.alice.id).count == 5)
        #expect(try await f.store.quota(accountID: f.alice.id) == QuotaUsage(usedBytes: 0, limitBytes: 10 << 30))
        // Each account has its own folders.
        #expect(try await f.inbox(f.alice).id != f.inbox(f.bob).id)
    }

    @Test(arguments: StoreKind.allCases)
    func createRenameDeleteWithChineseNames(_ kind: StoreKind) async throws {
        let f = try await MailFixture(kind)
        let project = try await f.service.createMailbox(accountID: f.alice.id, name: "工作/项目/2026")
        #expect(try await f.store.mailbox(accountID: f.alice.id, name: "工作") != nil)
        #expect(try await f.store.mailbox(accountID: f.alice.id, name: "工作/项目") != nil)
        await #expect(throws: MailError.mailboxExists("工作/项目/2026")) {
            try await f.service.createMailbox(accountID: f.alice.id, name: "工作/项目/2026")
        }
        for bad in ["", "a//b", "/a", "a/", "a*b", "a%", "tab\there"] {
            await #expect(throws: MailError.self) { try await f.service.createMailbox(accountID: f.alice.id, name: bad) }
        }
        #expect(try await f.service.createMailbox(accountID: f.alice.id, name: "inbox/sub").name == "INBOX/sub")

        let work = try #require(try await f.store.mailbox(accountID: f.alice.id, name: "工作"))
        try await f.service.renameMailbox(work, to: "事务")
        #expect(try await f.store.mailbox(accountID: f.alice.id, name: "事务/项目/2026")?.id == project.id)
        #expect(try await f.store.mailbox(accountID: f.alice.id, name: "工作") == nil)
        #expect(try await f.store.subscriptions(accountID: f.alice.id).contains("事务/项目/2026"))
        let sent = try #require(try await f.store.mailbox(accountID: f.alice.id, name: "Sent"))
        await #expect(throws: MailError.mailboxExists("Sent")) { try await f.store.renameMailbox(id: project.id, to: "Sent") }
        await #expect(throws: MailError.cannotDeleteInbox) { try await f.service.deleteMailbox(try await f.inbox(f.alice)) }
        try await f.service.deleteMailbox(sent)
        #expect(try await f.store.mailbox(id: sent.id) == nil)

        // A parent goes only after its children: nothing is left listed under a missing parent.
        let parent = try #require(try await f.store.mailbox(accountID: f.alice.id, name: "事务/项目"))
        await #expect(throws: MailError.hasChildren("事务/项目")) { try await f.service.deleteMailbox(parent) }
        try await f.service.deleteMailbox(project)
        try await f.service.deleteMailbox(parent)
        #expect(try await f.store.mailbox(accountID: f.alice.id, name: "事务/项目") == nil)
    }

    /// One folder per special use and account, kept by the store itself: of two sessions
    /// creating `\Archive` folders at once, exactly one gets the use.
    @Test(arguments: StoreKind.allCases)
    func aSpecialUseBelongsToOneFolder(_ kind: StoreKind) async throws {
        let f = try await MailFixture(kind)
        let alice = f.alice.id
        await #expect(throws: MailError.specialUseTaken(.sent)) {
            try await f.store.createMailbox(accountID: alice, name: "Gesendet", specialUse: .sent, createdAt: Date())
        }
        // A refused create leaves no parent folder behind.
        await #expect(throws: MailError.specialUseTaken(.sent)) {
            try await f.service.createMailbox(accountID: alice, name: "Neu/Gesendet", specialUse: .sent)
        }
        #expect(try await f.store.mailbox(accountID: alice, name: "Neu") == nil)
        let attempts = try await withThrowingTaskGroup(of: Bool.self) { group in
            for name in ["Archiv", "Archives", "归档", "Old"] {
                group.addTask {
                    do {
                        _ = try await f.store.createMailbox(accountID: alice, name: name, specialUse: .archive, createdAt: Date())
                        return true
                    } catch MailError.specialUseTaken(.archive) {
                        return false
                    }
                }
            }
            return try await group.reduce(into: [Bool]()) { $0.append($1) }
        }
        #expect(attempts.filter { $0 }.count == 1)
        #expect(try await f.store.mailboxes(accountID: alice).filter { $0.specialUse == .archive }.count == 1)
        // Another account has its own; a name taken wins over a use taken.
        _ = try await f.store.createMailbox(accountID: f.bob.id, name: "Archive", specialUse: .archive, createdAt: Date())
        await #expect(throws: MailError.mailboxExists("Sent")) {
            try await f.store.createMailbox(accountID: alice, name: "Sent", specialUse: .sent, createdAt: Date())
        }

        // A deleted Trash frees its use; provisioning again leaves the user's own Trash alone.
        let trash = try #require(try await f.store.mailbox(accountID: alice, name: "Trash"))
        try await f.service.deleteMailbox(trash)
        let own = try await f.service.createMailbox(accountID: alice, name: "Papierkorb", specialUse: .trash)
        try await f.service.provision(accountID: alice)
        #expect(try await f.store.mailbox(accountID: alice, name: "Trash") == nil)
        #expect(try await f.service.specialMailbox(accountID: alice, .trash).id == own.id)
    }

    /// A folder and an account of over a thousand messages are deleted in one statement each,
    /// whose statement journal (every body row the reference counts touch) outgrows memory: on
    /// SQLite that spill once failed with "database or disk is full" (a 4 MiB in-memory journal
    /// setting; an audit found folders over ~900 messages and big accounts impossible to delete).
    @Test(arguments: StoreKind.allCases)
    func bigFoldersAndAccountsAreDeleted(_ kind: StoreKind) async throws {
        let f = try await MailFixture(kind)
        let big = try await f.service.createMailbox(accountID: f.alice.id, name: "Archive")
        let text = String(repeating: "年度预算 budget ", count: 300)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for start in stride(from: 0, to: 1_400, by: 100) {
                group.addTask {
                    for n in start..<(start + 100) {
                        _ = try await f.service.append(MailFixture.message(subject: "report \(n)", body: "\(n) \(text)"), to: big.id)
                    }
                }
            }
            try await group.waitForAll()
        }
        #expect(try await f.store.messages(mailboxID: big.id).count == 1_400)
        let kept = try await f.service.createMailbox(accountID: f.alice.id, name: "Kept")
        _ = try await f.service.copy(uids: try await f.store.messages(mailboxID: big.id).map(\.uid), from: big.id, to: kept.id)
        try await f.service.deleteMailbox(big)
        #expect(try await f.store.mailbox(id: big.id) == nil)
        #expect(try await f.directory.deleteAccount(id: f.alice.id))
        #expect(try await f.directory.account(id: f.alice.id) == nil)
    }

    /// `Shared/…` is where doors show colleagues' mailboxes (IMAP's shared namespace); a level `.`
    /// or `..` is no name either (a client keeping folders as directories would leave its folder).
    @Test(arguments: StoreKind.allCases)
    func theSharedRootIsReserved(_ kind: StoreKind) async throws {
        let f = try await MailFixture(kind)
        for name in ["Shared", "shared/x", "SHARED/boss@example.com/INBOX", "..", "../../evil", "x/../../.ssh", ".", "a/./b"] {
            await #expect(throws: MailError.invalidMailboxName(name)) { try await f.service.createMailbox(accountID: f.alice.id, name: name) }
        }
        let notes = try await f.service.createMailbox(accountID: f.alice.id, name: "Shared notes")
        await #expect(throws: MailError.invalidMailboxName("Shared/notes")) { try await f.service.renameMailbox(notes, to: "Shared/notes") }
    }

    @Test(arguments: StoreKind.allCases)
    func recreatedMailboxGetsNewUIDValidity(_ kind: StoreKind) async throws {
        let f = try await MailFixture(kind)
        let first = try await f.service.createMailbox(accountID: f.alice.id, name: "Temp")
        try await f.service.deleteMailbox(first)
        let second = try await f.service.createMailbox(accountID: f.alice.id, name: "Temp")
        #expect(second.uidValidity > first.uidValidity)
        #expect(second.uidValidity != 0)
    }

    @Test(arguments: StoreKind.allCases)
    func subscriptionsMayNameMissingFolders(_ kind: StoreKind) async throws {
        let f = try await MailFixture(kind)
        try await f.store.setSubscribed(accountID: f.alice.id, name: "Gone/Folder", true)
        #expect(try await f.store.subscriptions(accountID: f.alice.id).contains("Gone/Folder"))
        try await f.store.setSubscribed(accountID: f.alice.id, name: "Gone/Folder", false)
        #expect(try await !f.store.subscriptions(accountID: f.alice.id).contains("Gone/Folder"))
    }
}
