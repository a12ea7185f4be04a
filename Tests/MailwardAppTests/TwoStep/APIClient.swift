import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import Synchronization

/// A browser-like client of the JSON API over real HTTP: keeps cookies (set, replaced, expired)
/// and sends the CSRF token it was given at sign-in.
final class APIClient: Sendable {
    struct Reply: @unchecked Sendable {
        var status: Int
        var headers: HTTPHeaders
        var body: String
        /// The parsed JSON (object or array), if the body was JSON.
        var json: Any?

        var object: [String: Any] { json as? [String: Any] ?? [:] }
        var array: [[String: Any]] { json as? [[String: Any]] ?? [] }
        subscript(_ key: String) -> Any? { object[key] }
        var error: String? { object["error"] as? String }
        var setCookies: [String] { headers["Set-Cookie"] }
    }

    let base: String
    /// Sent with every request (a proxy's `X-Forwarded-For`, say).
    let headers: [(name: String, value: String)]
    private let state = Mutex<(cookies: [String: String], csrf: String?)>(([:], nil))

    init(port: Int, headers: [(name: String, value: String)] = []) {
        base = "http://127.0.0.1:\(port)"
        self.headers = headers
    }

    var csrf: String? {
        get { state.withLock { $0.csrf } }
        set { state.withLock { $0.csrf = newValue } }
    }

    func cookie(_ name: String) -> String? { state.withLock { $0.cookies[name] } }
    /// The names of the cookies the client holds that begin with `prefix`.
    func cookieNames(prefix: String) -> [String] { state.withLock { $0.cookies.keys.filter { $0.hasPrefix(prefix) }.sorted() } }
    func setCookie(_ name: String, _ value: String?) { state.withLock { $0.cookies[name] = value } }

    @discardableResult
    func call(_ method: HTTPMethod, _ path: String, _ body: [String: Any]? = nil, rawBody: String? = nil,
              contentType: String? = "application/json", sendCSRF: Bool = true,
              extraHeaders: [(String, String)] = []) async throws -> Reply {
        var request = HTTPClientRequest(url: base + path)
        request.method = method
        let (cookies, csrf) = state.withLock { ($0.cookies, $0.csrf) }
        if !cookies.isEmpty {
            request.headers.add(name: "Cookie", value: cookies.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: "; "))
        }
        if sendCSRF, let csrf { request.headers.add(name: "X-CSRF-Token", value: csrf) }
        request.headers.add(name: "User-Agent", value: "Mozilla/5.0 (X11; Linux x86_64) Chrome/120.0 Safari/537.36")
        for header in headers { request.headers.add(name: header.name, value: header.value) }
        for (name, value) in extraHeaders { request.headers.add(name: name, value: value) }
        if let body {
            if let contentType { request.headers.add(name: "Content-Type", value: contentType) }
            request.body = .bytes(ByteBuffer(data: try JSONSerialization.data(withJSONObject: body)))
        } else if let rawBody {
            if let contentType { request.headers.add(name: "Content-Type", value: contentType) }
            request.body = .bytes(ByteBuffer(string: rawBody))
        }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
        let bytes = try await response.body.collect(upTo: 4 * 1024 * 1024)
        let text = String(buffer: bytes)
        for header in response.headers["Set-Cookie"] {
            let pair = header.split(separator: ";", maxSplits: 1)[0].split(separator: "=", maxSplits: 1)
            guard pair.count >= 1 else { continue }
            let name = String(pair[0]).trimmingCharacters(in: .whitespaces)
            let value = pair.count == 2 ? String(pair[1]) : ""
            let expired = value.isEmpty || header.contains("Max-Age=0")
            state.withLock { $0.cookies[name] = expired ? nil : value }
        }
        let json = text.isEmpty ? nil : try? JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed])
        let reply = Reply(status: Int(response.status.code), headers: response.headers, body: text, json: json)
        if let token = reply.object["csrf_token"] as? String { self.csrf = token }
        return reply
    }
}

/// The data folder's SMS outbox, read as the tests' "phone".
struct Outbox {
    let path: String

    var lines: [[String: Any]] {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return [] }
        return text.split(separator: "\n").compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
    }

    var count: Int { lines.count }

    /// The code at the end of the latest message, checking it went to `phone`.
    func lastCode(to phone: String) -> String? {
        guard let last = lines.last, last["to"] as? String == phone, let text = last["text"] as? String else { return nil }
        let digits = String(text.reversed().prefix { $0.isNumber }.reversed())
        return digits.count == 6 ? digits : nil
    }
}
