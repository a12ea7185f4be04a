import Foundation
import MailwardCore
import StoreSQLite
import Testing

/// Migration 022: before one folder per special use was enforced, IMAP's CREATE … USE could
/// mark a second `\Sent`. The upgrade keeps the use on the oldest folder (the one the server
/// filed into) and unmarks the others, instead of failing to create its unique index.
@Suite struct SpecialUseMigrationTests {
    @Test func aUseGivenTwiceStaysWithTheOldestFolder() async throws {
        try await withLegacySQLiteDatabase(migratedUpTo: "021-auto-replies", rows: """
            INSERT INTO domains (name, created_at) VALUES ('example.edu.cn', 0);
            INSERT INTO accounts (address, domain, display_name, password_hash, created_at)
                VALUES ('li@example.edu.cn', 'example.edu.cn', '', 'x', 0);
            INSERT INTO mailboxes (account_id, name, special_use, uid_validity, created_at) VALUES
                (1, 'Sent', '\\Sent', 1, 0), (1, '已发送', '\\Sent', 2, 0), (1, 'Trash', '\\Trash', 3, 0);
            """) { path in
            let store = try SQLiteStore(path: path)
            let uses = try await store.mailboxes(accountID: 1).map { "\($0.name)=\($0.specialUse?.rawValue ?? "-")" }
            #expect(uses == ["Sent=\\Sent", "Trash=\\Trash", "已发送=-"])
            await #expect(throws: MailError.specialUseTaken(.sent)) {
                try await store.createMailbox(accountID: 1, name: "Outbox", specialUse: .sent, createdAt: Date())
            }
        }
    }
}
