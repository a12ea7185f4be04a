import AsyncHTTPClient
import Foundation
import MailwardCore
import NIOCore

/// rspamd as the spam filter for incoming mail: the message and its envelope go to the normal
/// worker's `/checkv2` (HTTP); its action decides — `reject` refuses, `soft reject` and
/// `greylist` defer, `add header` and `rewrite subject` send it to the Junk folder with
/// `X-Spam` headers, `no action` delivers.
public struct RspamdFilter: MessageFilter {
    public let name = "rspamd"
    /// The normal worker, e.g. `http://127.0.0.1:11333`.
    public let baseURL: String
    public let timeout: Duration
    let client: HTTPClient

    public init(baseURL: String, timeout: Duration = .seconds(30), client: HTTPClient = .shared) {
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.timeout = timeout
        self.client = client
    }

    struct Answer: Decodable {
        var action: String
        var score: Double?
        var requiredScore: Double?

        enum CodingKeys: String, CodingKey {
            case action, score
            case requiredScore = "required_score"
        }
    }

    public func check(_ raw: [UInt8], envelope: FilterEnvelope) async throws -> FilterVerdict {
        var request = HTTPClientRequest(url: baseURL + "/checkv2")
        request.method = .POST
        request.headers.add(name: "IP", value: envelope.remoteIP)
        request.headers.add(name: "Helo", value: envelope.helo)
        // A bounce (empty MAIL FROM) has no envelope sender to tell.
        if !envelope.sender.isEmpty { request.headers.add(name: "From", value: envelope.sender) }
        for recipient in envelope.recipients { request.headers.add(name: "Rcpt", value: recipient) }
        request.headers.add(name: "Queue-Id", value: envelope.queueID)
        request.body = .bytes(ByteBuffer(bytes: raw))
        let response = try await client.execute(request, timeout: .init(timeout))
        let body = try await response.body.collect(upTo: 1 << 20)
        guard response.status == .ok else { throw FilterError("rspamd answered HTTP \(response.status.code)") }
        let answer: Answer
        do {
            answer = try JSONDecoder().decode(Answer.self, from: Data(body.readableBytesView))
        } catch {
            throw FilterError("rspamd's answer is not what /checkv2 sends: \(error)")
        }
        return Self.verdict(answer)
    }

    /// `X-Spam…` fields are rspamd's verdict (and what clients filter on): never the sender's.
    public func claimsField(named name: String, value: String) -> Bool {
        name.lowercased().hasPrefix("x-spam")
    }

    static func verdict(_ answer: Answer) -> FilterVerdict {
        let score = answer.score.map { String(format: "%.2f", $0) } ?? "?"
        let required = answer.requiredScore.map { String(format: "%.2f", $0) } ?? "?"
        switch answer.action {
        case "reject":
            return .reject(reason: "message looks like spam (score \(score))")
        case "soft reject", "greylist":
            return .deferred(reason: "try again later (\(answer.action))")
        case "add header", "rewrite subject":
            return .junk(headers: ["X-Spam: Yes", "X-Spam-Score: \(score) / \(required)"], reason: "spam score \(score)")
        default:
            return .accept
        }
    }
}
