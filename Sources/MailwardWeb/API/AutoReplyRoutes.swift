import Foundation
import Hummingbird
import MailwardCore

/// `/api/v1/settings/auto-reply`: the signed-in account's automatic reply (自动回复) —
/// `{"enabled","subject","text","ends_at"}`; GET reads it (off with empty texts when never set),
/// PUT replaces it.
struct AutoReplyRoutes {
    let handler: APIHandler
    let responder: AutoResponder

    func register(on api: APIRoutes) {
        let handler = self.handler
        let responder = self.responder
        api.get("settings/auto-reply") { request, context in
            await handler.run(request, context) { call in
                let (session, _) = try await call.session(csrf: false)
                return Self.json(try await responder.settings(of: session.account) ?? AutoReply(enabled: false, text: "")).response()
            }
        }
        api.put("settings/auto-reply") { request, context in
            await handler.run(request, context) { call in
                let (session, _) = try await call.session(csrf: true)
                let body = try await call.body()
                let endsAt = try body.expiry(call.language, field: "ends_at") ?? nil
                let reply = AutoReply(enabled: try body.bool("enabled", call.language),
                                      subject: body.optionalString("subject") ?? "",
                                      text: body.optionalString("text") ?? "", endsAt: endsAt)
                do {
                    try await responder.set(reply, for: session.account)
                } catch let error as AutoReplyError {
                    throw Self.failure(error, call.language)
                }
                return Self.json(reply).response()
            }
        }
    }

    static func json(_ reply: AutoReply) -> JSONValue {
        .object(["enabled": .bool(reply.enabled), "subject": .string(reply.subject), "text": .string(reply.text),
                 "ends_at": .date(reply.endsAt)])
    }

    static func failure(_ error: AutoReplyError, _ language: Language) -> APIFailure {
        let en = language == .en
        let message = switch error {
        case .invalidSubject: en ? "The subject must be one line of at most \(AutoReply.maximumSubjectLength) characters."
            : "主题须为一行，最多 \(AutoReply.maximumSubjectLength) 个字符"
        case .textTooLong: en ? "The text is longer than \(AutoReply.maximumTextLength) characters."
            : "回复内容超过 \(AutoReply.maximumTextLength) 个字符"
        case .textMissing: en ? "Write the reply's text before switching it on." : "请先填写自动回复的内容"
        case .endPassed: en ? "The end date has passed." : "结束日期已过"
        }
        return APIFailure(status: .unprocessableContent, code: "invalid_auto_reply", message: message)
    }
}
