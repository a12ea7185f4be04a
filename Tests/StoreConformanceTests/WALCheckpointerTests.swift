import Foundation
import GRDB
@testable import StoreSQLite
import Testing

/// The write-ahead log is checkpointed off the writer: commits past the threshold hand the work to
/// a connection of its own, and the writer only checkpoints itself when the log grows far past it.
@Suite struct WALCheckpointerTests {
    /// A WAL database whose writer reports to `checkpointer`, with one table of blobs.
    private static func database(_ folder: URL, _ checkpointer: WALCheckpointer) throws -> DatabasePool {
        _ = SQLiteProcess.configured
        var configuration = Configuration()
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = FULL")
            if !db.configuration.readonly { checkpointer.watch(db) }
        }
        let pool = try DatabasePool(path: folder.appendingPathComponent("wal.sqlite").path, configuration: configuration)
        try pool.write { db in try db.execute(sql: "CREATE TABLE chunks (id INTEGER PRIMARY KEY, bytes BLOB NOT NULL)") }
        return pool
    }

    /// Commits `count` rows of 16 KiB (four or five pages each), one transaction per row.
    private static func write(_ pool: DatabasePool, count: Int) throws {
        for index in 0..<count {
            try pool.write { db in
                try db.execute(sql: "INSERT INTO chunks (bytes) VALUES (?)",
                               arguments: [Data(repeating: UInt8(index % 251), count: 16 << 10)])
            }
        }
    }

    /// Waits up to ten seconds for `condition`.
    private static func eventually(_ condition: () -> Bool) async throws -> Bool {
        for _ in 0..<1_000 {
            if condition() { return true }
            try await Task.sleep(for: .milliseconds(10))
        }
        return condition()
    }

    @Test func commitsPastTheThresholdCheckpointInTheBackground() async throws {
        let folder = try TemporaryFolder.make()
        defer { try? FileManager.default.removeItem(at: folder) }
        let checkpointer = WALCheckpointer(path: folder.appendingPathComponent("wal.sqlite").path, threshold: 20, inlineThreshold: 1_000_000)
        let pool = try Self.database(folder, checkpointer)
        try Self.write(pool, count: 30)
        #expect(try await Self.eventually { checkpointer.completed.background >= 1 })
        #expect(checkpointer.completed.inline == 0)
        // A checkpoint copies pages; it never loses a row.
        #expect(try await pool.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM chunks") } == 30)
        checkpointer.close()
    }

    @Test func theWriterCheckpointsItselfWhenTheLogGrowsFarPastTheThreshold() async throws {
        let folder = try TemporaryFolder.make()
        defer { try? FileManager.default.removeItem(at: folder) }
        let checkpointer = WALCheckpointer(path: folder.appendingPathComponent("wal.sqlite").path, threshold: 1_000_000, inlineThreshold: 20)
        let pool = try Self.database(folder, checkpointer)
        try Self.write(pool, count: 30)
        #expect(checkpointer.completed.inline >= 1)
        #expect(checkpointer.completed.background == 0)
        #expect(try await pool.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM chunks") } == 30)
    }

    @Test func nothingRunsAfterClose() async throws {
        let folder = try TemporaryFolder.make()
        defer { try? FileManager.default.removeItem(at: folder) }
        let checkpointer = WALCheckpointer(path: folder.appendingPathComponent("wal.sqlite").path, threshold: 20, inlineThreshold: 1_000_000)
        let pool = try Self.database(folder, checkpointer)
        checkpointer.close()
        try Self.write(pool, count: 30)
        try await Task.sleep(for: .milliseconds(200))
        #expect(checkpointer.completed.background == 0)
    }

    /// The store's writer has the hook: 1 200 pages written through it are checkpointed without
    /// the writer doing it.
    @Test func theStoreHandsItsCheckpointsToTheBackground() async throws {
        let folder = try TemporaryFolder.make()
        defer { try? FileManager.default.removeItem(at: folder) }
        let store = try SQLiteStore(path: folder.appendingPathComponent("mail.sqlite").path)
        try await store.pool.write { db in try db.execute(sql: "CREATE TABLE chunks (id INTEGER PRIMARY KEY, bytes BLOB NOT NULL)") }
        try Self.write(store.pool, count: 300)
        #expect(try await Self.eventually { store.checkpointer.completed.background >= 1 })
        #expect(store.checkpointer.completed.inline == 0)
    }
}
