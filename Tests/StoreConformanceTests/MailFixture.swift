import Foundation
import MailwardCore
import MailwardTesting
import StoreSQLite

/// Two accounts with provisioned folders over one store kind, and helpers to make mail.
struct MailFixture {
    let directory: any DirectoryStore
    let store: any MailStore
    let blobs: any BlobStore
    let service: MailService
    let events: MailboxEvents
    let clock = FixedClock()
    let alice: Account
    let bob: Account

    /// `indexTiming`: by default the background index run waits an hour, so what a test sees
    /// of the index is only what searches catch up.
    init(_ kind: StoreKind, quota: Int64 = 10 << 30, inlineBodyLimit: Int = MailService.defaultInlineBodyLimit,
         indexTiming: SearchIndexer.Timing = SearchIndexer.Timing(quietPeriod: .seconds(3600), maximumDelay: .seconds(3600))) async throws {
        let stores = try await kind.makeStores()
        directory = stores.directory
        store = stores.mail
        blobs = stores.blobs
        events = MailboxEvents()
        service = MailService(store: store, blobs: blobs, events: events, clock: clock, defaultQuota: quota,
                              inlineBodyLimit: inlineBodyLimit,
                              searchIndex: SearchIndexer(store: store, blobs: blobs, timing: indexTiming))
        let t0 = Date(timeIntervalSince1970: 1_795_000_000)
        try await directory.insertDomain(Domain(name: "demo.test", createdAt: t0))
        alice = try await directory.insertAccount(NewAccount(address: try EmailAddress("alice@demo.test"), displayName: "Alice",
                                                             passwordHash: "x", createdAt: t0))
        bob = try await directory.insertAccount(NewAccount(address: try EmailAddress("bob@demo.test"), displayName: "Bob",
                                                           passwordHash: "x", createdAt: t0))
        try await service.provision(accountID: alice.id)
        try await service.provision(accountID: bob.id)
    }

    func inbox(_ account: Account) async throws -> Mailbox {
        try await service.inbox(accountID: account.id)
    }

    static func message(subject: String, body: String, from: String = "Carol <carol@example.com>") -> [UInt8] {
        Array("""
            From: \(from)\r
            To: Alice <alice@demo.test>\r
            Subject: \(subject)\r
            Date: Sun, 29 Nov 2026 10:00:00 +0800\r
            Message-ID: <\(UUID().uuidString)@example.com>\r
            MIME-Version: 1.0\r
            Content-Type: text/plain; charset=utf-8\r
            \r
            \(body)\r

            """.utf8)
    }
}

/// Whether a blob store holds a body as a live one: for `FileBlobStore` in place and not marked
/// deleted (a deleted body stays until the sweeper's retention time has passed).
func holdsInPlace(_ blobs: any BlobStore, _ id: BlobID) async -> Bool {
    if let files = blobs as? FileBlobStore {
        return FileManager.default.fileExists(atPath: files.path(of: id))
            && !FileManager.default.fileExists(atPath: files.deletedFolder + "/" + id.hex)
    }
    return (try? await blobs.get(id)) != nil
}
