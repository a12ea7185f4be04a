import Foundation
import MailwardCore
import MailwardMIME

/// Reading the body of `POST /messages/send` and `POST /drafts` into an `OutgoingMessage`.
///
/// Everything that ends up in a header of the built message is checked here, at the source:
/// `in_reply_to` must be a msg-id (422 `invalid_in_reply_to`), an attachment's `content_type`
/// must be `type/subtype` tokens (anything else is sent as `application/octet-stream`).
/// `MessageBuilder` refuses line breaks in header values again, as the last line of defence.
extension MailRoutes {
    /// The message described by a send/draft body; attachments either uploaded earlier
    /// (`{"upload_id"}`), inline Base64 (`{"filename","content_type","content"}`), or a message
    /// forwarded as attachment (`{"message_id"}`, one of the account's message ids), or one
    /// attachment of such a message (`{"message_id","part"}`, its index as in the download URL).
    func outgoing(_ body: JSONBody, call: APICall, accounts: MailAccounts) async throws -> (OutgoingMessage, [String]) {
        let language = call.language
        func list(_ key: String) throws -> [String] {
            switch body.fields[key] {
            case nil, is NSNull: return []
            case let text as String: return [text]
            case let items as [Any]:
                return try items.map { item in
                    guard let text = item as? String else { throw APIFailure.badRequest(language, en: "\(key): addresses as text", zh: "\(key) 须为文本形式的地址") }
                    return text
                }
            default: throw APIFailure.badRequest(language, en: "\(key): addresses as text", zh: "\(key) 须为文本形式的地址")
            }
        }
        func text(_ key: String) throws -> String? {
            switch body.fields[key] {
            case nil, is NSNull: return nil
            case let value as String: return value
            default: throw APIFailure.badRequest(language, en: "\(key): text", zh: "\(key) 须为文本")
            }
        }
        try await checkRepliedTo(body.optionalString("reply_to_id"), accounts: accounts)
        var attachments: [MessageBuilder.Attachment] = []
        var uploadIDs: [String] = []
        // The message is built only once all is read; what cannot fit is refused before reading
        // more (a 45 MiB message forwarded as attachment took seconds and its size twice over
        // to end in the same 413).
        let limit = web.submission.maxMessageSize
        var attachedBytes: Int { attachments.reduce(0) { $0 + $1.data.count } }
        let items: [Any]
        switch body.fields["attachments"] {
        case nil, is NSNull: items = []
        case let array as [Any]: items = array
        default: throw APIFailure.badRequest(language, en: "attachments: a list", zh: "attachments 须为列表")
        }
        for item in items.prefix(50) {
            guard attachedBytes <= limit else { throw SubmissionError.tooLarge(limit: limit) }
            guard let object = item as? [String: Any] else { throw APIFailure.badRequest(language, en: "attachments: objects", zh: "attachments 的每一项须为对象") }
            if let id = object["upload_id"] as? String {
                guard let upload = await uploads.get(id, account: accounts.viewer.id) else { throw MailAccess.Failure.notFound }
                attachments.append(.init(filename: upload.filename, contentType: Self.attachmentType(upload.contentType, upload.filename),
                                         data: upload.data))
                uploadIDs.append(id)
            } else if let token = object["message_id"] as? String {
                // A message of the viewer's own or of a mailbox shared with the viewer; forwarding
                // a shared one needs the permission to forward (S4), whatever the `From`.
                let access = try await accounts.account(of: .message, token)
                let (record, _) = try await access.message(token)
                try await access.require(.send)
                if let part = object["part"] {
                    // One attachment of that message (plain forward keeps the original's files):
                    // `part` is its index, as in `GET /messages/{id}/attachments/{n}`.
                    let index: Int? = switch part {
                    case let text as String: Int(text)
                    case let number as NSNumber: number.intValue
                    default: nil
                    }
                    let content = try await access.content(record)
                    guard let index, content.content.attachments.indices.contains(index),
                          let data = MessageContent.attachmentData(at: content.content.attachments[index].partPath,
                                                                   structure: content.parsed.bodyStructure, in: content.raw)
                    else { throw MailAccess.Failure.notFound }
                    let original = content.content.attachments[index]
                    let filename = original.filename ?? "attachment-\(index + 1)"
                    attachments.append(.init(filename: String(filename.prefix(200)),
                                             contentType: Self.attachmentType(original.contentType, filename), data: data))
                    continue
                }
                guard attachedBytes + record.size <= limit else { throw SubmissionError.tooLarge(limit: limit) }
                let subject = record.summary.subject.isEmpty ? "message" : record.summary.subject
                attachments.append(.init(filename: String(subject.prefix(80)) + ".eml", contentType: "message/rfc822",
                                         data: try await access.mail.raw(record)))
            } else {
                guard let filename = object["filename"] as? String,
                      let encoded = (object["content"] ?? object["data"] ?? object["content_base64"]) as? String,
                      let data = Data(base64Encoded: encoded, options: .ignoreUnknownCharacters) else {
                    throw APIFailure.badRequest(language, en: "attachments: filename and Base64 content", zh: "附件须有 filename 和 Base64 编码的 content")
                }
                attachments.append(.init(filename: String(filename.prefix(200)),
                                         contentType: Self.attachmentType(object["content_type"], filename), data: Array(data)))
            }
        }
        guard attachedBytes <= limit else { throw SubmissionError.tooLarge(limit: limit) }
        let inReplyTo = try Self.messageID(try text("in_reply_to"), language)
        var references = inReplyTo.map { [$0] } ?? []
        if let inReplyTo, let token = body.optionalString("reply_to_id") {
            references = await Self.thread(replyingTo: token, parentID: inReplyTo, accounts: accounts) ?? references
        }
        let message = OutgoingMessage(
            from: try text("from") ?? "", to: try list("to"), cc: try list("cc"), bcc: try list("bcc"),
            subject: String((try text("subject") ?? "").prefix(1000)), text: try text("text"), html: try text("html"),
            inReplyTo: inReplyTo, references: references, attachments: attachments)
        return (message, uploadIDs)
    }

