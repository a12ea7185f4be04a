import AsyncHTTPClient
import Foundation
import MailwardCore
import NIOCore

/// Alibaba Cloud SMS (阿里云短信服务) `SendSms`. Success is HTTP 2xx with `"Code":"OK"`;
/// any other code (e.g. `isv.BUSINESS_LIMIT_CONTROL`) or status is an `SMSDeliveryError`.
public struct AliyunSMSSender: SMSTemplateSender {
    public static let providerName = "aliyun"

    private let settings: AliyunSMSSettings
    private let delivery: HTTPDelivery
    private let clock: @Sendable () -> Date
    private let nonce: @Sendable () -> String

    public init(
        settings: AliyunSMSSettings,
        httpClient: HTTPClient,
        timeout: TimeAmount = .seconds(10),
        clock: @escaping @Sendable () -> Date = { Date() },
        nonce: @escaping @Sendable () -> String = { randomHexNonce() }
    ) {
        self.settings = settings
        self.delivery = HTTPDelivery(httpClient: httpClient, timeout: timeout, provider: Self.providerName)
        self.clock = clock
        self.nonce = nonce
    }

    public func send(_ message: SMSMessage) async throws {
        guard let templated = SMSTemplateMessage(message) else {
            throw delivery.failure("no verification code found in the message text")
        }
        try await send(templated)
    }

    public func send(_ message: SMSTemplateMessage) async throws {
        guard let request = AliyunSendSmsRequest.prepare(message, settings: settings, at: clock(), nonce: nonce()) else {
            throw delivery.failure("endpoint \(settings.endpoint.absoluteString) is not an http(s) URL")
        }
        let response = try await delivery.perform(request)
        let answer = try? JSONDecoder().decode(Answer.self, from: Data(response.body))
        guard response.isSuccess, let answer, answer.code == "OK" else {
            throw delivery.failure(Self.describeFailure(status: response.status, answer: answer, body: response.body))
        }
    }

    struct Answer: Decodable {
        var code: String?
        var message: String?
        var requestID: String?

        enum CodingKeys: String, CodingKey {
            case code = "Code"
            case message = "Message"
            case requestID = "RequestId"
        }
    }

    static func describeFailure(status: UInt, answer: Answer?, body: [UInt8]) -> String {
        guard let answer, let code = answer.code else {
            return "HTTP \(status), unexpected answer: \(HTTPDelivery.excerpt(body))"
        }
        return "HTTP \(status), Code \(code): \(answer.message ?? "") (RequestId \(answer.requestID ?? "-"))"
    }
}

/// 16 random bytes in hex: a fresh signature nonce for each request.
public func randomHexNonce() -> String {
    var generator = SystemRandomNumberGenerator()
    return (0..<16).map { _ in UInt8.random(in: .min ... .max, using: &generator) }.lowercaseHex
}
