import Foundation
import MailwardCore
import MailwardMIME

/// The JSON shapes of the mail API (field names are the contract's, snake_case).
enum MailJSON {
    /// `2026-11-29T07:02:13Z`, as `JSONValue.date`, without building a formatter per value.
    static func iso(_ date: Date) -> JSONValue {
        .string(date.formatted(.iso8601))
    }

    static func mailbox(_ box: Mailbox, _ counts: MailboxCounts, ids: MailIDs, language: Language) -> JSONValue {
        .object([
            "id": .string(ids.mailbox(box.id, box.accountID)),
            "name": .string(box.name),
            "display_name": .string(MailAccess.displayName(box, language)),
            "special_use": box.isInbox ? .string("inbox") : .optional(box.specialUse.map { String($0.rawValue.dropFirst()).lowercased() }),
            "messages": .int(counts.messages),
            "unseen": .int(counts.unseen),
            "size": .int(Int(counts.size)),
        ])
    }

    static func address(_ address: MailAddress) -> JSONValue {
        .object(["name": .optional(address.displayName), "address": .string(address.address)])
    }

    static func flags(_ flags: MessageFlags) -> [String: JSONValue] {
        [
            "seen": .bool(flags.contains(MessageFlags.seen)), "flagged": .bool(flags.contains(MessageFlags.flagged)),
            "answered": .bool(flags.contains(MessageFlags.answered)), "draft": .bool(flags.contains(MessageFlags.draft)),
            "flags": .array(flags.sorted.map(JSONValue.string)),
        ]
    }

    /// A message in a list.
    static func summary(_ record: MessageRecord, account: AccountID, ids: MailIDs, mailboxID: JSONValue? = nil) -> JSONValue {
        let s = record.summary
        var object: [String: JSONValue] = [
            "id": .string(ids.message(record.id, account)),
            "mailbox_id": mailboxID ?? .string(ids.mailbox(record.mailboxID, account)),
            "subject": .string(s.subject),
            "from": s.fromAddress.map { address(MailAddress(displayName: s.fromName, address: $0)) } ?? .null,
            "to": .array(AddressParser.parse(s.to).map(address)),
            "date": iso(s.date ?? record.internalDate),
            "received_at": iso(record.internalDate),
            "size": .int(record.size),
            "has_attachments": .bool(s.hasAttachments),
            "preview": .string(s.preview),
        ]
        object.merge(flags(record.flags)) { $1 }
        return .object(object)
    }

    static func page(_ page: (total: Int, records: [MessageRecord]), offset: Int, limit: Int, account: AccountID, ids: MailIDs) -> JSONValue {
        // One MAC per folder, not per message.
        var boxIDs: [MailboxID: JSONValue] = [:]
        return .object([
            "total": .int(page.total), "offset": .int(offset), "limit": .int(limit),
            "messages": .array(page.records.map { record in
                guard case .object(var object) = summary(record, account: account, ids: ids, mailboxID: boxIDs[record.mailboxID]) else { return .null }
                if boxIDs[record.mailboxID] == nil { boxIDs[record.mailboxID] = object["mailbox_id"] }
                object["mailbox_id"] = boxIDs[record.mailboxID]
                return .object(object)
            }),
        ])
    }

    /// One message: headers, text, sanitized html, attachments.
    static func message(_ record: MessageRecord, _ content: MailAccess.Content, html: String?, account: AccountID, ids: MailIDs) -> JSONValue {
        guard case .object(var object) = summary(record, account: account, ids: ids) else { return .null }
        let parsed = content.parsed
        let id = ids.message(record.id, account)
        object["cc"] = .array(parsed.headers(named: "Cc").flatMap(AddressParser.parse).map(address))
        object["reply_to"] = .array(parsed.headers(named: "Reply-To").flatMap(AddressParser.parse).map(address))
        object["message_id"] = .optional(parsed.header("Message-ID")?.trimmingCharacters(in: .whitespaces))
        object["in_reply_to"] = .optional(parsed.header("In-Reply-To")?.trimmingCharacters(in: .whitespaces))
        var headers: [String: JSONValue] = [:]
        for field in parsed.headers.prefix(200) where headers[field.name.lowercased()] == nil {
            headers[field.name.lowercased()] = .string(EncodedWord.decode(field.value).trimmingCharacters(in: .whitespaces))
        }
        object["headers"] = .object(headers)
        object["text"] = .optional(content.content.textBody)
        object["html"] = .optional(html)
        object["attachments"] = .array(content.content.attachments.enumerated().map { index, attachment in
            .object([
                "id": .string(String(index)),
                "filename": .string(attachment.filename ?? "attachment-\(index + 1)"),
                "content_type": .string(attachment.contentType),
                "size": .int(attachment.size),
                "inline": .bool(attachment.isInline),
                "content_id": .optional(attachment.contentID),
                "url": .string("/api/v1/messages/\(id)/attachments/\(index)"),
            ])
        })
        return .object(object)
    }
}
