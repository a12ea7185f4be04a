import Foundation
import Hummingbird
import MailwardCore

/// `GET /api/v1/users?q=PREFIX`: autocomplete of local users for the "share with" field.
///
/// Scope (a decision, not an accident): only the signed-in account's own domain is searched,
/// so a server hosting several organisations does not hand one organisation's directory to
/// another. Sharing with a local user of another domain still works by typing the whole
/// address. At most `limit` enabled accounts whose address or name starts with the prefix
/// (≥ 1 character, ≤ 100), the signed-in account itself left out.
struct LocalUserRoutes {
    let handler: APIHandler
    static let limit = 10

    func register(on api: APIRoutes) {
        let handler = self.handler
        api.get("users") { request, context in
            await handler.run(request, context) { call in
                let (session, _) = try await call.session(csrf: false)
                let prefix = (FormQuery.searchText(request.uri.query) ?? "").trimmingCharacters(in: .whitespaces).lowercased()
                guard !prefix.isEmpty, prefix.count <= 100 else {
                    throw APIFailure.badRequest(call.language, call.language == .en ? "q: 1 to 100 characters" : "q：1 到 100 个字符")
                }
                let me = session.account
                let candidates = try await call.security.env.accounts.store.accounts(inDomain: me.address.domain)
                let matches = candidates.filter { account in
                    account.id != me.id && !account.disabled
                        && (account.address.description.hasPrefix(prefix) || account.displayName.lowercased().hasPrefix(prefix))
                }.prefix(Self.limit)
                return JSONValue.array(Array(matches).map { account in
                    .object(["address": .string(account.address.description),
                             "name": account.displayName.isEmpty ? .null : .string(account.displayName)])
                }).response()
            }
        }
    }
}
