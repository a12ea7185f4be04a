import Foundation
import HTTPTypes
import Hummingbird
import MailwardCore

/// Puts the real client's address into the context when a trusted proxy (`http.trusted-proxies`)
/// forwarded the request (``ForwardedClient``), before any route reads it.
///
/// A trusted proxy that says the client spoke HTTPS to it (`X-Forwarded-Proto: https`, as nginx's
/// `proxy_set_header X-Forwarded-Proto $scheme` writes) also gets every cookie of the response
/// marked `Secure`, whatever `http.secure-cookies` says: a proxy that terminates TLS is what that
/// setting exists for, and an operator who forgot it would otherwise hand the session cookie to
/// any plain-HTTP request of the browser's. (Only stricter: the header can never take `Secure` away.)
struct ClientAddressMiddleware: RouterMiddleware {
    typealias Context = MailwardRequestContext
    let trustedProxies: [IPNetwork]

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let peerIsTrusted = IPAddressBytes(context.clientIP).map { peer in trustedProxies.contains { $0.contains(peer) } } ?? false
        guard peerIsTrusted else { return try await next(request, context) }
        var context = context
        if let client = ForwardedClient.address(peer: context.clientIP, forwardedFor: request.headers[values: .xForwardedFor],
                                                trustedProxies: trustedProxies) {
            context.viaProxy = true
            context.clientIP = client
        }
        var response = try await next(request, context)
        if Self.clientUsedHTTPS(request.headers[values: .xForwardedProto]) {
            response.headers = Self.securingCookies(response.headers)
        }
        return response
    }

    /// The scheme the first proxy (the one the browser reached) wrote: the header's first entry.
    static func clientUsedHTTPS(_ forwardedProto: [String]) -> Bool {
        guard let first = forwardedProto.first?.split(separator: ",").first else { return false }
        return first.trimmingCharacters(in: .whitespaces).lowercased() == "https"
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

extension HTTPField.Name {
    static let xForwardedFor = Self("X-Forwarded-For")!
    static let xForwardedProto = Self("X-Forwarded-Proto")!
}
