import Foundation
import Hummingbird
import MailwardCore
import NIOCore

/// An API refusal: `{"error":"<code>","message":"…"}` with its HTTP status, plus
/// `retry_after` (and a `Retry-After` header) for 429 and 503 answers.
struct APIFailure: Error {
    var status: HTTPResponse.Status
    var code: String
    var message: String
    var retryAfter: Int?
    var triesLeft: Int?

    static func badRequest(_ language: Language, _ detail: String? = nil) -> APIFailure {
        APIFailure(status: .badRequest, code: "bad_request",
                   message: detail ?? (language == .en ? "The request is malformed." : "请求格式不正确"))
    }

    /// 400 with a detail in the reader's language.
    static func badRequest(_ language: Language, en: String, zh: String) -> APIFailure {
        badRequest(language, language == .en ? en : zh)
    }

    static func unauthorized(_ language: Language) -> APIFailure {
        APIFailure(status: .unauthorized, code: "unauthorized",
                   message: language == .en ? "Please sign in." : "请先登录")
    }

    static func csrf(_ language: Language) -> APIFailure {
        APIFailure(status: .forbidden, code: "csrf_failed",
                   message: language == .en ? "Missing or wrong X-CSRF-Token; reload the page." : "安全令牌无效，请刷新页面后重试")
    }

    static func notFound(_ language: Language) -> APIFailure {
        APIFailure(status: .notFound, code: "not_found", message: TwoStepError.notFound.message(language))
    }

    static func internalError(_ language: Language) -> APIFailure {
        APIFailure(status: .internalServerError, code: "internal_error",
                   message: language == .en ? "Something went wrong; please try again." : "服务器内部错误，请稍后重试")
    }

    /// The store cannot be reached (`StoreError.unavailable`): 503, try again in a while.
    static func unavailable(_ language: Language) -> APIFailure {
        APIFailure(status: .serviceUnavailable, code: "unavailable",
                   message: language == .en ? "Mail storage is unavailable right now; please try again shortly." : "邮件存储暂时不可用，请稍后重试",
                   retryAfter: 30)
    }

    /// The server holds as many messages being received as its memory allows
    /// (`connections.message-memory`): 503, try again in a moment.
    static func busyReceiving(_ language: Language) -> APIFailure {
        APIFailure(status: .serviceUnavailable, code: "busy",
                   message: language == .en ? "The server is busy receiving other messages; please try again shortly." : "服务器正忙，请稍后重试",
                   retryAfter: 10)
    }

    /// The web door's connection limits are reached (``ConnectionLimitHandler``).
    static func tooManyConnections(_ language: Language, retryAfter: Int) -> APIFailure {
        APIFailure(status: .serviceUnavailable, code: "too_many_connections",
                   message: language == .en ? "Too many connections from your address; please try again shortly." : "来自您地址的连接过多，请稍后重试",
                   retryAfter: retryAfter)
    }

    init(status: HTTPResponse.Status, code: String, message: String, retryAfter: Int? = nil, triesLeft: Int? = nil) {
        self.status = status
        self.code = code
        self.message = message
        self.retryAfter = retryAfter
        self.triesLeft = triesLeft
    }

    init(_ error: TwoStepError, _ language: Language) {
        let status: HTTPResponse.Status
        switch error {
        case .invalidCredentials, .invalidChallenge: status = .unauthorized
        case .cooldown, .rateLimited, .codeLimit: status = .tooManyRequests
        case .smsFailed: status = .badGateway
        case .smsBudgetExhausted: status = .serviceUnavailable
        case .notFound: status = .notFound
        case .enforced: status = .forbidden
        case .notEnabled, .appPasswordLimit, .securityKeyLimit, .methodNotAvailable: status = .conflict
        case .codeMissing, .proofMissing, .invalidCode, .codeExpired, .tooManyAttempts, .tooManyWrongCodes, .setupExpired, .wrongAuthenticatorCode, .securityKeyRefused,
             .invalidPhone, .invalidName,
             .invalidScope, .phoneCountryNotAllowed,
             .wrongPassword, .weakPassword: status = .badRequest
        }
        var triesLeft: Int?
        if case .invalidCode(let left) = error { triesLeft = left }
        self.init(status: status, code: error.code, message: error.message(language), retryAfter: error.retryAfter,
                  triesLeft: triesLeft)
    }

    init(_ error: ShareError, _ language: Language) {
        let status: HTTPResponse.Status
        switch error {
        case .unknownGrantee, .notFound: status = .notFound
        case .cannotShareWithSelf, .invalidExpiry: status = .badRequest
        case .alreadyShared: status = .conflict
        case .denied: status = .forbidden
        }
        self.init(status: status, code: error.code, message: error.message(chinese: language != .en))
    }

    /// The body: `{"error","message"}` and the optional fields.
    var json: JSONValue {
        var object: [String: JSONValue] = ["error": .string(code), "message": .string(message)]
        if let retryAfter { object["retry_after"] = .int(retryAfter) }
        if let triesLeft { object["tries_left"] = .int(triesLeft) }
        return .object(object)
    }

    var response: Response {
        var response = json.response(status)
        if let retryAfter { response.headers[.retryAfter] = String(retryAfter) }
        return response
    }
}
