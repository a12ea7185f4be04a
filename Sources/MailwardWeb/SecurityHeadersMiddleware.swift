import HTTPTypes
import Hummingbird

/// Headers every response carries: no MIME sniffing, no framing by other sites, no referrer
/// leaking message ids to remote hosts. Added first (around every route) and last (around the
/// router's own "no such route"), see `WebDoor`.
struct SecurityHeadersMiddleware<Context: RequestContext>: RouterMiddleware {
    static var policy: String {
        "default-src 'self'; frame-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'; object-src 'none'"
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response: Response
        do {
            response = try await next(request, context)
        } catch let error as any HTTPResponseError {
            // An error answer (a thrown 404, 400 …) carries the headers too.
            response = try error.response(from: request, context: context)
        }
        response.headers[.xContentTypeOptions] = "nosniff"
        response.headers[.mailwardReferrerPolicy] = "no-referrer"
        // A response with its own policy (the sandboxed message body) keeps it.
        if response.headers[.contentSecurityPolicy] == nil {
            response.headers[.contentSecurityPolicy] = Self.policy
        }
        if response.headers[.mailwardFrameOptions] == nil {
            response.headers[.mailwardFrameOptions] = "DENY"
        }
        return response
    }
}

extension HTTPField.Name {
    /// Not among swift-http-types' predefined names.
    static let mailwardReferrerPolicy = HTTPField.Name("Referrer-Policy")!
    static let mailwardFrameOptions = HTTPField.Name("X-Frame-Options")!
}
