import AsyncHTTPClient
import Foundation
import MailwardCore
import NIOCore

/// Tencent Cloud SMS (腾讯云短信) `SendSms`. Tencent answers HTTP 200 even for failures, so
/// success means: 2xx, no `Response.Error`, and the number's `SendStatusSet` entry has `Code` `Ok`.
public struct TencentSMSSender: SMSTemplateSender {
    public static let providerName = "tencent"

    private let settings: TencentSMSSettings
    private let delivery: HTTPDelivery
    private let clock: @Sendable () -> Date

    public init(
        settings: TencentSMSSettings,
        httpClient: HTTPClient,
        timeout: TimeAmount = .seconds(10),
        clock: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.settings = settings
        self.delivery = HTTPDelivery(httpClient: httpClient, timeout: timeout, provider: Self.providerName)
        self.clock = clock
    }

    public func send(_ message: SMSMessage) async throws {
        guard let templated = SMSTemplateMessage(message) else {
            throw delivery.failure("no verification code found in the message text")
        }
        try await send(templated)
    }

    public func send(_ message: SMSTemplateMessage) async throws {
        guard let request = TencentSendSmsRequest.prepare(message, settings: settings, at: clock()) else {
            throw delivery.failure("endpoint \(settings.endpoint.absoluteString) is not an http(s) URL")
        }
        let response = try await delivery.perform(request)
        if let problem = Self.problem(status: response.status, body: response.body) {
            throw delivery.failure(problem)
        }
    }

    /// `nil` when the answer reports success, else a log line describing the failure.
    static func problem(status: UInt, body: [UInt8]) -> String? {
        guard let envelope = try? JSONDecoder().decode(Envelope.self, from: Data(body)) else {
            return "HTTP \(status), unexpected answer: \(HTTPDelivery.excerpt(body))"
        }
        let answer = envelope.response
        let requestID = answer.requestID ?? "-"
        if let error = answer.error {
            return "HTTP \(status), Error \(error.code ?? "?"): \(error.message ?? "") (RequestId \(requestID))"
        }
        guard (200..<300).contains(status) else {
            return "HTTP \(status) (RequestId \(requestID))"
        }
        guard let statuses = answer.sendStatusSet, !statuses.isEmpty else {
            return "HTTP \(status), answer without SendStatusSet (RequestId \(requestID))"
        }
        if let failed = statuses.first(where: { $0.code != "Ok" }) {
            return "HTTP \(status), SendStatus \(failed.code ?? "?"): \(failed.message ?? "") (RequestId \(requestID))"
        }
        return nil
    }

    struct Envelope: Decodable {
        var response: Answer
        enum CodingKeys: String, CodingKey { case response = "Response" }
    }

    struct Answer: Decodable {
        var error: ErrorInfo?
        var sendStatusSet: [SendStatus]?
        var requestID: String?
        enum CodingKeys: String, CodingKey {
            case error = "Error"
            case sendStatusSet = "SendStatusSet"
            case requestID = "RequestId"
        }
    }

    struct ErrorInfo: Decodable {
        var code: String?
        var message: String?
        enum CodingKeys: String, CodingKey {
            case code = "Code"
            case message = "Message"
        }
    }

    struct SendStatus: Decodable {
        var code: String?
        var message: String?
        enum CodingKeys: String, CodingKey {
            case code = "Code"
            case message = "Message"
        }
    }
}
