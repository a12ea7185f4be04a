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
                        "detail_text": .string(AuditText.shareDetail(kind: event.kind.rawValue, detail: event.detail, language: call.language)),
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
                                                     permission: permission, until: try Self.expiry(body, call.language) ?? nil,
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
                let expiry = try Self.expiry(body, call.language)
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

    /// `expires_at` of a request: absent (nil), `null` (.some(nil): until revoked), or an
    /// RFC 3339 time (`2027-01-31T23:59:59+08:00`).
    static func expiry(_ body: JSONBody, _ language: Language) throws -> Date?? {
        guard let raw = body.fields["expires_at"] else { return nil }
        if raw is NSNull { return .some(nil) }
        guard let text = raw as? String, let date = Self.rfc3339(text) else {
            throw APIFailure(status: .badRequest, code: "invalid_expiry",
                             message: language == .en ? "expires_at must be a time like 2027-01-31T23:59:59+08:00, or null."
                                 : "expires_at 须为 2027-01-31T23:59:59+08:00 这样的时间，或 null")
        }
        return .some(date)
    }

    /// An RFC 3339 time, strictly: `YYYY-MM-DDThh:mm:ss[.fraction](Z|±hh:mm)` naming a real
    /// moment (no 30 February, no 24:00, offsets within ±14:00). Foundation's parser alone rolls
    /// such values over silently.
    static func rfc3339(_ text: String) -> Date? {
        let bytes = Array(text.utf8)
        func digits(_ range: Range<Int>) -> Int? {
            guard range.upperBound <= bytes.count, range.allSatisfy({ (48...57).contains(bytes[$0]) }) else { return nil }
            return range.reduce(0) { $0 * 10 + Int(bytes[$1] - 48) }
        }
        guard bytes.count >= 20, bytes[4] == 45, bytes[7] == 45, bytes[10] == 84, bytes[13] == 58, bytes[16] == 58,
              let year = digits(0..<4), let month = digits(5..<7), let day = digits(8..<10),
              let hour = digits(11..<13), let minute = digits(14..<16), let second = digits(17..<19) else { return nil }
        var index = 19
        if bytes[index] == 46 {
            index += 1
            let start = index
            while index < bytes.count, (48...57).contains(bytes[index]) { index += 1 }
            guard index > start else { return nil }
        }
        guard index < bytes.count else { return nil }
        var offset = 0
        if bytes[index] == 90, index == bytes.count - 1 {
            offset = 0
        } else if bytes[index] == 43 || bytes[index] == 45, bytes.count == index + 6, bytes[index + 3] == 58,
                  let hours = digits(index + 1..<index + 3), let minutes = digits(index + 4..<index + 6), hours <= 14, minutes < 60 {
            offset = (hours * 3600 + minutes * 60) * (bytes[index] == 43 ? 1 : -1)
        } else {
            return nil
        }
        guard let zone = TimeZone(secondsFromGMT: offset), hour < 24, minute < 60, second < 60 else { return nil }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let parts = DateComponents(year: year, month: month, day: day, hour: hour, minute: minute, second: second)
        guard let date = calendar.date(from: parts),
              calendar.dateComponents([.year, .month, .day], from: date) == DateComponents(year: year, month: month, day: day) else {
            return nil
        }
        let fraction = text.utf8.count > 20 && bytes[19] == 46
            ? Double("0" + String(decoding: bytes[19..<index], as: UTF8.self)) ?? 0 : 0
        return date.addingTimeInterval(fraction)
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
