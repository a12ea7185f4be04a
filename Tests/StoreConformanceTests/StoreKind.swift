import Foundation
import MailwardCore
import MailwardTesting
import StoreSQLite

/// Every store implementation the conformance suite runs against. A PostgreSQL store joins
/// this list (when `POSTGRES_URL` is set) without any change to the tests themselves.
enum StoreKind: String, CaseIterable, CustomTestStringConvertible, Sendable {
    case memory
    case sqlite

    var testDescription: String { rawValue }

    func makeDirectory() throws -> any DirectoryStore {
        switch self {
        case .memory:
            return InMemoryDirectoryStore()
        case .sqlite:
            return try SQLiteStore(path: TemporaryFolder.make().path + "/test.sqlite")
        }
    }
}

import Testing

enum TemporaryFolder {
    static func make() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("mailward-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}
