import Foundation
import GRDB
@testable import StoreSQLite
import Testing

/// The write-ahead log is checkpointed off the writer: commits past the threshold hand the work to
/// a connection of its own, and the writer only checkpoints itself when the log grows far past it.
@Suite struct WALCheckpointerTests {
    /// A scratch WAL database in a folder of its own (removed by `done`), whose writer reports to
    /// a checkpointer with the given thresholds; one table of blobs.
    private struct Scratch {
        let folder: URL
        let checkpointer: WALCheckpointer
        let pool: DatabasePool

        init(threshold: Int32, inlineThreshold: Int32) throws {
            _ = SQLiteProcess.configured
            folder = try TemporaryFolder.make()
            let path = folder.appendingPathComponent("wal.sqlite").path
            let checkpointer = WALCheckpointer(path: path, threshold: threshold, inlineThreshold: inlineThreshold)
            var configuration = Configuration()
            configuration.prepareDatabase { db in
                try db.execute(sql: "PRAGMA synchronous = FULL")
                if !db.configuration.readonly { checkpointer.watch(db) }
            }
            self.checkpointer = checkpointer
            pool = try DatabasePool(path: path, configuration: configuration)
            try pool.write { db in try db.execute(sql: "CREATE TABLE chunks (id INTEGER PRIMARY KEY, bytes BLOB NOT NULL)") }
        }

        func rows() async throws -> Int? {
            try await pool.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM chunks") }
        }

        func done() {
            checkpointer.close()
            try? FileManager.default.removeItem(at: folder)
        }
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
        let scratch = try Scratch(threshold: 20, inlineThreshold: 1_000_000)
        defer { scratch.done() }
        try Self.write(scratch.pool, count: 30)
        #expect(try await Self.eventually { scratch.checkpointer.completed.background >= 1 })
        #expect(scratch.checkpointer.completed.inline == 0)
        // A checkpoint copies pages; it never loses a row.
        #expect(try await scratch.rows() == 30)
    }

    @Test func theWriterCheckpointsItselfWhenTheLogGrowsFarPastTheThreshold() async throws {
        let scratch = try Scratch(threshold: 1_000_000, inlineThreshold: 20)
        defer { scratch.done() }
        try Self.write(scratch.pool, count: 30)
        #expect(scratch.checkpointer.completed.inline >= 1)
        #expect(scratch.checkpointer.completed.background == 0)
        #expect(try await scratch.rows() == 30)
    }

    @Test func nothingRunsAfterClose() async throws {
        let scratch = try Scratch(threshold: 20, inlineThreshold: 1_000_000)
        defer { scratch.done() }
        scratch.checkpointer.close()
        try Self.write(scratch.pool, count: 30)
        try await Task.sleep(for: .milliseconds(200))
        #expect(scratch.checkpointer.completed.background == 0)
    }

    /// The store's writer has the hook: pages past its threshold (four per 16 KiB row) written
    /// through it are checkpointed without the writer doing it.
    @Test func theStoreHandsItsCheckpointsToTheBackground() async throws {
        let folder = try TemporaryFolder.make()
        defer { try? FileManager.default.removeItem(at: folder) }
        let store = try SQLiteStore(path: folder.appendingPathComponent("mail.sqlite").path)
        try await store.pool.write { db in try db.execute(sql: "CREATE TABLE chunks (id INTEGER PRIMARY KEY, bytes BLOB NOT NULL)") }
        try Self.write(store.pool, count: Int(store.checkpointer.threshold) / 4 + 100)
        #expect(try await Self.eventually { store.checkpointer.completed.background >= 1 })
        #expect(store.checkpointer.completed.inline == 0)
    }
}
