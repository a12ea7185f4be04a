import Foundation
import Hummingbird
import MailwardCore

/// `/api/v1/app-passwords`: client-specific passwords (A7). The password itself appears in
/// exactly one answer, the 201 of its creation.
struct AppPasswordRoutes {
    let handler: APIHandler

    func register(on api: RouterGroup<MailwardRequestContext>) {
        let handler = self.handler
        api.get("app-passwords") { request, context in
            await handler.run(request, context) { call in
                let (session, _) = try await call.session(csrf: false)
                return JSONValue.array(try await call.security.appPasswords.list(session.account).map(Self.json)).response()
            }
        }
        api.post("app-passwords") { request, context in
            await handler.run(request, context) { call in
                let (session, _) = try await call.session(csrf: true)
                let body = try await call.body()
                let created = try await call.security.appPasswords.create(
                    session.account, name: try body.string("name", call.language, maxLength: 200), context: call.client)
                guard case .object(var fields) = Self.json(created.record) else { throw APIFailure.internalError(call.language) }
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

    static func json(_ record: AppPassword) -> JSONValue {
        .object([
            "id": .int(Int(record.id)), "name": .string(record.name), "created_at": .date(record.createdAt),
            "last_used_at": .date(record.lastUsedAt), "last_used_protocol": .optional(record.lastUsedProtocol),
            "last_used_ip": .optional(record.lastUsedIP),
        ])
    }
}
