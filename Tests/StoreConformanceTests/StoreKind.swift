import Foundation
import MailwardCore
import MailwardTesting
import StorePostgres
import StoreSQLite

/// Every store implementation the conformance suite runs against: memory, SQLite, and
/// PostgreSQL when `POSTGRES_URL` names a server (`scripts/test` starts a private one).
enum StoreKind: String, CaseIterable, CustomTestStringConvertible, Sendable {
    case memory
    case sqlite
    case postgres

    static var allCases: [StoreKind] {
        PostgresTestServer.url == nil ? [.memory, .sqlite] : [.memory, .sqlite, .postgres]
    }

    var testDescription: String { rawValue }

    /// One store holding every port over one database (nil for memory, whose ports are
    /// separate twins). Each call is a fresh, empty database: a new SQLite file, or a new
    /// PostgreSQL schema.
    func makeSharedStore() async throws -> (any DirectoryStore & MailStore & SecurityStore & ShareStore & DeliveryQueueStore)? {
        switch self {
        case .memory:
            return nil
        case .sqlite:
            return try SQLiteStore(path: TemporaryFolder.make().path + "/test.sqlite")
        case .postgres:
            return try await PostgresTestServer.freshStore()
        }
    }

    /// A directory and a mail store over the same database, with a blob store beside it.
    func makeStores() async throws -> (directory: any DirectoryStore, mail: any MailStore, blobs: any BlobStore) {
        guard let store = try await makeSharedStore() else {
            return (InMemoryDirectoryStore(), InMemoryMailStore(), InMemoryBlobStore())
        }
        return (store, store, try FileBlobStore(root: TemporaryFolder.make().path + "/blobs"))
    }

    func makeDirectory() async throws -> any DirectoryStore {
        try await makeSharedStore() ?? InMemoryDirectoryStore()
    }

    /// A directory and a security store over the same database (the security tables
    /// reference accounts).
    func makeSecurityStores() async throws -> (directory: any DirectoryStore, security: any SecurityStore) {
        guard let store = try await makeSharedStore() else { return (InMemoryDirectoryStore(), InMemorySecurityStore()) }
        return (store, store)
    }

    func makeShareStores() async throws -> (directory: any DirectoryStore, security: any SecurityStore, shares: any ShareStore) {
        guard let store = try await makeSharedStore() else {
            return (InMemoryDirectoryStore(), InMemorySecurityStore(), InMemoryShareStore())
        }
        return (store, store, store)
    }

    /// A queue store over the same database as a mail store, with a blob store beside it.
    func makeQueueStores() async throws -> (queue: any DeliveryQueueStore, mail: any MailStore, blobs: any BlobStore) {
        guard let store = try await makeSharedStore() else {
            return (InMemoryDeliveryQueueStore(), InMemoryMailStore(), InMemoryBlobStore())
        }
        return (store, store, try FileBlobStore(root: TemporaryFolder.make().path + "/blobs"))
    }
}

/// The PostgreSQL server of the tests, from `POSTGRES_URL`; each store gets a schema of its own.
enum PostgresTestServer {
    static var url: String? {
        ProcessInfo.processInfo.environment["POSTGRES_URL"].flatMap { $0.isEmpty ? nil : $0 }
    }

    static func freshStore() async throws -> PostgresStore {
        guard let url else { throw PostgresStoreError.notConfigured }
        let schema = "t_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
        return try await PostgresStore.open(url: url, schema: schema)
    }
}

extension PostgresStoreError {
    static let notConfigured = PostgresStoreError.message("POSTGRES_URL is not set")
}

import Testing

enum TemporaryFolder {
    static func make() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("mailward-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}

extension DirectoryStore {
    /// `demo.test` and one account per name in it (`name@demo.test`), their ids in order.
    func insertDemoAccounts(_ names: [String], at date: Date) async throws -> [AccountID] {
        try await insertDomain(Domain(name: "demo.test", createdAt: date))
        var ids: [AccountID] = []
        for name in names {
            ids.append(try await insertAccount(NewAccount(address: try EmailAddress("\(name)@demo.test"), displayName: name,
                                                          passwordHash: "$scrypt$x", createdAt: date)).id)
        }
        return ids
    }
}
