import Foundation
import Logging
import MailwardCore
import MailwardTesting
import StoreSQLite
import Testing
@testable import MailwardApp

/// Bodies kept as files (SQLite): the backup docs/production.md describes — the database with
/// `sqlite3 .backup` while the server runs, then `blobs/` — holds every body the database copy
/// names, even one expunged in between (it stays in place, marked, for the retention time);
/// the sweeper drops the mark on the restored server, purges deleted bodies after the retention
/// time, and finds files no message names.
@Suite struct BodyFileSweeperTests {
    struct Node {
        let folder: String
        let store: SQLiteStore
        let blobs: FileBlobStore
        let mail: MailService

        init(_ folder: String) throws {
            self.folder = folder
            store = try SQLiteStore(path: folder + "/mailward.sqlite")
            blobs = try FileBlobStore(root: folder + "/blobs")
            mail = MailService(store: store, blobs: blobs)
        }

        func sweeper(hoursLater hours: Double) -> BodyFileSweeper {
            BodyFileSweeper(store: store, blobs: blobs, clock: FixedClock(Date().addingTimeInterval(hours * 3600)),
                            logger: Logger(label: "test"))
        }
    }

    @Test func backupTakenWhileMailIsExpungedHoldsEveryBodyItNames() async throws {
        let source = try Node(try temporaryFolder())
        let t0 = Date()
        try await source.store.insertDomain(Domain(name: "demo.test", createdAt: t0))
        let alice = try await source.store.insertAccount(NewAccount(address: try EmailAddress("alice@demo.test"),
                                                                    displayName: "Alice", passwordHash: "x", createdAt: t0))
        try await source.mail.provision(accountID: alice.id)
        let inbox = try await source.mail.inbox(accountID: alice.id)
        func big(_ n: Int) -> [UInt8] {
            Array("From: a@demo.test\r\nSubject: big \(n)\r\n\r\n\(String(repeating: "body \(n) ", count: 20_000))\r\n".utf8)
        }
        let expunged = try await source.mail.append(big(1), to: inbox.id)
        let kept = try await source.mail.append(big(2), to: inbox.id)
        #expect(FileManager.default.fileExists(atPath: source.blobs.path(of: expunged.blobID)))

        // The backup: the database first, then (after an expunge) the body files.
        let target = try temporaryFolder()
        let backup = Process()
        backup.executableURL = URL(fileURLWithPath: "/usr/bin/sqlite3")
        backup.arguments = [source.folder + "/mailward.sqlite", ".backup '\(target)/mailward.sqlite'"]
        try backup.run()
        backup.waitUntilExit()
        #expect(backup.terminationStatus == 0)
        _ = try await source.mail.remove(mailboxID: inbox.id, uids: [expunged.uid], onlyDeleted: false)
        #expect(FileManager.default.fileExists(atPath: source.blobs.deletedFolder + "/" + expunged.blobID.hex))
        try FileManager.default.copyItem(atPath: source.folder + "/blobs", toPath: target + "/blobs")

        // The restored node reads both messages; its sweep puts the expunged one's body back.
        let restored = try Node(target)
        let records = try await restored.store.messages(mailboxID: inbox.id)
        #expect(records.map(\.uid) == [expunged.uid, kept.uid])
        #expect(try await restored.mail.raw(records[0]) == big(1))
        #expect(try await restored.mail.raw(records[1]) == big(2))
        let counts = try await restored.sweeper(hoursLater: 2).sweep(includePlaced: true)
        #expect(counts.kept == 1 && counts.unreferenced == 0)
        #expect(FileManager.default.fileExists(atPath: restored.blobs.path(of: expunged.blobID)))
        #expect(!FileManager.default.fileExists(atPath: restored.blobs.deletedFolder + "/" + expunged.blobID.hex))

        // On the source the deleted body stays within the retention time, then goes.
        #expect(try await source.sweeper(hoursLater: 0).sweep(includePlaced: true) == (0, 0, 0))
        #expect(try await source.sweeper(hoursLater: 2).sweep(includePlaced: false).purged == 1)
        #expect(!FileManager.default.fileExists(atPath: source.blobs.deletedFolder + "/" + expunged.blobID.hex))
        #expect(!FileManager.default.fileExists(atPath: source.blobs.path(of: expunged.blobID)))
        #expect(try await source.mail.raw(kept) == big(2))

        // A file no message names (a crash between writing a body and committing its message):
        // marked by the daily check, purged after the retention time.
        let orphan = try await source.blobs.put(big(3))
        #expect(try await source.sweeper(hoursLater: 2).sweep(includePlaced: true).unreferenced == 1)
        #expect(FileManager.default.fileExists(atPath: source.blobs.deletedFolder + "/" + orphan.hex))
        #expect(try await source.sweeper(hoursLater: 2).sweep(includePlaced: true).purged == 1)
        #expect(!FileManager.default.fileExists(atPath: source.blobs.path(of: orphan)))
        #expect(try await source.mail.raw(kept) == big(2))
    }
}
