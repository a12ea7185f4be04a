import Foundation
import GRDB

extension SQLiteStore {
    /// Copies the database at `source` into a new file at `destination` with SQLite's online
    /// backup: one consistent snapshot while a server keeps writing to it (a reader of the WAL;
    /// the server is never locked out). The copy is checked (`PRAGMA quick_check`) and fsynced
    /// before this returns. Returns its size in bytes.
    public static func backUp(databaseAt source: String, to destination: String) throws -> Int64 {
        guard FileManager.default.fileExists(atPath: source) else { throw SQLiteBackupError("no database at \(source)") }
        var configuration = Configuration()
        configuration.readonly = true
        configuration.busyMode = .timeout(10)
        let reader = try DatabasePool(path: source, configuration: configuration)
        var target = Configuration()
        target.busyMode = .timeout(10)
        do {
            let copy = try DatabaseQueue(path: destination, configuration: target)
            try reader.backup(to: copy)
            let check = try copy.read { db in try String.fetchOne(db, sql: "PRAGMA quick_check") }
            guard check == "ok" else { throw SQLiteBackupError("the copy of \(source) does not check out: \(check ?? "no answer")") }
            try copy.close()
        }
        try reader.close()
        let descriptor = open(destination, O_RDONLY | O_CLOEXEC)
        if descriptor >= 0 {
            defer { close(descriptor) }
            guard fsync(descriptor) == 0 else { throw SQLiteBackupError("could not fsync \(destination): errno \(errno)") }
        }
        let attributes = try FileManager.default.attributesOfItem(atPath: destination)
        return (attributes[.size] as? NSNumber)?.int64Value ?? 0
    }
}

/// Why a database copy failed, in one line.
public struct SQLiteBackupError: Error, CustomStringConvertible, Sendable {
    public let description: String

    init(_ description: String) {
        self.description = description
    }
}
