import AsyncHTTPClient
import Foundation
import MailwardCore
import NIOCore

/// Sends a `PreparedHTTPRequest` and turns every way it can fail (refused, timed out, cancelled,
/// oversized answer) into an `SMSDeliveryError`. Response bodies are read up to a fixed bound.
///
/// Its mirror leaves the HTTP client out: the client is shared (its event loops, its pool and
/// through them every other channel of the process), and `dump` or a debugger walking that graph
/// reads state that other threads are changing — a test's `dump` of a sender crashed that way.
struct HTTPDelivery: Sendable, CustomReflectable {
    /// Gateway answers are a few hundred bytes; anything beyond this is not a gateway answer.
    static let maximumResponseBytes = 64 * 1024

    var httpClient: HTTPClient
    var timeout: TimeAmount
    var provider: String

    var customMirror: Mirror {
        Mirror(self, children: ["provider": provider, "timeout": timeout], displayStyle: .struct)
    }

    struct Response: Sendable {
        var status: UInt
        var body: [UInt8]
        var isSuccess: Bool { (200..<300).contains(status) }
    }

    func perform(_ prepared: PreparedHTTPRequest) async throws(SMSDeliveryError) -> Response {
        var request = HTTPClientRequest(url: prepared.url)
        request.method = prepared.method
        request.headers = prepared.headers
        if !prepared.body.isEmpty || prepared.method == .POST {
            request.body = .bytes(ByteBuffer(bytes: prepared.body))
        }
        do {
            // The client's own timeout ends with the answer's head; a gateway that then trickles
            // or stalls its body must not hold the user's request longer than `sms.timeout`.
            let answer = try await TimeLimit.run(within: .nanoseconds(timeout.nanoseconds)) { [httpClient, timeout, request] in
                let response = try await httpClient.execute(request, timeout: timeout)
                let body = try await response.body.collect(upTo: Self.maximumResponseBytes)
                return Response(status: response.status.code, body: Array(buffer: body))
            }
            guard let answer else { throw HTTPClientError.deadlineExceeded }
            return answer
        } catch let error as HTTPClientError where error == .deadlineExceeded {
            throw failure("no answer within \(timeout.nanoseconds / 1_000_000) ms")
        } catch is CancellationError {
            throw failure("cancelled")
        } catch let error as NIOTooManyBytesError {
            throw failure("answer larger than \(Self.maximumResponseBytes) bytes (\(error))")
        } catch {
            throw failure("request to \(Self.target(of: prepared.url)) failed: \(error)")
        }
    }

    func failure(_ detail: String) -> SMSDeliveryError {
        SMSDeliveryError(provider: provider, detail: detail)
    }

    /// `host[:port]` of a URL, for log lines (never the query: it may carry parameters).
    static func target(of url: String) -> String {
        guard let components = URLComponents(string: url), let host = components.host else { return "gateway" }
        return components.port.map { "\(host):\($0)" } ?? host
    }

    /// A short, single-line excerpt of a vendor answer for the log.
    static func excerpt(_ body: [UInt8], limit: Int = 200) -> String {
        let text = String(decoding: body.prefix(limit), as: UTF8.self)
            .replacingOccurrences(of: "\n", with: " ")
            .replacingOccurrences(of: "\r", with: " ")
        return body.count > limit ? text + "…" : text
    }
}
