import Foundation
import MailwardCore
import MailwardTesting
import Testing

/// SPEC B6: what a grantee does in a colleague's mailbox is written in the owner's log by
/// `ShareService`, in one detail format whichever door it came through (the webmail, IMAP, SMTP).
@Suite struct GranteeAuditTests {
    /// Core's in-memory world (the two-step ``Harness``) with a share service and two accounts.
    struct World {
        let harness: Harness
        let shares: ShareService
        let office: Account
        let li: Account

        static func make() async throws -> World {
            let harness = Harness()
            return World(harness: harness, shares: ShareService(harness.env, store: InMemoryShareStore()),
                         office: try await harness.user("office@demo.test"), li: try await harness.user("li@demo.test"))
        }

        func ownerLog() async -> [AuditEvent] {
            await harness.store.auditEvents(accountID: office.id, kinds: [.sharedMailboxAction], limit: 10).reversed()
        }
    }

    @Test func aTextSearchNamesTheWordsTheFolderAndTheCount() async throws {
        let w = try await World.make()
        await w.shares.recordGranteeSearch(w.li, ownerID: w.office.id, words: ["lunch", "“coffee”"], folder: "INBOX", found: 2,
                                           door: .imap, ip: "192.0.2.7")
        await w.shares.recordGranteeSearch(w.li, ownerID: w.office.id, words: ["季度"], folder: nil, found: 0,
                                           door: .web, ip: nil)
        let events = await w.ownerLog()
        #expect(events.map(\.detail) == [
            // Curly quotes the grantee typed are made straight: the detail's own still bound the words.
            "li@demo.test: searched “lunch”, “\"coffee\"” in INBOX: 2 found",
            "li@demo.test: searched “季度” in all folders: 0 found",
        ])
        #expect(events.map(\.method) == ["view", "view"])
        #expect(events.map(\.door) == ["imap", "web"])
        #expect(events.map(\.ip) == ["192.0.2.7", nil])
    }

    @Test func ownSearchesAndSearchesWithoutWordsLeaveNoEvent() async throws {
        let w = try await World.make()
        await w.shares.recordGranteeSearch(w.office, ownerID: w.office.id, words: ["tea"], folder: "INBOX", found: 1,
                                           door: .imap, ip: nil)
        await w.shares.recordGranteeSearch(w.li, ownerID: w.office.id, words: [], folder: "INBOX", found: 4,
                                           door: .imap, ip: nil)
        #expect(await w.ownerLog().isEmpty)
    }

    @Test func longWordsAreCut() async throws {
        let w = try await World.make()
        await w.shares.recordGranteeSearch(w.li, ownerID: w.office.id, words: [String(repeating: "x", count: 500)],
                                           folder: "INBOX", found: 0, door: .web, ip: nil)
        let detail = try #require(await w.ownerLog().first?.detail)
        #expect(detail == "li@demo.test: searched “\(String(repeating: "x", count: 100))” in INBOX: 0 found")
    }

    @Test func aSendAsIsTheSameFromEveryDoor() async throws {
        let w = try await World.make()
        await w.shares.recordGranteeSend(w.li, ownerID: w.office.id, messageID: "<a@demo.test>", recipients: 3, door: .smtp, ip: "192.0.2.8")
        let event = try #require(await w.ownerLog().first)
        #expect(event.detail == "li@demo.test: sent <a@demo.test> to 3 recipient(s)")
        #expect(event.method == "send" && event.door == "smtp")
    }
}
