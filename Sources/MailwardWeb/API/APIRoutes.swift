import HTTPTypes
import Hummingbird

/// The `/api/v1` router group, remembering every route registered through it. The router
/// itself only knows "no match"; with the table a request that no route answers still gets the
/// contract's JSON error (`APIFallbackMiddleware`): 405 for a known path asked with another
/// method, 404 otherwise. Used while the application is set up, then dropped.
final class APIRoutes {
    private let group: RouterGroup<MailwardRequestContext>
    private let prefix: [Substring]
    private(set) var table = APIRouteTable(routes: [])

    init(router: Router<MailwardRequestContext>, prefix: String = "api/v1") {
        group = router.group(RouterPath(prefix))
        self.prefix = APIRouteTable.components(prefix)
    }

    typealias Handler = @Sendable (Request, MailwardRequestContext) async throws -> Response

    @discardableResult func get(_ path: String, use handler: @escaping Handler) -> Self { on(path, .get, handler) }
    @discardableResult func post(_ path: String, use handler: @escaping Handler) -> Self { on(path, .post, handler) }
    @discardableResult func put(_ path: String, use handler: @escaping Handler) -> Self { on(path, .put, handler) }
    @discardableResult func patch(_ path: String, use handler: @escaping Handler) -> Self { on(path, .patch, handler) }
    @discardableResult func delete(_ path: String, use handler: @escaping Handler) -> Self { on(path, .delete, handler) }

    private func on(_ path: String, _ method: HTTPRequest.Method, _ handler: @escaping Handler) -> Self {
        group.on(RouterPath(path), method: method, use: handler)
        table.routes.append((method, prefix + APIRouteTable.components(path)))
        return self
    }
}

/// The API's routes as path patterns (`:name` matches one segment).
struct APIRouteTable: Sendable {
    var routes: [(method: HTTPRequest.Method, pattern: [Substring])]

    static func components(_ path: String) -> [Substring] {
        path.split(separator: "/")
    }

    /// The methods some route answers for `path`, HEAD included wherever GET is (the router
    /// answers HEAD like GET). Empty when no route has this path. As in the router, a literal
    /// segment wins over a `:name` one: `/messages/send` is the send route's path only, not also
    /// `/messages/:id`'s.
    func methods(for path: String) -> [HTTPRequest.Method] {
        let segments = Self.components(path)
        let matching = routes.filter { route in
            route.pattern.count == segments.count && zip(route.pattern, segments).allSatisfy { $0.hasPrefix(":") || $0 == $1 }
        }
        func literals(_ pattern: [Substring]) -> [Bool] { pattern.map { !$0.hasPrefix(":") } }
        guard let best = matching.map({ literals($0.pattern) }).max(by: { $0.lexicographicallyPrecedes($1) { !$0 && $1 } }) else {
            return []
        }
        var methods: [HTTPRequest.Method] = []
        for route in matching where literals(route.pattern) == best {
            if !methods.contains(route.method) { methods.append(route.method) }
        }
        if methods.contains(.get) { methods.append(.head) }
        return methods.sorted { $0.rawValue < $1.rawValue }
    }
}

/// What a request under `/api/v1` that no route answered gets instead of the router's empty
/// 404: `{"error","message"}` — 405 `method_not_allowed` with an `Allow` header when the path
/// exists for other methods, 404 `not_found` otherwise. Requests outside the API pass on.
struct APIFallbackMiddleware<Context: RequestContext>: RouterMiddleware {
    let table: APIRouteTable
    var prefix = "/api/v1"

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let path = request.uri.path
        guard path == prefix || path.hasPrefix(prefix + "/") else { return try await next(request, context) }
        do {
            return try await next(request, context)
        } catch let error as HTTPError where error.status == .notFound {
            let response = fallback(request)
            return request.method == .head ? response.createHeadResponse() : response
        }
    }

    func fallback(_ request: Request) -> Response {
        let en = request.language == .en
        let allowed = table.methods(for: request.uri.path)
        guard !allowed.isEmpty else {
            return APIFailure(status: .notFound, code: "not_found",
                              message: en ? "There is no such API endpoint." : "接口不存在").response
        }
        let list = allowed.map(\.rawValue).joined(separator: ", ")
        var response = APIFailure(status: .methodNotAllowed, code: "method_not_allowed",
                                  message: en ? "\(request.method.rawValue) is not allowed here; use \(list)."
                                      : "此接口不支持 \(request.method.rawValue) 方法，可用：\(list)").response
        response.headers[.allow] = list
        return response
    }
}
