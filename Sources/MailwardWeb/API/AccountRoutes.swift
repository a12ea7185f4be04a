import Foundation
import Hummingbird
import MailwardCore

/// `/api/v1/account/password`: the user changes the account password (A13: other sessions,
/// trusted devices and client-specific passwords end; this session stays).
struct AccountRoutes {
    let handler: APIHandler

    func register(on api: APIRoutes) {
        let handler = self.handler
        api.post("account/password") { request, context in
            await handler.run(request, context) { call in
                let (session, token) = try await call.session(csrf: true)
                let body = try await call.body()
                try await call.security.passwordChange.change(
                    session.account, current: try body.string("current_password", call.language, maxLength: 1024),
                    new: try body.string("new_password", call.language, maxLength: 1024), keepingSession: token,
                    context: call.client)
                var response = JSONValue.object(["status": .string("ok")]).response()
                response.setCookie(CookieNames.expired(CookieNames.trustedDeviceName(
                    tag: call.security.signIn.deviceCookieTag(for: session.account.id))))
                return response
            }
        }
    }
}
