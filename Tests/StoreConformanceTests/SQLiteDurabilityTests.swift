import Foundation
import GRDB
import MailwardCore
import StoreSQLite
import Testing

/// The SQLite store's fsync policy: deliveries commit with `synchronous = FULL`; flag changes
/// commit without their own WAL fsync, and must hand the writer back in FULL mode.
@Suite struct SQLiteDurabilityTests {
    @Test func aFlagChangeLeavesTheWriterFullySynchronous() async throws {
        let f = try await MailFixture(.sqlite)
        let store = try #require(f.store as? SQLiteStore)
        let inbox = try await f.inbox(f.alice)
        let message = try await f.service.append(MailFixture.message(subject: "s", body: "b"), to: inbox.id)
        let changed = try await f.service.updateFlags(mailboxID: inbox.id, uids: [message.uid], change: .add([MessageFlags.flagged]))
        #expect(changed.updated.first?.flags == [MessageFlags.flagged])
        // 2 = FULL: the next delivery's commit fsyncs the WAL (and with it the flag change).
        #expect(try await store.pool.write { db in try Int.fetchOne(db, sql: "PRAGMA synchronous") } == 2)
        // The change is committed and visible to every reader at once.
        #expect(try await store.messages(mailboxID: inbox.id, uids: [message.uid]).first?.flags == [MessageFlags.flagged])
    }

    /// The process-wide settings that keep concurrent deliveries cheap (memory statistics off,
    /// statement journals in memory up to a bound) were applied before the first database of the
    /// test process opened.
    @Test func sqliteRunsWithTheProcessSettings() async throws {
        let f = try await MailFixture(.sqlite)
        #expect(f.store is SQLiteStore)
        #expect(SQLiteProcess.configured)
    }
}
