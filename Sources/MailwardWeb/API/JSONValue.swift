import Foundation
import Hummingbird
import NIOCore

/// The JSON the API answers with, built explicitly so every field name is the contract's
/// (`csrf_token`, `phone_hint`, …) and nothing else leaks into an answer.
enum JSONValue: Sendable, Equatable {
    case string(String)
    case int(Int)
    case bool(Bool)
    case null
    case array([JSONValue])
    case object([String: JSONValue])

    static func date(_ date: Date?) -> JSONValue {
        guard let date else { return .null }
        return .string(ISO8601DateFormatter().string(from: date))
    }

    static func optional(_ text: String?) -> JSONValue {
        text.map(JSONValue.string) ?? .null
    }

    var foundation: Any {
        switch self {
        case .string(let s): s
        case .int(let i): i
        case .bool(let b): b
        case .null: NSNull()
        case .array(let a): a.map(\.foundation)
        case .object(let o): o.mapValues(\.foundation)
        }
    }

    func data() -> Data {
        (try? JSONSerialization.data(withJSONObject: foundation, options: [.sortedKeys, .fragmentsAllowed])) ?? Data("null".utf8)
    }

    func response(_ status: HTTPResponse.Status = .ok) -> Response {
        Response(status: status,
                 headers: [.contentType: "application/json; charset=utf-8", .cacheControl: "no-store"],
                 body: .init(byteBuffer: ByteBuffer(data: data())))
    }
}
