import Foundation
import MailwardCore
import MailwardTesting
import Testing

/// SPEC B6: a grant with an end gives access until that moment and then none, in every door
/// (they all ask `ShareService`); the owner still sees it, and may give it a new end.
@Suite struct ShareExpiryTests {
    @Test func aGrantEndsByItselfAndCanBeRenewed() async throws {
        let clock = FixedClock()
        let accounts = AccountService(store: InMemoryDirectoryStore(), clock: clock,
                                      hasher: PasswordHasher(parameters: ScryptParameters(logN: 4, r: 8, p: 1)))
        let security = InMemorySecurityStore()
        let env = SecurityEnvironment(accounts: accounts, store: security, key: ServerKey.generate(SeededRandomSource(seed: 3)),
                                      settings: TwoStepSettings(), clock: clock, random: SeededRandomSource(seed: 4),
                                      sms: RecordingSMSSender())
        let shares = ShareService(env, store: InMemoryShareStore())
        try await accounts.addDomain("demo.test")
        let office = try await accounts.addAccount("office@demo.test", password: nil)
        let li = try await accounts.addAccount("li@demo.test", password: "Tea-Garden-42")
        let context = ClientContext(ip: "192.0.2.9")

        await #expect(throws: ShareError.invalidExpiry) {
            try await shares.share(office, with: "li@demo.test", permission: .sendAs, until: clock.now, context: context)
        }
        let listing = try await shares.share(office, with: "li@demo.test", permission: .sendAs,
                                             until: clock.now.addingTimeInterval(3600), context: context)
        #expect(try await shares.access(of: li.id, to: office.id) == .grantee(.sendAs))
        #expect(try await shares.received(by: li).count == 1)

        clock.advance(by: 3599)
        #expect(try await shares.authorize(li.id, .view, on: office.id) == .grantee(.sendAs))
        clock.advance(by: 1)
        #expect(try await shares.access(of: li.id, to: office.id) == .none)
        await #expect(throws: ShareError.notFound) { try await shares.authorize(li.id, .view, on: office.id) }
        #expect(try await shares.received(by: li).isEmpty)
        #expect(try await shares.activeGrants(granteeID: li.id).isEmpty)
        // The owner's list keeps it, with its end, to renew or remove.
        #expect(try await shares.granted(by: office).first?.grant.expiresAt == clock.now)
        // A refused end changes nothing, the permission given with it neither.
        await #expect(throws: ShareError.invalidExpiry) {
            try await shares.update(office, shareID: listing.grant.id, permission: .readOnly, until: .some(clock.now), context: context)
        }
        #expect(try await shares.granted(by: office).first?.grant.permission == .sendAs)

        await #expect(throws: ShareError.invalidExpiry) {
            try await shares.setExpiry(office, shareID: listing.grant.id, until: clock.now, context: context)
        }
        _ = try await shares.update(office, shareID: listing.grant.id, permission: nil, until: .some(nil), context: context)
        #expect(try await shares.access(of: li.id, to: office.id) == .grantee(.sendAs))
        // Sharing again with a running grant is refused; with an ended one it renews that grant
        // (permission and end as given now) — in every door, IMAP SETACL included.
        await #expect(throws: ShareError.alreadyShared("li@demo.test")) {
            try await shares.share(office, with: "li@demo.test", permission: .readOnly, context: context)
        }
        _ = try await shares.setExpiry(office, shareID: listing.grant.id, until: clock.now.addingTimeInterval(1), context: context)
        clock.advance(by: 1)
        #expect(try await shares.access(of: li.id, to: office.id) == .none)
        let renewed = try await shares.share(office, with: "li@demo.test", permission: .readOnly,
                                             until: clock.now.addingTimeInterval(60), context: context)
        #expect(renewed.grant.id == listing.grant.id && renewed.grant.permission == .readOnly)
        #expect(try await shares.access(of: li.id, to: office.id) == .grantee(.readOnly))
        let audit = Array(await security.auditEvents(accountID: office.id, kinds: [.shareCreated, .shareChanged], limit: 10).suffix(2))
        let end = ISO8601DateFormatter().string(from: Date(timeIntervalSince1970: 1_795_000_000 + 3600))
        #expect(audit.map(\.detail) == ["office@demo.test → li@demo.test: until revoked",
                                         "office@demo.test → li@demo.test: send_as until \(end)"])
    }
}