    /// `reply_to_id` is one of the viewer's message ids or one of a mailbox shared with the viewer
    /// (404 `not_found` otherwise, as everywhere an id is taken); replying to a shared message needs
    /// the permission to send (S4: 403 `permission_denied` for read only), like forwarding it. A
    /// message deleted or moved since the reply was begun only costs the thread's `References`.
    func checkRepliedTo(_ token: String?, accounts: MailAccounts) async throws {
        guard let token, !token.isEmpty else { return }
        let access = try await accounts.account(of: .message, token)
        if access.isShared {
            try await access.require(.send)
        } else if accounts.ids.decode(.message, token, account: accounts.viewer.id) == nil {
            throw MailAccess.Failure.notFound
        }
    }

    /// The `References` of a reply (RFC 5322 §3.6.4): the parent's own `References` (or its
    /// `In-Reply-To`) and then the parent's id, so mail clients keep the whole thread together.
    /// Only when `reply_to_id` names a message the viewer may read whose Message-ID is
    /// `in_reply_to`; nil otherwise (the reply then refers to its parent alone). Long chains keep
    /// the first id and the latest ones.
    static func thread(replyingTo token: String, parentID: String, accounts: MailAccounts) async -> [String]? {
        guard let access = try? await accounts.account(of: .message, token),
              let (record, _) = try? await access.message(token),
              record.summary.messageIDHeader.flatMap(HeaderSyntax.messageID) == parentID,
              // The parse alone (cached for a large message): not the whole message, which is
              // counted against the message memory and could be refused while the server is busy.
              let parsed = try? await access.mail.parsed(record) else { return nil }
        let ancestors = HeaderSyntax.messageIDs(parsed.header("References") ?? parsed.header("In-Reply-To") ?? "")
        var chain = ancestors.filter { $0 != parentID } + [parentID]
        if chain.count > maxReferences { chain = [chain[0]] + chain.suffix(maxReferences - 1) }
        return chain
    }

    static let maxReferences = 20

    /// `in_reply_to` as `<id-left@id-right>` (angle brackets optional in the request); empty or
    /// absent is no parent. Anything else — a line break, a blank, a second `@`, more than
    /// `HeaderSyntax.maxMessageIDLength` characters — is refused rather than repaired: a
    /// client that sends it has a bug or is probing.
    static func messageID(_ raw: String?, _ language: Language) throws -> String? {
        guard let raw, !raw.trimmingCharacters(in: .whitespaces).isEmpty else { return nil }
        guard let id = HeaderSyntax.messageID(raw) else {
            throw APIFailure(status: .unprocessableContent, code: "invalid_in_reply_to",
                             message: language == .en ? "in_reply_to is not a message id (<id@domain>)."
                                 : "in_reply_to 不是有效的邮件标识（<id@domain>）")
        }
        return id
    }

    /// The declared type when it is `type/subtype` tokens (parameters dropped); otherwise
    /// `application/octet-stream`. Without a declared type, a guess from the file name.
    static func attachmentType(_ declared: Any?, _ filename: String) -> String {
        switch declared {
        case nil, is NSNull: return guessType(filename)
        case let text as String where text.trimmingCharacters(in: .whitespaces).isEmpty: return guessType(filename)
        case let text as String: return HeaderSyntax.mimeType(text) ?? "application/octet-stream"
        default: return "application/octet-stream"
        }
    }

    static func guessType(_ filename: String) -> String {
        let types = ["txt": "text/plain", "pdf": "application/pdf", "png": "image/png", "jpg": "image/jpeg", "jpeg": "image/jpeg",
                     "gif": "image/gif", "zip": "application/zip", "doc": "application/msword", "html": "text/html",
                     "xls": "application/vnd.ms-excel", "csv": "text/csv", "eml": "message/rfc822"]
        return types[(filename as NSString).pathExtension.lowercased()] ?? "application/octet-stream"
    }
}
