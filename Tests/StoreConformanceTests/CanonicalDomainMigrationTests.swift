import Foundation
import MailwardCore
import StoreSQLite
import Testing

/// Migration 009: a domain stored in its ASCII (`xn--`) spelling before domains had one form
/// is renamed with its accounts, aliases and enforcement, so its users still sign in and
/// receive mail after the upgrade.
@Suite struct CanonicalDomainMigrationTests {
    @Test func legacyASCIISpellingIsRenamedWithEverythingThatNamesIt() async throws {
        try await withLegacySQLiteDatabase(migratedUpTo: "008-messages-by-date", rows: """
            INSERT INTO domains (name, created_at) VALUES ('xn--0zwm56d.cn', 0), ('example.edu.cn', 0);
            INSERT INTO accounts (address, domain, display_name, password_hash, created_at)
                VALUES ('user@xn--0zwm56d.cn', 'xn--0zwm56d.cn', '', 'x', 0),
                       ('li@example.edu.cn', 'example.edu.cn', '', 'x', 0);
            INSERT INTO aliases (address, domain, account_id, created_at) VALUES ('info@xn--0zwm56d.cn', 'xn--0zwm56d.cn', 1, 0);
            INSERT INTO two_step_enforcements (kind, value, created_at) VALUES ('domain', 'xn--0zwm56d.cn', 0);
            """) { path in
            let store = try SQLiteStore(path: path)
            let user = try #require(try await store.account(address: EmailAddress("user@测试.cn")))
            #expect(user.address.description == "user@测试.cn")
            #expect(try await store.account(address: EmailAddress("user@xn--0zwm56d.cn"))?.id == user.id)
            #expect(try await store.alias(address: EmailAddress("info@测试.cn"))?.accountID == user.id)
            #expect(try await store.domain(named: "测试.cn") != nil)
            #expect(try await store.enforcements().map(\.scope) == [.domain("测试.cn")])
            #expect(try await store.account(address: EmailAddress("li@example.edu.cn")) != nil)
        }
    }
}
