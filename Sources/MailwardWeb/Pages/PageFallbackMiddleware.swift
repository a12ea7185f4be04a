import Hummingbird
import MailwardCore

/// What a browser asking for a page that does not exist gets instead of the router's empty 404
/// (which the browser shows as its own error page): the site's "not found" page, with the way
/// back to the mailbox. The API keeps its JSON answers (``APIFallbackMiddleware``).
/// A signed-in visitor sees it in the signed-in frame (who is signed in, the mailbox, Settings),
/// like every other page; while the store cannot be reached, in the signed-out one.
struct PageFallbackMiddleware<Context: RequestContext>: RouterMiddleware {
    let renderer: PageRenderer
    let security: WebSecurity

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard request.method == .get || request.method == .head, !request.uri.path.hasPrefix("/api/") else {
            return try await next(request, context)
        }
        do {
            return try await next(request, context)
        } catch let error as HTTPError where error.status == .notFound {
            let en = request.language == .en
            var session: SignedInSession?
            if case .signedIn(let signedIn) = await PageSession.of(request, security) { session = signedIn }
            var response = renderer.page("gone", request, signedIn: session, values: [
                "title": PageText.strings(request.language)["not_found"] ?? "",
                "detail": en ? "There is no such page." : "该页面不存在。",
            ])
            response.status = .notFound
            return request.method == .head ? response.createHeadResponse() : response
        }
    }
}
