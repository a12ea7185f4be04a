import HTTPTypes
import Hummingbird
import MailwardCore

/// Puts the real client's address into the context when a trusted proxy (`http.trusted-proxies`)
/// forwarded the request (``ForwardedClient``), before any route reads it.
struct ClientAddressMiddleware: RouterMiddleware {
    typealias Context = MailwardRequestContext
    let trustedProxies: [IPNetwork]

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let forwardedFor = request.headers[values: .xForwardedFor]
        guard let client = ForwardedClient.address(peer: context.clientIP, forwardedFor: forwardedFor,
                                                   trustedProxies: trustedProxies) else {
            return try await next(request, context)
        }
        var context = context
        context.viaProxy = true
        context.clientIP = client
        return try await next(request, context)
    }
}

extension HTTPField.Name {
    static let xForwardedFor = Self("X-Forwarded-For")!
}
