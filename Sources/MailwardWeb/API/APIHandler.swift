import HTTPTypes
import Hummingbird
import Logging
import MailwardCore
import MailwardNet

/// Runs one API handler and turns every error into the contract's error shape. This is the one
/// place an unknown error becomes "internal error" (DESIGN principle 6): the log gets the reason,
/// the client a generic text.
struct APIHandler: Sendable {
    let security: WebSecurity
    let logger: Logger

    func run(_ request: Request, _ context: MailwardRequestContext,
             _ body: @Sendable (APICall) async throws -> Response) async -> Response {
        let call = APICall(request: request, context: context, security: security)
        do {
            return try await body(call)
        } catch let failure as APIFailure {
            return failure.response
        } catch let error as TwoStepError {
            // A failed SMS is logged with its reason by the provider's sender (FailureLoggingSMSSender).
            if error == .smsBudgetExhausted {
                logger.error("SMS not sent: two-step.monthly-sms-limit is reached for this month", metadata: ["path": "\(request.uri.path)"])
            }
            return APIFailure(error, call.language).response
        } catch let error as ShareError {
            return APIFailure(error, call.language).response
        } catch StoreError.unavailable(let reason) {
            logger.warning("API request failed: the store is unavailable", metadata: ["path": "\(request.uri.path)", "reason": "\(reason)"])
            return APIFailure.unavailable(call.language).response
        } catch {
            logger.error("API request failed", metadata: ["path": "\(request.uri.path)", "error": "\(error)"])
            return APIFailure.internalError(call.language).response
        }
    }
}

/// One request as the handlers see it: who asks, in which language, and helpers to require a
/// signed-in session with a valid CSRF token.
struct APICall: Sendable {
    let request: Request
    let context: MailwardRequestContext
    let security: WebSecurity

    var language: Language { request.language }

    var client: ClientContext {
        ClientContext(ip: context.clientIP, userAgent: request.headers[.userAgent], language: language)
    }

    func body(allowEmpty: Bool = false, limit: Int = JSONBody.limit, budget: MessageMemoryBudget? = nil) async throws -> JSONBody {
        try await JSONBody.read(request, language: language, allowEmpty: allowEmpty, limit: limit, budget: budget)
    }

    /// The signed-in session; for state-changing requests also the `X-CSRF-Token` check.
    func session(csrf: Bool) async throws -> (SignedInSession, token: String) {
        guard let token = request.cookie(CookieNames.session),
              let session = try await security.sessions.resolve(token: token) else {
            throw APIFailure.unauthorized(language)
        }
        if csrf, !security.sessions.checkCSRF(sessionToken: token, presented: request.headers[.csrfToken]) {
            throw APIFailure.csrf(language)
        }
        return (session, token)
    }
}

extension HTTPField.Name {
    static let csrfToken = HTTPField.Name("X-CSRF-Token")!
}
