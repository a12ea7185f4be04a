import AsyncHTTPClient
import Foundation
import MailwardCore
import NIOCore
import NIOHTTP1

/// Posts each message to an HTTP endpoint the institution runs (its own SMS bridge):
/// `{"to","text","at"}` signed with `X-Mailward-Signature` (see `WebhookSignature`).
/// Any 2xx answer means sent; anything else, or no answer in time, is an `SMSDeliveryError`.
public struct WebhookSMSSender: SMSSender {
    public static let providerName = "webhook"

    private let url: URL
    private let secret: SMSSecret
    private let delivery: HTTPDelivery
    private let clock: @Sendable () -> Date

    public init(
        url: URL,
        secret: SMSSecret,
        httpClient: HTTPClient,
        timeout: TimeAmount = .seconds(10),
        clock: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.url = url
        self.secret = secret
        self.delivery = HTTPDelivery(httpClient: httpClient, timeout: timeout, provider: Self.providerName)
        self.clock = clock
    }

    /// The exact request for `message` at `date`. Pure.
    public static func prepareRequest(_ message: SMSMessage, url: URL, secret: SMSSecret, at date: Date) -> PreparedHTTPRequest {
        let timestamp = UTCTimestamp(date)
        let body = Array(
            JSONText.stringObject([("to", message.to), ("text", message.text), ("at", timestamp.iso8601)]).utf8
        )
        let unixSeconds = String(timestamp.unixSeconds)
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: "application/json; charset=utf-8")
        headers.add(name: WebhookSignature.timestampHeader, value: unixSeconds)
        headers.add(
            name: WebhookSignature.signatureHeader,
            value: WebhookSignature.headerValue(secret: secret, timestamp: unixSeconds, body: body)
        )
        return PreparedHTTPRequest(method: .POST, url: url.absoluteString, headers: headers, body: body)
    }

    public func send(_ message: SMSMessage) async throws {
        let request = Self.prepareRequest(message, url: url, secret: secret, at: clock())
        let response = try await delivery.perform(request)
        guard response.isSuccess else {
            // The body is not logged: a receiver might echo the request, and with it the code.
            throw delivery.failure("HTTP \(response.status) from \(url.host ?? "webhook")")
        }
    }
}
