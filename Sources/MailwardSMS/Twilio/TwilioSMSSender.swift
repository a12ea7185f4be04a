import AsyncHTTPClient
import Foundation
import MailwardCore
import NIOCore

/// Twilio Messages API. Twilio answers 201 with the queued message; errors come as 4xx/5xx
/// with `{"code":…,"message":…}`, which end up in the `SMSDeliveryError` detail.
public struct TwilioSMSSender: SMSSender {
    public static let providerName = "twilio"

    private let settings: TwilioSMSSettings
    private let delivery: HTTPDelivery

    public init(settings: TwilioSMSSettings, httpClient: HTTPClient, timeout: TimeAmount = .seconds(10)) {
        self.settings = settings
        self.delivery = HTTPDelivery(httpClient: httpClient, timeout: timeout, provider: Self.providerName)
    }

    public func send(_ message: SMSMessage) async throws {
        guard let request = TwilioMessageRequest.prepare(message, settings: settings) else {
            throw delivery.failure("needs an http(s) API URL and a From number or MessagingServiceSid")
        }
        let response = try await delivery.perform(request)
        guard response.isSuccess else {
            let answer = try? JSONDecoder().decode(Answer.self, from: Data(response.body))
            if let answer, answer.code != nil || answer.message != nil {
                throw delivery.failure(
                    "HTTP \(response.status), code \(answer.code.map(String.init) ?? "?"): \(answer.message ?? "")"
                )
            }
            throw delivery.failure("HTTP \(response.status), unexpected answer: \(HTTPDelivery.excerpt(response.body))")
        }
    }

    struct Answer: Decodable {
        var code: Int?
        var message: String?
    }
}
