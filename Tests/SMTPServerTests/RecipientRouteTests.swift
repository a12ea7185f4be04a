import Foundation
import MailwardApp
import MailwardCore
import MailwardTesting
@testable import SMTPServer
import StoreSQLite
import Testing

/// RCPT for a recipient asked before is answered on the connection's event loop from the route
/// found then (``RecipientRouteCache``) while the directory has not changed — and a change
/// counts at the very next RCPT, also when another process makes it (the command line, which
/// opens the same SQLite file; on PostgreSQL, where the door always asks the store, the change is
/// made through the server's own store).
@Suite(.serialized) struct RecipientRouteTests {
    @Test func aChangeInAnotherProcessCountsAtTheNextRecipient() async throws {
        let server = try await TestServer.smtp()
        defer { Task { try? await server.stop() } }
        let other: any MailwardStore = server.runtime.store is SQLiteStore
            ? try SQLiteStore(path: server.runtime.folder.databasePath) : server.runtime.store
        let client = try await LineClient.connect(port: await server.port(.smtp))
        _ = try await client.reply()
        _ = try await client.command("EHLO sender.example")
        #expect(try await client.command("MAIL FROM:<carol@elsewhere.test>").code == 250)
        #expect(try await client.command("RCPT TO:<bob@example.test>").code == 250)
        #expect(try await client.command("RCPT TO:<bob@example.test>").code == 250)
        #expect(try await client.command("RCPT TO:<news@example.test>").code == 550)
        #expect(try await client.command("RCPT TO:<news@example.test>").code == 550)

        var bob = try #require(try await other.account(address: try EmailAddress("bob@example.test")))
        bob.disabled = true
        try await other.updateAccount(bob)
        let disabled = try await client.command("RCPT TO:<bob@example.test>")
        #expect(disabled.code == 550 && disabled.text.contains("5.2.1"), "\(disabled)")
        // Through the alias too.
        #expect(try await client.command("RCPT TO:<info@example.test>").code == 550)
        bob.disabled = false
        try await other.updateAccount(bob)
        #expect(try await client.command("RCPT TO:<bob@example.test>").code == 250)

        try await other.insertAlias(Alias(address: try EmailAddress("news@example.test"), accountID: bob.id, createdAt: Date()))
        #expect(try await client.command("RCPT TO:<news@example.test>").code == 250)
        _ = try await other.deleteAlias(address: try EmailAddress("news@example.test"))
        #expect(try await client.command("RCPT TO:<news@example.test>").code == 550)

        // The quota is read at every RCPT, whoever changed it (and deliveries change it).
        #expect(try await client.command("RSET").code == 250)
        #expect(try await client.command("MAIL FROM:<carol@elsewhere.test> SIZE=5000").code == 250)
        #expect(try await client.command("RCPT TO:<bob@example.test>").code == 250)
        try await other.setQuotaLimit(accountID: bob.id, bytes: 1000)
        #expect(try await client.command("RCPT TO:<bob@example.test>").code == 552)
        try await other.setQuotaLimit(accountID: bob.id, bytes: 1 << 30)
        #expect(try await client.command("RCPT TO:<bob@example.test>").code == 250)
        #expect(try await client.command("QUIT").code == 221)
        await client.close()
    }

    /// Made-up addresses by the thousand (a dictionary attack) hold at most the capacity.
    @Test func theCacheIsBounded() {
        let cache = RecipientRouteCache()
        for n in 0..<(RecipientRouteCache.capacity + 10) {
            cache.record(.unknownLocal, for: "guess\(n)@example.test", directoryVersion: 1)
        }
        #expect(cache.count <= RecipientRouteCache.capacity)
        #expect(cache.entry(for: "guess\(RecipientRouteCache.capacity + 9)@example.test")?.route == .unknownLocal)
        cache.record(.local(7), for: "guess\(RecipientRouteCache.capacity + 9)@example.test", directoryVersion: 2)
        #expect(cache.entry(for: "guess\(RecipientRouteCache.capacity + 9)@example.test") == .init(route: .local(7), directoryVersion: 2))
    }
}
