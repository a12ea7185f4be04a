import Foundation
import MailwardCore
import MailwardTesting
import StoreSQLite

extension StoreKind {
    /// A directory and a security store over the same database (SQLite's security tables
    /// reference accounts).
    func makeSecurityStores() throws -> (directory: any DirectoryStore, security: any SecurityStore) {
        switch self {
        case .memory:
            return (InMemoryDirectoryStore(), InMemorySecurityStore())
        case .sqlite:
            let store = try SQLiteStore(path: TemporaryFolder.make().path + "/test.sqlite")
            return (store, store)
        }
    }
}
