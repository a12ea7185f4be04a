import Foundation
import MailwardCore
import Testing

/// The contract of `DirectoryStore`, run against every implementation.
@Suite struct DirectoryConformanceTests {
    let t0 = Date(timeIntervalSince1970: 1_795_000_000)

    func account(_ address: String) throws -> NewAccount {
        NewAccount(address: try EmailAddress(address), displayName: "N \(address)", passwordHash: "$scrypt$x", createdAt: t0)
    }

    @Test(arguments: StoreKind.allCases)
    func domainsAreUniqueAndSorted(_ kind: StoreKind) async throws {
        let store = try await kind.makeDirectory()
        try await store.insertDomain(Domain(name: "b.test", createdAt: t0))
        try await store.insertDomain(Domain(name: "a.test", createdAt: t0))
        await #expect(throws: StoreError.self) { try await store.insertDomain(Domain(name: "a.test", createdAt: t0)) }
        #expect(try await store.domains().map(\.name) == ["a.test", "b.test"])
        #expect(try await store.domain(named: "a.test")?.createdAt == t0)
        #expect(try await store.domain(named: "c.test") == nil)
        #expect(try await store.deleteDomain(named: "b.test"))
        #expect(try await !store.deleteDomain(named: "b.test"))
    }

    @Test(arguments: StoreKind.allCases)
    func accountsRoundTrip(_ kind: StoreKind) async throws {
        let store = try await kind.makeDirectory()
        try await store.insertDomain(Domain(name: "demo.test", createdAt: t0))
        let bob = try await store.insertAccount(try account("bob@demo.test"))
        let alice = try await store.insertAccount(try account("alice@demo.test"))
        #expect(bob.id != alice.id)
        #expect(try await store.account(id: bob.id) == bob)
        #expect(try await store.account(address: EmailAddress("alice@demo.test")) == alice)
        #expect(try await store.account(address: EmailAddress("carol@demo.test")) == nil)
        #expect(try await store.accounts(inDomain: "demo.test").map(\.address.description) == ["alice@demo.test", "bob@demo.test"])
        #expect(try await store.accounts(inDomain: nil).count == 2)
        #expect(try await store.accountCount(inDomain: "demo.test") == 2)
        #expect(try await store.accountCount(inDomain: "other.test") == 0)
        #expect(!bob.disabled)
        #expect(bob.createdAt == t0)
    }

    @Test(arguments: StoreKind.allCases)
    func duplicateAccountsAndUnknownDomainsAreRefused(_ kind: StoreKind) async throws {
        let store = try await kind.makeDirectory()
        try await store.insertDomain(Domain(name: "demo.test", createdAt: t0))
        _ = try await store.insertAccount(try account("bob@demo.test"))
        await #expect(throws: StoreError.self) { _ = try await store.insertAccount(try account("bob@demo.test")) }
        await #expect(throws: StoreError.self) { _ = try await store.insertAccount(try account("bob@nowhere.test")) }
    }

    @Test(arguments: StoreKind.allCases)
    func updateAndDelete(_ kind: StoreKind) async throws {
        let store = try await kind.makeDirectory()
        try await store.insertDomain(Domain(name: "demo.test", createdAt: t0))
        var bob = try await store.insertAccount(try account("bob@demo.test"))
        bob.disabled = true
        bob.displayName = "Bob 李"
        bob.passwordHash = "$scrypt$new"
        try await store.updateAccount(bob)
        #expect(try await store.account(id: bob.id) == bob)
        try await store.insertAlias(Alias(address: EmailAddress("robert@demo.test"), accountID: bob.id, createdAt: t0))
        #expect(try await store.deleteAccount(id: bob.id))
        #expect(try await store.account(id: bob.id) == nil)
        #expect(try await store.alias(address: EmailAddress("robert@demo.test")) == nil)
        #expect(try await !store.deleteAccount(id: bob.id))
        var ghost = bob
        ghost.id = 999_999
        await #expect(throws: StoreError.self) { try await store.updateAccount(ghost) }
    }

    @Test(arguments: StoreKind.allCases)
    func aliases(_ kind: StoreKind) async throws {
        let store = try await kind.makeDirectory()
        try await store.insertDomain(Domain(name: "demo.test", createdAt: t0))
        let bob = try await store.insertAccount(try account("bob@demo.test"))
        let alias = Alias(address: try EmailAddress("postmaster@demo.test"), accountID: bob.id, createdAt: t0)
        try await store.insertAlias(alias)
        await #expect(throws: StoreError.self) { try await store.insertAlias(alias) }
        await #expect(throws: StoreError.self) {
            try await store.insertAlias(Alias(address: EmailAddress("x@nowhere.test"), accountID: bob.id, createdAt: self.t0))
        }
        #expect(try await store.alias(address: alias.address) == alias)
        #expect(try await store.aliases(of: bob.id) == [alias])
        #expect(try await store.deleteAlias(address: alias.address))
        #expect(try await store.aliases(of: bob.id).isEmpty)
    }

    @Test(arguments: StoreKind.allCases)
    func domainWithAccountsCannotBeDeleted(_ kind: StoreKind) async throws {
        let store = try await kind.makeDirectory()
        try await store.insertDomain(Domain(name: "demo.test", createdAt: t0))
        _ = try await store.insertAccount(try account("bob@demo.test"))
        await #expect(throws: (any Error).self) { _ = try await store.deleteDomain(named: "demo.test") }
        #expect(try await store.domain(named: "demo.test") != nil)
    }
}
