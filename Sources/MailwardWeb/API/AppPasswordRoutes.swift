import Foundation
import Hummingbird
import MailwardCore

/// `/api/v1/app-passwords`: client-specific passwords (A7). The password itself appears in
/// exactly one answer, the 201 of its creation.
struct AppPasswordRoutes {
    let handler: APIHandler

    func register(on api: APIRoutes) {
        let handler = self.handler
        api.get("app-passwords") { request, context in
            await handler.run(request, context) { call in
                let (session, _) = try await call.session(csrf: false)
                return JSONValue.array(try await call.security.appPasswords.list(session.account).map { Self.json($0, now: call.security.env.clock.now) }).response()
            }
        }
        api.post("app-passwords") { request, context in
            await handler.run(request, context) { call in
                let (session, _) = try await call.session(csrf: true)
                let body = try await call.body()
                let created = try await call.security.appPasswords.create(session.account, name: try Self.name(body, call.language),
                                                                          scope: try Self.scope(body, call.language),
                                                                          context: call.client)
                guard case .object(var fields) = Self.json(created.record, now: call.security.env.clock.now) else { throw APIFailure.internalError(call.language) }
                fields["password"] = .string(created.password)
                return JSONValue.object(fields).response(.created)
            }
        }
        api.delete("app-passwords/:id") { request, context in
            await handler.run(request, context) { call in
                let (session, _) = try await call.session(csrf: true)
                guard let id = context.parameters.get("id").flatMap({ Int64($0) }) else { throw APIFailure.notFound(call.language) }
                try await call.security.appPasswords.revoke(session.account, id: id, context: call.client)
                return Response(status: .noContent, headers: [.cacheControl: "no-store"])
            }
        }
    }

    /// The `name` field as text. Its rules (1–64 characters, no control characters) are Core's
    /// (`AppPasswordFormat.validName`), so a name that is too long or not text at all gets the
    /// same 400 `invalid_name` and message; only a missing field is a plain `bad_request`.
    static func name(_ body: JSONBody, _ language: Language) throws -> String {
        guard let raw = body.fields["name"], !(raw is NSNull) else { return try body.string("name", language) }
        guard let name = raw as? String else { throw TwoStepError.invalidName }
        return name
    }

    /// The scope fields (B4), each optional: `protocols` (a non-empty list of `imap`, `pop3`,
    /// `smtp`; all three when absent), `read_only` (false when absent), `expires_at` (RFC 3339,
    /// or null / absent: until deleted). Core checks the combination (`invalid_scope`).
    static func scope(_ body: JSONBody, _ language: Language) throws -> AppPasswordScope {
        var scope = AppPasswordScope.unrestricted
        if let raw = body.fields["protocols"], !(raw is NSNull) {
            guard let names = raw as? [Any] else { throw badProtocols(language) }
            scope.doors = []
            for case let name in names {
                guard let text = name as? String, let door = DoorKind(rawValue: text.lowercased()),
                      AppPasswordScope.mailDoors.contains(door) else { throw badProtocols(language) }
                scope.doors.insert(door)
            }
        }
        scope.readOnly = try body.bool("read_only", language)
        scope.expiresAt = try body.expiry(language) ?? nil
        return scope
    }

    private static func badProtocols(_ language: Language) -> APIFailure {
        APIFailure(status: .badRequest, code: "invalid_scope",
                   message: language == .en ? "protocols must be a list of \"imap\", \"pop3\" and \"smtp\"."
                       : "protocols 须为 \"imap\"、\"pop3\"、\"smtp\" 组成的列表")
    }

    static func json(_ record: AppPassword, now: Date) -> JSONValue {
        .object([
            "id": .int(Int(record.id)), "name": .string(record.name), "created_at": .date(record.createdAt),
            "last_used_at": .date(record.lastUsedAt), "last_used_protocol": .optional(record.lastUsedProtocol),
            "last_used_ip": .optional(record.lastUsedIP), "last_used_client": .optional(record.lastUsedClient),
            "protocols": .array(record.scope.doorNames.map { .string($0) }), "read_only": .bool(record.scope.readOnly),
            "expires_at": .date(record.scope.expiresAt), "expired": .bool(record.scope.isExpired(at: now)),
        ])
    }
}
