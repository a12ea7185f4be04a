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

    /// A directory and a mail store over the same database, with a blob store beside it.
    func makeStores() throws -> (directory: any DirectoryStore, mail: any MailStore, blobs: any BlobStore) {
        switch self {
        case .memory:
            return (InMemoryDirectoryStore(), InMemoryMailStore(), InMemoryBlobStore())
        case .sqlite:
            let folder = try TemporaryFolder.make()
            let store = try SQLiteStore(path: folder.path + "/test.sqlite")
            return (store, store, try FileBlobStore(root: folder.path + "/blobs"))
        }
    }

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
