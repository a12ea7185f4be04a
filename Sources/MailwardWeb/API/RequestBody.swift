import Foundation
import Hummingbird
import MailwardCore
import NIOCore

/// Reads a small JSON object from a request body. Bodies are bounded (16 KiB: the API's
/// requests are a few fields) and anything that is not a JSON object is a 400.
struct JSONBody {
    static let limit = 16 * 1024
    let fields: [String: Any]

    static func read(_ request: Request, language: Language, allowEmpty: Bool = false, limit: Int = JSONBody.limit) async throws -> JSONBody {
        var request = request
        let buffer: ByteBuffer
        do {
            buffer = try await request.collectBody(upTo: limit)
        } catch {
            throw APIFailure(status: .contentTooLarge, code: "too_large",
                             message: language == .en ? "The request body is too large." : "请求内容过大")
        }
        if buffer.readableBytes == 0 {
            if allowEmpty { return JSONBody(fields: [:]) }
            throw APIFailure.badRequest(language)
        }
        guard let object = try? JSONSerialization.jsonObject(with: Data(buffer.readableBytesView)) as? [String: Any] else {
            throw APIFailure.badRequest(language)
        }
        return JSONBody(fields: object)
    }

    /// A required string field (at most `maxLength` characters).
    func string(_ key: String, _ language: Language, maxLength: Int = 512) throws -> String {
        guard let value = optionalString(key), value.count <= maxLength else {
            throw APIFailure.badRequest(language, language == .en ? "Field \"\(key)\" is missing or not text." : "缺少字段 \(key)")
        }
        return value
    }

    /// Text fields are JSON strings only: a number or `true` where text belongs is a malformed request.
    func optionalString(_ key: String) -> String? {
        fields[key] as? String
    }

    func bool(_ key: String) -> Bool {
        (fields[key] as? Bool) ?? false
    }
}
