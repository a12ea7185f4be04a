import Foundation
import GRDB
import MailwardCore
@testable import StoreSQLite
import Synchronization
import Testing

/// The group commit's thread: concurrent inserts complete, each in its own savepoint (one failing
/// rolls back only itself), and a stopped batcher refuses new work instead of leaving it waiting.
@Suite struct InsertBatcherTests {
    private static func database(_ folder: URL) throws -> DatabasePool {
        _ = SQLiteProcess.configured
        let pool = try DatabasePool(path: folder.appendingPathComponent("batch.sqlite").path)
        try pool.write { db in try db.execute(sql: "CREATE TABLE items (value INTEGER NOT NULL UNIQUE)") }
        return pool
    }

    /// The group commit's thread has a name of its own in `top -H` and profiles (before, it
    /// showed as the event loop that started it).
    @Test func theThreadIsNamed() async throws {
        let folder = try TemporaryFolder.make()
        defer { try? FileManager.default.removeItem(at: folder) }
        let batcher = InsertBatcher(pool: try Self.database(folder))
        defer { batcher.stop() }
        let name = Mutex<String?>(nil)
        _ = try await batcher.submit { _ in
            name.withLock { $0 = try? String(contentsOfFile: "/proc/thread-self/comm", encoding: .utf8) }
            return []
        }
        #expect(name.withLock { $0 } == "mw-deliveries\n")
    }

    @Test func concurrentInsertsCompleteAndAFailureRollsBackOnlyItself() async throws {
        let folder = try TemporaryFolder.make()
        defer { try? FileManager.default.removeItem(at: folder) }
        let pool = try Self.database(folder)
        let batcher = InsertBatcher(pool: pool)
        defer { batcher.stop() }
        // Value 7 twice: one of the two violates UNIQUE and must fail alone.
        let values = Array(0..<40) + [7]
        let outcomes = await withTaskGroup(of: Bool.self) { group in
            for value in values {
                group.addTask {
                    do {
                        _ = try await batcher.submit { db in
                            try db.execute(sql: "INSERT INTO items (value) VALUES (?)", arguments: [value])
                            return []
                        }
                        return true
                    } catch {
                        return false
                    }
                }
            }
            return await group.reduce(into: [Bool]()) { $0.append($1) }
        }
        #expect(outcomes.filter { $0 }.count == 40)
        #expect(outcomes.filter { !$0 }.count == 1)
        #expect(try await pool.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM items") } == 40)
    }

    @Test func aStoppedBatcherRefusesNewInserts() async throws {
        let folder = try TemporaryFolder.make()
        defer { try? FileManager.default.removeItem(at: folder) }
        let batcher = InsertBatcher(pool: try Self.database(folder))
        batcher.stop()
        await #expect(throws: StoreError.self) {
            _ = try await batcher.submit { _ in [] }
        }
    }
}
