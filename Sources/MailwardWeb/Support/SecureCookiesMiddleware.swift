import Foundation
import HTTPTypes
import Hummingbird

/// The one place that marks cookies `Secure`: every cookie of a response, when `http.secure-cookies`
/// is set or the request reached a trusted proxy over HTTPS (``ClientAddressMiddleware``). The
/// routes write their cookies without the flag. An operator who forgot the setting behind a proxy
/// that says `X-Forwarded-Proto: https` so does not hand the session cookie to the browser's
/// plain-HTTP requests; the header can only add `Secure`, never take it away.
struct SecureCookiesMiddleware: RouterMiddleware {
    typealias Context = MailwardRequestContext
    /// `http.secure-cookies`.
    let always: Bool

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response = try await next(request, context)
        // Most responses set no cookie: their headers are left as they are.
        if always || context.viaHTTPS, response.headers.contains(where: { $0.name == .setCookie }) {
            response.headers = Self.securingCookies(response.headers)
        }
        return response
    }

    /// `fields` with `; Secure` added to each `Set-Cookie` that lacks it.
    static func securingCookies(_ fields: HTTPFields) -> HTTPFields {
        var secured = HTTPFields()
        for field in fields {
            guard field.name == .setCookie,
                  !field.value.split(separator: ";").contains(where: { $0.trimmingCharacters(in: .whitespaces).lowercased() == "secure" })
            else {
                secured.append(field)
                continue
            }
            secured.append(HTTPField(name: .setCookie, value: field.value + "; Secure"))
        }
        return secured
    }
}
