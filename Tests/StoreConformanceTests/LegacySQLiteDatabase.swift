import Foundation
import GRDB
@testable import StoreSQLite

/// A SQLite data file as an older Mailward left it: migrated up to `migration` only, with
/// `rows` inserted — for tests of what a later migration does to existing data. The file is
/// removed when `body` returns.
func withLegacySQLiteDatabase(migratedUpTo migration: String, rows: String,
                              _ body: (_ path: String) async throws -> Void) async throws {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("mw-legacy-\(UUID().uuidString).sqlite").path
    defer { try? FileManager.default.removeItem(atPath: path) }
    do {
        _ = SQLiteProcess.configured  // as SQLiteStore does before opening a database
        let old = try DatabasePool(path: path)
        try SQLiteMigrations.migrator.migrate(old, upTo: migration)
        try await old.write { db in try db.execute(sql: rows) }
    }
    try await body(path)
}
