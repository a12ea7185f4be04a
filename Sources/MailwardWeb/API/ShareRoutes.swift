import Foundation
import Hummingbird
import MailwardCore

/// `/api/v1/shares`: the signed-in account shares its own mailbox (SPEC S). A grantee never
/// sees the owner's grant list and cannot re-share: every route acts on the session's own mailbox.
struct ShareRoutes {
    let handler: APIHandler
    let shares: ShareService

    func register(on api: APIRoutes) {
        let handler = self.handler
        let shares = self.shares
        api.get("shares") { request, context in
            await handler.run(request, context) { call in
                let (session, _) = try await call.session(csrf: false)
                let granted = try await shares.granted(by: session.account)
                let received = try await shares.received(by: session.account)
                return JSONValue.object([
                    "granted": .array(granted.map { Self.json($0, side: "grantee") }),
                    "received": .array(received.map { Self.json($0, side: "owner") }),
                ]).response()
            }
        }
        // The owner's view of what happened to the mailbox's shares: grant changes and every
        // action a grantee took in it (newest first, the last 50).
        api.get("shares/events") { request, context in
            await handler.run(request, context) { call in
                let (session, _) = try await call.session(csrf: false)
                let kinds: [AuditKind] = [.shareCreated, .shareChanged, .shareRevoked, .sharedMailboxAction]
                let events = try await shares.env.store.auditEvents(accountID: session.account.id, kinds: kinds, limit: 50)
                return JSONValue.array(events.map { event in
                    .object([
                        "at": .date(event.at), "kind": .string(event.kind.rawValue), "action": .optional(event.method),
                        "door": .optional(event.door), "ip": .optional(event.ip), "detail": .string(event.detail),
                        "detail_text": .string(AuditText.shareDetail(kind: event.kind.rawValue, detail: event.detail, door: event.door,
                                                                           language: call.language)),
                    ])
                }).response()
            }
        }
        api.post("shares") { request, context in
            await handler.run(request, context) { call in
                let (session, _) = try await call.session(csrf: true)
                let body = try await call.body()
                let permission = try Self.permission(body, call.language)
                let listing = try await shares.share(session.account, with: try body.string("grantee", call.language, maxLength: 320),
                                                     permission: permission, until: try body.expiry(call.language) ?? nil,
                                                     context: call.client)
                return Self.json(listing, side: "grantee").response(.created)
            }
        }
        api.patch("shares/:id") { request, context in
            await handler.run(request, context) { call in
                let (session, _) = try await call.session(csrf: true)
                guard let id = context.parameters.get("id").flatMap({ Int64($0) }) else { throw APIFailure.notFound(call.language) }
                let body = try await call.body()
                // Either or both: the permission, the end (`null`: until revoked) — both checked first.
                let expiry = try body.expiry(call.language)
                let permission = body.fields["permission"] != nil || expiry == nil ? try Self.permission(body, call.language) : nil
                let listing = try await shares.update(session.account, shareID: id, permission: permission, until: expiry,
                                                      context: call.client)
                return Self.json(listing, side: "grantee").response()
            }
        }
        api.delete("shares/:id") { request, context in
            await handler.run(request, context) { call in
                let (session, _) = try await call.session(csrf: true)
                guard let id = context.parameters.get("id").flatMap({ Int64($0) }) else { throw APIFailure.notFound(call.language) }
                try await shares.revoke(session.account, shareID: id, context: call.client)
                return Response(status: .noContent, headers: [.cacheControl: "no-store"])
            }
        }
    }

    static func permission(_ body: JSONBody, _ language: Language) throws -> SharePermission {
        guard let raw = body.optionalString("permission"), let permission = SharePermission(rawValue: raw) else {
            throw APIFailure(status: .badRequest, code: "invalid_permission",
                             message: language == .en ? "permission must be read_only, send_on_behalf or send_as."
                                 : "权限必须是 read_only、send_on_behalf 或 send_as")
        }
        return permission
    }

    static func json(_ listing: ShareListing, side: String) -> JSONValue {
        .object([
            "id": .int(Int(listing.grant.id)),
            side: .string(listing.other.description),
            "permission": .string(listing.grant.permission.rawValue),
            "created_at": .date(listing.grant.createdAt),
            "expires_at": .date(listing.grant.expiresAt),
        ])
    }
}
