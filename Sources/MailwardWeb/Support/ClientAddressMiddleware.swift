import Foundation
import HTTPTypes
import Hummingbird
import MailwardCore

/// Puts what a trusted proxy (`http.trusted-proxies`) says about the client into the context,
/// before any route reads it: the client's address (``ForwardedClient``, from
/// `X-Forwarded-For`) and whether it spoke HTTPS to the proxy (`X-Forwarded-Proto: https`, as
/// nginx's `proxy_set_header X-Forwarded-Proto $scheme` writes). An untrusted peer's headers are
/// ignored.
struct ClientAddressMiddleware: RouterMiddleware {
    typealias Context = MailwardRequestContext
    let trustedProxies: [IPNetwork]

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard trustedProxies.contains(address: context.clientIP) else { return try await next(request, context) }
        var context = context
        if let client = ForwardedClient.address(peer: context.clientIP, forwardedFor: request.headers[values: .xForwardedFor],
                                                trustedProxies: trustedProxies) {
            context.viaProxy = true
            context.clientIP = client
        }
        context.viaHTTPS = Self.clientUsedHTTPS(request.headers[values: .xForwardedProto])
        return try await next(request, context)
    }

    /// The scheme the first proxy (the one the browser reached) wrote: the header's first entry.
    static func clientUsedHTTPS(_ forwardedProto: [String]) -> Bool {
        guard let first = forwardedProto.first?.split(separator: ",").first else { return false }
        return first.trimmingCharacters(in: .whitespaces).lowercased() == "https"
    }
}

extension HTTPField.Name {
    static let xForwardedFor = Self("X-Forwarded-For")!
    static let xForwardedProto = Self("X-Forwarded-Proto")!
}
