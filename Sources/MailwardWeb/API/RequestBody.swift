import Foundation
import Hummingbird
import MailwardCore
import MailwardNet
import NIOCore

/// Reads a small JSON object from a request body. Bodies are bounded (16 KiB: the API's
/// requests are a few fields) and anything that is not a JSON object is a 400.
///
/// A body must be declared `Content-Type: application/json` (415 otherwise). Besides being the
/// contract, this closes cross-site form posts: a plain HTML form can only send
/// `text/plain`, `application/x-www-form-urlencoded` or `multipart/form-data`, and a script on
/// another site cannot send `application/json` without a CORS preflight this server never grants.
/// `POST /session` (no CSRF token exists before sign-in) relies on it against login CSRF.
///
/// One exception, for scripts and tools: a JSON object sent with no `Content-Type` or with
/// `application/x-www-form-urlencoded` — what `curl -d` and Python's `urllib` send unless told
/// otherwise — is read as JSON when the request has no `Origin` header. Browsers send `Origin`
/// with every POST, PATCH and DELETE, from a form or a script, so nothing a page on another site
/// can make a browser send gets through this way.
struct JSONBody {
    static let limit = 16 * 1024
    let fields: [String: Any]
    /// The memory a large body (a message to send, a draft) holds of the server's message budget,
    /// for as long as the request keeps this value.
    var reservation: MemoryReservation?

    /// Reads and parses the body. With a `budget`, a body larger than its free first step takes
    /// from it (`MemoryReservation`), and the request is refused with 503 when the server is
    /// holding too many messages already.
    static func read(_ request: Request, language: Language, allowEmpty: Bool = false, limit: Int = JSONBody.limit,
                     budget: MessageMemoryBudget? = nil) async throws -> JSONBody {
        var request = request
        let declaredJSON = isJSON(request.headers[.contentType])
        let fromTool = !declaredJSON && request.headers[.origin] == nil && isToolDefault(request.headers[.contentType])
        if !declaredJSON && !fromTool && !allowEmpty { throw unsupportedMediaType(language) }
        let reservation = budget.map { MemoryReservation(budget: $0) }
        let buffer = try await collect(&request, upTo: limit, reservation: reservation, language: language)
        if buffer.readableBytes == 0 {
            if allowEmpty { return JSONBody(fields: [:]) }
            throw APIFailure.badRequest(language)
        }
        guard declaredJSON || fromTool else { throw unsupportedMediaType(language) }
        guard let object = try? JSONSerialization.jsonObject(with: Data(buffer.readableBytesView)) as? [String: Any] else {
            // Undeclared and not JSON (a real form's fields): the type is what is wrong.
            throw declaredJSON ? APIFailure.badRequest(language) : unsupportedMediaType(language)
        }
        return JSONBody(fields: object, reservation: reservation)
    }

    /// The whole body, at most `limit` bytes (413 past it), covered by `reservation` as it
    /// arrives (503 when the budget runs out).
    static func collect(_ request: inout Request, upTo limit: Int, reservation: MemoryReservation?,
                        language: Language) async throws -> ByteBuffer {
        let tooLarge = APIFailure(status: .contentTooLarge, code: "too_large",
                                  message: language == .en ? "The request body is too large." : "请求内容过大")
        if let declared = request.headers[.contentLength].flatMap(Int.init), declared > limit { throw tooLarge }
        var buffer = ByteBuffer()
        do {
            for try await var piece in request.body {
                guard buffer.readableBytes + piece.readableBytes <= limit else { throw tooLarge }
                if let reservation, !reservation.cover(buffer.readableBytes + piece.readableBytes) {
                    throw APIFailure.busyReceiving(language)
                }
                buffer.writeBuffer(&piece)
            }
        } catch let failure as APIFailure {
            throw failure
        } catch {
            // The body broke off (the connection, or HTTP framing).
            throw APIFailure.badRequest(language)
        }
        request.body = .init(buffer: buffer)
        return buffer
    }

    /// No type, or the form type tools send by default (`curl -d`, `urllib`).
    static func isToolDefault(_ contentType: String?) -> Bool {
        guard let contentType else { return true }
        let essence = contentType.split(separator: ";", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
        return essence.trimmingCharacters(in: .whitespaces).lowercased() == "application/x-www-form-urlencoded"
    }

    /// `application/json`, with or without parameters (`; charset=utf-8`).
    static func isJSON(_ contentType: String?) -> Bool {
        guard let contentType else { return false }
        let essence = contentType.split(separator: ";", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
        return essence.trimmingCharacters(in: .whitespaces).lowercased() == "application/json"
    }

    static func unsupportedMediaType(_ language: Language) -> APIFailure {
        APIFailure(status: .unsupportedMediaType, code: "unsupported_media_type",
                   message: language == .en ? "The request body must be JSON (Content-Type: application/json)."
                       : "请求内容须为 JSON（Content-Type: application/json）")
    }

    /// A required string field (at most `maxLength` characters).
    func string(_ key: String, _ language: Language, maxLength: Int = 512) throws -> String {
        guard let raw = fields[key], !(raw is NSNull) else {
            throw APIFailure.badRequest(language, language == .en ? "Field \"\(key)\" is missing." : "缺少字段 \(key)")
        }
        guard let value = raw as? String else {
            throw APIFailure.badRequest(language, language == .en ? "Field \"\(key)\" must be text." : "字段 \(key) 须为文本")
        }
        guard value.count <= maxLength else {
            throw APIFailure.badRequest(language, language == .en ? "Field \"\(key)\" is longer than \(maxLength) characters."
                                            : "字段 \(key) 超过 \(maxLength) 个字符")
        }
        return value
    }

    /// A required binary field sent as base64url (WebAuthn's values).
    func base64url(_ key: String, _ language: Language, maxLength: Int = 8_192) throws -> [UInt8] {
        guard let bytes = Base64URL.decode(try string(key, language, maxLength: maxLength)) else {
            throw APIFailure.badRequest(language, language == .en ? "Field \"\(key)\" must be base64url." : "字段 \(key) 须为 base64url 编码")
        }
        return bytes
    }

    /// Text fields are JSON strings only: a number or `true` where text belongs is a malformed request.
    func optionalString(_ key: String) -> String? {
        fields[key] as? String
    }

    /// An optional JSON boolean: absent or null is `false`; any other type (`"yes"`, `1`) is a 400.
    func bool(_ key: String, _ language: Language) throws -> Bool {
        guard let raw = fields[key], !(raw is NSNull) else { return false }
        guard let value = Self.strictBool(raw) else {
            throw APIFailure.badRequest(language, language == .en ? "Field \"\(key)\" must be true or false." : "字段 \(key) 须为 true 或 false")
        }
        return value
    }

    /// `true`/`false` only. Foundation bridges JSON numbers to `Bool` too (`1 as? Bool` is
    /// true), so the number's storage type tells a JSON boolean from a number.
    static func strictBool(_ value: Any) -> Bool? {
        guard let number = value as? NSNumber, !(value is String), String(cString: number.objCType) == "c" else { return nil }
        return number.boolValue
    }
}
