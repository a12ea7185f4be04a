import Foundation
import Testing

/// `/api/v1/shares` over real HTTP: the contract's shapes, statuses, CSRF and ownership.
@Suite(.serialized) struct ShareAPITests {
    func signIn(_ server: TwoStepServer, _ address: String) async throws -> APIClient {
        let client = server.client()
        let reply = try await client.call(.POST, "/api/v1/session", ["username": address, "password": "Tea-Garden-42"])
        #expect(reply["status"] as? String == "ok", "\(reply.body)")
        return client
    }

    @Test func shareListChangeRevoke() async throws {
        let server = try await TwoStepServer.start()
        defer { Task { try? await server.stop() } }
        for user in ["office@demo.test", "alice@demo.test", "bob@demo.test"] { try await server.addUser(user) }
        let office = try await signIn(server, "office@demo.test")
        let alice = try await signIn(server, "alice@demo.test")

        var reply = try await office.call(.GET, "/api/v1/shares")
        #expect(reply.status == 200)
        #expect((reply["granted"] as? [Any])?.isEmpty == true && (reply["received"] as? [Any])?.isEmpty == true)

        // CSRF is required.
        reply = try await office.call(.POST, "/api/v1/shares", ["grantee": "alice@demo.test", "permission": "read_only"], sendCSRF: false)
        #expect(reply.status == 403 && reply.error == "csrf_failed")

        reply = try await office.call(.POST, "/api/v1/shares", ["grantee": "alice@demo.test", "permission": "read_only"])
        #expect(reply.status == 201, "\(reply.body)")
        #expect(reply["grantee"] as? String == "alice@demo.test")
        #expect(reply["permission"] as? String == "read_only")
        let id = try #require(reply["id"] as? Int)

        for (body, status, code) in [
            (["grantee": "alice@demo.test", "permission": "send_as"], 409, "already_shared"),
            (["grantee": "office@demo.test", "permission": "send_as"], 400, "cannot_share_with_self"),
            (["grantee": "nobody@demo.test", "permission": "send_as"], 404, "unknown_grantee"),
            (["grantee": "bob@demo.test", "permission": "admin"], 400, "invalid_permission"),
        ] {
            reply = try await office.call(.POST, "/api/v1/shares", body)
            #expect(reply.status == status && reply.error == code, "\(body): \(reply.body)")
            #expect((reply["message"] as? String)?.isEmpty == false)
        }

        reply = try await alice.call(.GET, "/api/v1/shares")
        let received = try #require(reply["received"] as? [[String: Any]])
        #expect(received.count == 1)
        #expect(received.first?["owner"] as? String == "office@demo.test")
        #expect(received.first?["permission"] as? String == "read_only")
        #expect(received.first?["id"] as? Int == id)

        // The grantee can neither change nor revoke the owner's grant.
        reply = try await alice.call(.PATCH, "/api/v1/shares/\(id)", ["permission": "send_as"])
        #expect(reply.status == 404 && reply.error == "not_found")
        reply = try await alice.call(.DELETE, "/api/v1/shares/\(id)")
        #expect(reply.status == 404)

        reply = try await office.call(.PATCH, "/api/v1/shares/\(id)", ["permission": "send_on_behalf"])
        #expect(reply.status == 200 && reply["permission"] as? String == "send_on_behalf", "\(reply.body)")
        reply = try await alice.call(.GET, "/api/v1/shares")
        #expect((reply["received"] as? [[String: Any]])?.first?["permission"] as? String == "send_on_behalf")

        // B6: an end, set and cleared through PATCH; a time past or not a time is refused.
        reply = try await office.call(.PATCH, "/api/v1/shares/\(id)", ["expires_at": "2099-12-31T16:00:00Z"])
        #expect(reply.status == 200 && reply["expires_at"] as? String == "2099-12-31T16:00:00Z", "\(reply.body)")
        #expect(reply["permission"] as? String == "send_on_behalf", "the permission stays")
        reply = try await alice.call(.GET, "/api/v1/shares")
        #expect((reply["received"] as? [[String: Any]])?.first?["expires_at"] as? String == "2099-12-31T16:00:00Z")
        for value in ["2001-01-01T00:00:00Z", "next week", "2099-02-30T00:00:00Z", "2099-12-31T24:00:00Z", "2099-01-01T00:00:00+99:99",
                      " 2099-01-01T00:00:00Z", "10000-01-01T00:00:00Z", "2099-01-01T00:00:00Z\u{0}", "2099-01-01"] {
            reply = try await office.call(.PATCH, "/api/v1/shares/\(id)", ["expires_at": value])
            #expect(reply.status == 400 && reply.error == "invalid_expiry", "\(value): \(reply.body)")
        }
        // A refused end leaves the permission sent with it unapplied.
        reply = try await office.call(.PATCH, "/api/v1/shares/\(id)", ["permission": "send_as", "expires_at": "2001-01-01T00:00:00Z"])
        #expect(reply.status == 400)
        reply = try await alice.call(.GET, "/api/v1/shares")
        #expect((reply["received"] as? [[String: Any]])?.first?["permission"] as? String == "send_on_behalf")
        reply = try await office.call(.PATCH, "/api/v1/shares/\(id)", ["expires_at": "2099-06-01T08:30:00.250+08:00"])
        #expect(reply["expires_at"] as? String == "2099-06-01T00:30:00Z", "\(reply.body)")
        reply = try await office.call(.PATCH, "/api/v1/shares/\(id)", ["expires_at": NSNull()])
        #expect(reply.status == 200 && reply["expires_at"] is NSNull, "\(reply.body)")
        reply = try await office.call(.POST, "/api/v1/shares", ["grantee": "bob@demo.test", "permission": "read_only",
                                                               "expires_at": "2099-01-31T16:00:00.000Z"])
        #expect(reply.status == 201 && reply["expires_at"] as? String == "2099-01-31T16:00:00Z", "\(reply.body)")

        reply = try await office.call(.DELETE, "/api/v1/shares/\(id)")
        #expect(reply.status == 204)
        reply = try await alice.call(.GET, "/api/v1/shares")
        #expect((reply["received"] as? [Any])?.isEmpty == true)
        reply = try await office.call(.DELETE, "/api/v1/shares/\(id)")
        #expect(reply.status == 404)

        // Signed out: 401.
        reply = try await server.client().call(.GET, "/api/v1/shares")
        #expect(reply.status == 401 && reply.error == "unauthorized")
    }
}
