import Foundation
import MailwardCore
import MailwardTesting
import StoreSQLite
import Testing

/// Share grants and the share use cases over every store.
@Suite struct ShareConformanceTests {
    struct Fixture {
        let service: ShareService
        let store: any ShareStore
        let security: any SecurityStore
        let office: Account, alice: Account, bob: Account
        let web = ClientContext(ip: "192.0.2.7")

        init(_ kind: StoreKind) async throws {
            let stores = try await kind.makeShareStores()
            let clock = FixedClock()
            let accounts = AccountService(store: stores.directory, clock: clock,
                                          hasher: PasswordHasher(parameters: ScryptParameters(logN: 4, r: 8, p: 1)))
            let env = SecurityEnvironment(accounts: accounts, store: stores.security, key: ServerKey.generate(SeededRandomSource(seed: 3)),
                                          settings: TwoStepSettings(), clock: clock, random: SeededRandomSource(seed: 4),
                                          sms: RecordingSMSSender())
            service = ShareService(env, store: stores.shares)
            store = stores.shares
            security = stores.security
            try await accounts.addDomain("demo.test")
            office = try await accounts.addAccount("office@demo.test", password: "Tea-Garden-42")
            alice = try await accounts.addAccount("alice@demo.test", password: "Tea-Garden-42")
            bob = try await accounts.addAccount("bob@demo.test", password: "Tea-Garden-42")
        }
    }

    /// B6: the end of a grant is stored, read back, changed and cleared by every store.
    @Test(arguments: StoreKind.allCases)
    func expiryRoundTrips(_ kind: StoreKind) async throws {
        let f = try await Fixture(kind)
        let end = Date(timeIntervalSince1970: 1_795_086_400)
        let grant = try await f.store.insertShare(ownerID: f.office.id, granteeID: f.alice.id, permission: .sendAs,
                                                  createdAt: Date(timeIntervalSince1970: 1_795_000_000), createdBy: f.office.id,
                                                  expiresAt: end)
        #expect(grant.expiresAt == end)
        #expect(try await f.store.share(id: grant.id)?.expiresAt == end)
        #expect(try await f.store.shares(granteeID: f.alice.id).first?.expiresAt == end)
        #expect(try await f.store.setShareExpiry(id: grant.id, expiresAt: nil))
        #expect(try await f.store.share(ownerID: f.office.id, granteeID: f.alice.id)?.expiresAt == nil)
        #expect(try await f.store.setShareExpiry(id: grant.id, expiresAt: end + 60))
        #expect(try await f.store.shares(ownerID: f.office.id).first?.expiresAt == end + 60)
        #expect(try await f.store.setShareExpiry(id: grant.id + 1000, expiresAt: nil) == false)
        let open = try await f.store.insertShare(ownerID: f.office.id, granteeID: f.bob.id, permission: .readOnly,
                                                 createdAt: end, createdBy: f.office.id)
        #expect(open.expiresAt == nil)
        let stored = try await f.store.share(id: open.id)
        #expect(stored != nil && stored?.expiresAt == nil)
    }

    @Test(arguments: StoreKind.allCases)
    func grantChangeRevoke(_ kind: StoreKind) async throws {
        let f = try await Fixture(kind)
        let granted = try await f.service.share(f.office, with: "Alice@demo.test", permission: .readOnly, context: f.web)
        #expect(granted.other.description == "alice@demo.test")
        #expect(try await f.service.access(of: f.alice.id, to: f.office.id) == .grantee(.readOnly))
        #expect(try await f.service.access(of: f.office.id, to: f.office.id) == .owner)
        #expect(try await f.service.access(of: f.bob.id, to: f.office.id) == AccessPolicy.Access.none)
        await #expect(throws: ShareError.alreadyShared("alice@demo.test")) {
            try await f.service.share(f.office, with: "alice@demo.test", permission: .sendAs, context: f.web)
        }
        await #expect(throws: ShareError.cannotShareWithSelf) {
            try await f.service.share(f.office, with: "office@demo.test", permission: .sendAs, context: f.web)
        }
        await #expect(throws: ShareError.unknownGrantee("nobody@demo.test")) {
            try await f.service.share(f.office, with: "nobody@demo.test", permission: .sendAs, context: f.web)
        }
        try await f.service.share(f.office, with: "bob@demo.test", permission: .sendOnBehalf, context: f.web)
        #expect(try await f.service.granted(by: f.office).map { "\($0.other) \($0.grant.permission.rawValue)" }
                == ["alice@demo.test read_only", "bob@demo.test send_on_behalf"])
        #expect(try await f.service.received(by: f.alice).map(\.other.description) == ["office@demo.test"])

        // Only the owner changes or revokes; effective at once.
        await #expect(throws: ShareError.notFound) {
            _ = try await f.service.changePermission(f.alice, shareID: granted.grant.id, to: .sendAs, context: f.web)
        }
        _ = try await f.service.changePermission(f.office, shareID: granted.grant.id, to: .sendAs, context: f.web)
        #expect(try await f.service.access(of: f.alice.id, to: f.office.id) == .grantee(.sendAs))
        try await f.service.revoke(f.office, shareID: granted.grant.id, context: f.web)
        #expect(try await f.service.access(of: f.alice.id, to: f.office.id) == AccessPolicy.Access.none)
        await #expect(throws: ShareError.notFound) { try await f.service.revoke(f.office, shareID: granted.grant.id, context: f.web) }

        // Every change is in the owner's audit log.
        let kinds = try await f.security.auditEvents(accountID: f.office.id, kinds: nil, limit: 20).map(\.kind)
        #expect(kinds.contains(.shareCreated) && kinds.contains(.shareChanged) && kinds.contains(.shareRevoked))
    }

    @Test(arguments: StoreKind.allCases)
    func authorizeFollowsTheTable(_ kind: StoreKind) async throws {
        let f = try await Fixture(kind)
        try await f.service.share(f.office, with: "alice@demo.test", permission: .sendOnBehalf, context: f.web)
        try await f.service.authorize(f.alice.id, .view, on: f.office.id)
        try await f.service.authorize(f.alice.id, .send, on: f.office.id)
        await #expect(throws: ShareError.denied(.changeUnread, .sendOnBehalf)) {
            try await f.service.authorize(f.alice.id, .changeUnread, on: f.office.id)
        }
        // A stranger learns nothing about the mailbox.
        await #expect(throws: ShareError.notFound) { try await f.service.authorize(f.bob.id, .view, on: f.office.id) }
        // A grantee cannot manage (or re-share) the owner's mailbox.
        await #expect(throws: ShareError.denied(.manage, .sendOnBehalf)) {
            try await f.service.authorize(f.alice.id, .manage, on: f.office.id)
        }
    }
}
