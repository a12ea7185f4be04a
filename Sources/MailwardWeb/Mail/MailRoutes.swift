import Foundation
import HTTPTypes
import Hummingbird
import MailwardCore
import MailwardNet
import MailwardMIME
import NIOCore

/// The mail part of `/api/v1` (SPEC "JSON API v1"): folders, message lists with paging, one
/// message, flags, move, delete, send — plus what the webmail pages need beside the contract:
/// folder management, search, contacts, drafts, uploads, attachments and change events.
///
/// Shared mailboxes (SPEC S): `?account=ADDR` or an id made for a shared account opens that
/// account's mail (`MailAccounts`); every action asks `ShareService` again (`MailAccess.require`)
/// and a forbidden one is 403 `permission_denied`, changing nothing. Reading a message through
/// the API never sets `\Seen`. What a grantee does is audited for the owner.
struct MailRoutes {
    let handler: APIHandler
    let web: WebMail
    let ids: MailIDs
    let uploads: UploadStore
    let shares: ShareService?

    static let defaultLimit = 50
    static let maxLimit = 200

    func register(on api: APIRoutes) {
        let routes = self
        @Sendable func accountQuery(_ request: Request) -> String? { request.uri.queryParameters["account"].map(String.init) }
        api.get("mailboxes") { request, context in
            await routes.run(request, context, csrf: false) { call, accounts in
                let access = try await accounts.account(accountQuery(request))
                let boxes = try await access.mailboxes()
                return JSONValue.array(boxes.map { MailJSON.mailbox($0.0, $0.1, ids: routes.ids, language: call.language) }).response()
            }
        }
        api.post("mailboxes") { request, context in
            await routes.run(request, context, csrf: true) { call, accounts in
                let access = try await accounts.account(accountQuery(request))
                try await access.require(.manage)
                let name = try await call.body().string("name", call.language, maxLength: 512)
                let box = try await access.mail.createMailbox(accountID: access.account.id, name: name)
                return MailJSON.mailbox(box, MailboxCounts(messages: 0, unseen: 0, size: 0), ids: routes.ids, language: call.language)
                    .response(.created)
            }
        }
        api.patch("mailboxes/:id") { request, context in
            await routes.run(request, context, csrf: true) { call, accounts in
                let token = context.parameters.get("id")
                let access = try await accounts.account(query: accountQuery(request), of: .mailbox, token)
                let box = try await access.mailbox(token)
                try await access.require(.manage)
                let name = try await call.body().string("name", call.language, maxLength: 512)
                guard box.specialUse == nil else { throw MailError.invalidMailboxName(box.name) }
                try await access.mail.renameMailbox(box, to: name)
                let renamed = try await access.mailbox(token)
                return MailJSON.mailbox(renamed, try await access.mail.store.counts(mailboxID: renamed.id), ids: routes.ids,
                                        language: call.language).response()
            }
        }
        api.delete("mailboxes/:id") { request, context in
            await routes.run(request, context, csrf: true) { _, accounts in
                let token = context.parameters.get("id")
                let access = try await accounts.account(query: accountQuery(request), of: .mailbox, token)
                let box = try await access.mailbox(token)
                try await access.require(.manage)
                guard box.specialUse == nil else { throw MailError.invalidMailboxName(box.name) }
                try await access.mail.deleteMailbox(box)
                return Response(status: .noContent, headers: [.cacheControl: "no-store"])
            }
        }
        api.post("mailboxes/:id/empty") { request, context in
            await routes.run(request, context, csrf: true) { call, accounts in
                let token = context.parameters.get("id")
                let access = try await accounts.account(query: accountQuery(request), of: .mailbox, token)
                let box = try await access.mailbox(token)
                try await access.require(.delete)
                let removed = try await access.mail.remove(mailboxID: box.id, uids: nil, onlyDeleted: false)
                await access.record(.delete, "emptied \(box.name) (\(removed.count))", ip: call.client.ip)
                return JSONValue.object(["removed": .int(removed.count)]).response()
            }
        }
        api.get("mailboxes/:id/messages") { request, context in
            await routes.run(request, context, csrf: false) { call, accounts in
                let token = context.parameters.get("id")
                let access = try await accounts.account(query: accountQuery(request), of: .mailbox, token)
                let box = try await access.mailbox(token)
                let (offset, limit) = try Self.paging(request, call.language)
                let page = try await access.page(box, offset: offset, limit: limit)
                return MailJSON.page(page, offset: offset, limit: limit, account: access.account.id, ids: routes.ids).response()
            }
        }
        api.get("search") { request, context in
            await routes.run(request, context, csrf: false) { call, accounts in
                let query = FormQuery.searchText(request.uri.query)?.trimmingCharacters(in: .whitespaces) ?? ""
                guard !query.isEmpty, query.count <= 200 else { throw APIFailure.badRequest(call.language) }
                let token = request.uri.queryParameters["mailbox"].map(String.init)
                let access = try await accounts.account(query: accountQuery(request), of: .mailbox, token)
                let box: Mailbox? = if let token { try await access.mailbox(token) } else { nil }
                let (offset, limit) = try Self.paging(request, call.language)
                let page = try await access.search(query, in: box, offset: offset, limit: limit, ip: call.client.ip)
                return MailJSON.page(page, offset: offset, limit: limit, account: access.account.id, ids: routes.ids).response()
            }
        }
        api.get("contacts") { request, context in
            await routes.run(request, context, csrf: false) { _, accounts in
                let query = (FormQuery.searchText(request.uri.query) ?? "").prefix(100)
                return JSONValue.array(try await accounts.own.contacts(matching: String(query)).map(MailJSON.address)).response()
            }
        }
        api.get("messages/:id") { request, context in
            await routes.run(request, context, csrf: false) { call, accounts in
                let token = context.parameters.get("id")
                let access = try await accounts.account(of: .message, token)
                let (record, _) = try await access.message(token)
                let content = try await access.content(record)
                let html = content.content.htmlBody == nil ? nil : access.safeHTML(content, allowImages: false).html
                await access.record(.view, "read " + MailAccess.describe(record), ip: call.client.ip)
                return MailJSON.message(record, content, html: html, account: access.account.id, ids: routes.ids).response()
            }
        }
        api.patch("messages/:id") { request, context in
            await routes.run(request, context, csrf: true) { call, accounts in
                let token = context.parameters.get("id")
                let access = try await accounts.account(of: .message, token)
                var (record, _) = try await access.message(token)
                let body = try await call.body()
                // `seen` is the unread state (S2); the others are "other flags" (S3).
                let known: [(String, String, MailboxAction)] = [
                    ("seen", MessageFlags.seen, .changeUnread), ("flagged", MessageFlags.flagged, .changeOtherFlags),
                    ("answered", MessageFlags.answered, .changeOtherFlags),
                ]
                var changes: [(flag: String, on: Bool, action: MailboxAction)] = []
                for (field, flag, action) in known {
                    guard let value = body.fields[field] else { continue }
                    guard let on = JSONBody.strictBool(value) else { throw APIFailure.badRequest(call.language, en: "\(field): true or false", zh: "\(field) 须为 true 或 false") }
                    changes.append((flag, on, action))
                }
                guard !changes.isEmpty else { throw APIFailure.badRequest(call.language, en: "Give seen, flagged or answered.", zh: "须给出 seen、flagged 或 answered") }
                // Every change is allowed, or none is made.
                for action in MailboxAction.allCases where changes.contains(where: { $0.action == action }) {
                    try await access.require(action)
                }
                for change in changes { try await access.setFlag(change.flag, change.on, record) }
                let described = changes.map { "\($0.on ? "+" : "-")\($0.flag)" }.joined(separator: " ")
                await access.record(changes.contains { $0.action == .changeUnread } ? .changeUnread : .changeOtherFlags,
                                    "\(described) on " + MailAccess.describe(record), ip: call.client.ip)
                record = try await access.message(token).0
                return MailJSON.summary(record, account: access.account.id, ids: routes.ids).response()
            }
        }
        api.delete("messages/:id") { request, context in
            await routes.run(request, context, csrf: true) { call, accounts in
                let token = context.parameters.get("id")
                let access = try await accounts.account(of: .message, token)
                let (record, box) = try await access.message(token)
                try await access.require(.delete)
                try await access.delete(record, in: box)
                await access.record(.delete, "deleted " + MailAccess.describe(record) + " from \(box.name)", ip: call.client.ip)
                return Response(status: .noContent, headers: [.cacheControl: "no-store"])
            }
        }
        api.post("messages/:id/move") { request, context in
            await routes.run(request, context, csrf: true) { call, accounts in
                let token = context.parameters.get("id")
                let access = try await accounts.account(of: .message, token)
                let (record, box) = try await access.message(token)
                let body = try await call.body()
                let target = ["mailbox_id", "mailbox", "to", "destination"].lazy.compactMap { body.optionalString($0) }.first
                guard let target else {
                    throw APIFailure.badRequest(call.language, call.language == .en ? "Name the folder to move to (mailbox_id)."
                                                                                     : "请指定目标文件夹（mailbox_id）")
                }
                // Within the same account only: moving out of a shared mailbox is a delete there.
                let destination: Mailbox
                do {
                    destination = try await access.mailbox(target)
                } catch MailAccess.Failure.notFound {
                    // A folder the viewer can see, of another account (its own, or another shared
                    // one): said so, rather than "not found".
                    if let other = try? await accounts.account(of: .mailbox, target), other.account.id != access.account.id {
                        throw APIFailure(status: .unprocessableContent, code: "move_across_accounts",
                                         message: call.language == .en ? "Messages move only between folders of the same mailbox."
                                                                       : "邮件只能在同一邮箱的文件夹之间移动")
                    }
                    throw MailAccess.Failure.notFound
                }
                try await access.require(.delete)
                try await access.require(.insert)
                guard let moved = try await access.move(record, to: destination) else { throw MailAccess.Failure.notFound }
                await access.record(.delete, "moved " + MailAccess.describe(record) + " from \(box.name) to \(destination.name)",
                                    ip: call.client.ip)
                return MailJSON.summary(moved, account: access.account.id, ids: routes.ids).response()
            }
        }
        api.get("messages/:id/attachments/:n") { request, context in
            await routes.run(request, context, csrf: false) { call, accounts in
                let token = context.parameters.get("id")
                let access = try await accounts.account(of: .message, token)
                let (record, _) = try await access.message(token)
                let content = try await access.content(record)
                guard let n = context.parameters.get("n").flatMap({ Int($0) }), content.content.attachments.indices.contains(n),
                      let data = MessageContent.attachmentData(at: content.content.attachments[n].partPath,
                                                               structure: content.parsed.bodyStructure, in: content.raw)
                else { throw MailAccess.Failure.notFound }
                // Reading an attachment of a shared mailbox is reading it: the owner's log says so (B6).
                let name = content.content.attachments[n].filename ?? "attachment \(n + 1)"
                await access.record(.view, "read the attachment “\(name.prefix(120))” of " + MailAccess.describe(record), ip: call.client.ip)
                return Self.download(data, attachment: content.content.attachments[n], index: n)
            }
        }
        api.post("messages/send") { request, context in
            await routes.run(request, context, csrf: true) { call, accounts in
                let body = try await call.body(limit: routes.web.maxUploadSize * 2, budget: routes.web.budget)
                // Held (and its memory counted) until the message is sent or saved.
                defer { body.reservation?.release() }
                let own = accounts.own
                let (message, uploadIDs) = try await routes.outgoing(body, call: call, accounts: accounts)
                // The table is asked first, so a read-only grantee hears why; Core's SendingPolicy then
                // asks the grant again, sets `Sender:` for send on behalf, files both Sent copies
                // and audits the grantee's send for the owner.
                let from = try await routes.sendingAccount(message.from, accounts: accounts)
                try await from.require(.send)
                let result = try await routes.web.submission.send(message, as: own.viewer, clientIP: call.client.ip)
                await routes.uploads.remove(uploadIDs, account: own.viewer.id)
                try await routes.afterSending(body, accounts: accounts)
                return JSONValue.object([
                    "status": .string("sent"),
                    "message_id": .string(result.messageID),
                    "id": result.sentCopy.map { .string(routes.ids.message($0.id, own.viewer.id)) } ?? .null,
                    "delivered": .array(result.deliveredLocally.map(JSONValue.string)),
                    "queued": .array(result.queued.map(JSONValue.string)),
                ]).response()
            }
        }
        api.post("drafts") { request, context in
            await routes.run(request, context, csrf: true) { call, accounts in
                // Drafts live in the viewer's own Drafts, also when written from a shared address.
                let access = accounts.own
                let body = try await call.body(limit: routes.web.maxUploadSize * 2, budget: routes.web.budget)
                // Held (and its memory counted) until the message is sent or saved.
                defer { body.reservation?.release() }
                let (message, uploadIDs) = try await routes.outgoing(body, call: call, accounts: accounts)
                var previous: MessageRecord?
                if let token = body.optionalString("draft_id"), !token.isEmpty {
                    previous = try? await access.message(token).0
                }
                let record = try await routes.web.submission.saveDraft(message, as: access.account, replacing: previous)
                // The draft holds the files now, and the page refers to its parts from here on:
                // the uploads (and their share of the message memory) are done with.
                await routes.uploads.remove(uploadIDs, account: access.account.id)
                return JSONValue.object(["id": .string(routes.ids.message(record.id, access.account.id))]).response(.created)
            }
        }
        api.post("uploads") { request, context in
            await routes.run(request, context, csrf: true) { call, accounts in
                let access = accounts.own
                var request = request
                let limit = routes.web.maxUploadSize
                // Kept by the upload while it waits to be sent (its bytes stay in memory meanwhile).
                let reservation = MemoryReservation(budget: routes.web.budget)
                let buffer: ByteBuffer
                do {
                    buffer = try await JSONBody.collect(&request, upTo: limit + 64 * 1024, reservation: reservation, language: call.language)
                } catch let failure as APIFailure where failure.code == "too_large" {
                    throw APIFailure(status: .contentTooLarge, code: "too_large", message: call.language == .en
                        ? "The file is larger than \(limit >> 20) MB." : "附件不能超过 \(limit >> 20) MB")
                }
                guard let parts = MultipartForm.parse(contentType: request.headers[.contentType] ?? "", body: Array(buffer.readableBytesView)),
                      let file = parts.first(where: { $0.filename != nil }) else { throw APIFailure.badRequest(call.language) }
                guard file.data.count <= limit else {
                    throw APIFailure(status: .contentTooLarge, code: "too_large", message: call.language == .en
                        ? "The file is larger than \(limit >> 20) MB." : "附件不能超过 \(limit >> 20) MB")
                }
                let filename = String((file.filename ?? "file").split(whereSeparator: { $0 == "/" || $0 == "\\" }).last ?? "file").prefix(200)
                let upload = UploadStore.Upload(account: access.account.id, filename: String(filename),
                                                contentType: file.contentType == "text/plain" && file.filename != nil ? Self.guessType(String(filename))
                                                    : Self.attachmentType(file.contentType, String(filename)),
                                                data: file.data, createdAt: Date(), memory: reservation)
                guard let id = await routes.uploads.put(upload) else {
                    throw APIFailure(status: .contentTooLarge, code: "too_large", message: call.language == .en
                        ? "Too many attachments." : "附件总大小超过限制")
                }
                return JSONValue.object(["id": .string(id), "filename": .string(upload.filename),
                                         "content_type": .string(upload.contentType), "size": .int(upload.data.count)]).response(.created)
            }
        }
        api.get("events") { request, context in
            await routes.run(request, context, csrf: false) { _, accounts in
                // A shared mailbox's stream is granted when it opens and lasts at most
                // `MailEvents.lifetime`; the browser's reconnect asks `ShareService` again.
                let token = request.cookie(CookieNames.session) ?? ""
                let sessions = routes.handler.security.sessions
                return try await MailEvents.stream(access: try await accounts.account(accountQuery(request)), ids: routes.ids,
                                                   stillOpen: { (try? await sessions.isOpen(token: token)) ?? false })
            }
        }
    }

    // MARK: - Running a mail request

    func run(_ request: Request, _ context: MailwardRequestContext, csrf: Bool,
             _ body: @escaping @Sendable (APICall, MailAccounts) async throws -> Response) async -> Response {
        let web = self.web
        let ids = self.ids
        let shares = self.shares
        return await handler.run(request, context) { call in
            let (session, _) = try await call.session(csrf: csrf)
            do {
                return try await body(call, MailAccounts(web: web, ids: ids, shares: shares, viewer: session.account))
            } catch {
                throw Self.failure(error, call.language) ?? error
            }
        }
    }

    /// Mail and submission errors as API refusals.
    static func failure(_ error: any Error, _ language: Language) -> APIFailure? {
        let en = language == .en
        switch error {
        case MailAccess.Failure.busy:
            return .busyReceiving(language)
        case is MailAccess.Failure, MailError.noSuchMessage, MailError.noSuchMailbox:
            return .notFound(language)
        case MailError.mailboxExists:
            return APIFailure(status: .conflict, code: "mailbox_exists", message: en ? "A folder with this name exists." : "文件夹已存在")
        case MailError.invalidMailboxName, MailError.cannotDeleteInbox:
            return APIFailure(status: .badRequest, code: "invalid_mailbox_name",
                              message: en ? "This folder name cannot be used, or this folder cannot be changed." : "文件夹名称无效或该文件夹不能修改")
        case MailError.hasChildren:
            return APIFailure(status: .conflict, code: "mailbox_has_children",
                              message: en ? "This folder has subfolders; delete them first." : "该文件夹包含子文件夹，请先删除子文件夹")
        case MailError.quotaExceeded:
            return APIFailure(status: .init(code: 507, reasonPhrase: "Insufficient Storage"), code: "quota_exceeded", message: en ? "The mailbox is full." : "邮箱空间已满")
        case let reached as SendingLimitReached:
            // 429 with Retry-After while the limit holds; 422 for a message that never fits.
            return APIFailure(status: reached.retryAfter == nil ? .unprocessableContent : .tooManyRequests, code: "sending_limit",
                              message: reached.message(chinese: !en), retryAfter: reached.retryAfter)
        case let error as SubmissionError:
            switch error {
            case .senderNotAllowed(let a):
                return APIFailure(status: .forbidden, code: "sender_not_allowed", message: en ? "You may not send as \(a)." : "不能以 \(a) 的身份发信")
            case .invalidAddress(let a):
                return APIFailure(status: .unprocessableContent, code: "invalid_address", message: en ? "Not a valid address: \(a)" : "地址无效：\(a)")
            case .noRecipients:
                return APIFailure(status: .unprocessableContent, code: "no_recipients", message: en ? "Add at least one recipient." : "请填写收件人")
            case .unknownLocalRecipient(let a):
                return APIFailure(status: .unprocessableContent, code: "unknown_recipient", message: en ? "No such mailbox: \(a)" : "收件人不存在：\(a)")
            case .remoteDeliveryUnavailable(let list):
                let joined = list.joined(separator: ", ")
                return APIFailure(status: .unprocessableContent, code: "remote_delivery_unavailable",
                                  message: en ? "This server does not send mail to other domains: \(joined)" : "本服务器未开通外部投递，无法发送到：\(joined)")
            case .tooLarge(let limit):
                return APIFailure(status: .contentTooLarge, code: "too_large", message: en ? "The message exceeds \(limit >> 20) MB." : "邮件超过 \(limit >> 20) MB")
            case .recipientMailboxFull(let list):
                return APIFailure(status: .init(code: 507, reasonPhrase: "Insufficient Storage"), code: "recipient_mailbox_full",
                                  message: en ? "The recipient's mailbox is full: \(list.joined(separator: ", "))"
                                      : "收件人邮箱已满：\(list.joined(separator: "、"))")
            }
        default:
            return nil
        }
    }

    /// `offset` ≥ 0 and `limit` ≥ 1, else 400; a `limit` above ``maxLimit`` asks for "as many as
    /// you give": it is lowered to it (the answer's `limit` says so), as the page sizes of most
    /// APIs are.
    static func paging(_ request: Request, _ language: Language) throws -> (Int, Int) {
        let query = request.uri.queryParameters
        let offset = query["offset"].map { Int(String($0)) } ?? 0
        let limit = query["limit"].map { Int(String($0)) } ?? defaultLimit
        guard let offset, let limit, offset >= 0, limit >= 1 else {
            throw APIFailure.badRequest(language, language == .en ? "offset ≥ 0 and limit ≥ 1" : "分页参数无效")
        }
        return (offset, min(limit, maxLimit))
    }

    // MARK: - Sending

    /// The account whose address a message goes out from: the viewer's own (also for an alias
    /// or an empty `From`), or a shared mailbox's owner — then `require(.send)` asks the table.
    func sendingAccount(_ from: String, accounts: MailAccounts) async throws -> MailAccess {
        guard let parsed = AddressParser.parse(from).first, let address = try? EmailAddress(parsed.address),
              address != accounts.viewer.address,
              try await accounts.received().contains(where: { $0.other == address }) else { return accounts.own }
        return try await accounts.account(address.description)
    }

    /// After a reply: the answered message gets `\Answered` (in a shared mailbox only when the
    /// permission allows other flags); a sent draft leaves the viewer's Drafts.
    func afterSending(_ body: JSONBody, accounts: MailAccounts) async throws {
        if let token = body.optionalString("reply_to_id"), let access = try? await accounts.account(of: .message, token),
           let (record, _) = try? await access.message(token), (try? await access.require(.changeOtherFlags)) != nil {
            try await access.setFlag(MessageFlags.answered, true, record)
        }
        let own = accounts.own
        if let token = body.optionalString("draft_id"), let (record, box) = try? await own.message(token), box.specialUse == .drafts {
            _ = try await own.mail.remove(mailboxID: box.id, uids: [record.uid], onlyDeleted: false)
        }
    }

    /// An attachment as a download: never rendered by the browser (`attachment`, nosniff, and
    /// active types sent as octet-stream), the filename in RFC 6266 form.
    static func download(_ data: [UInt8], attachment: MessageContent.Attachment, index: Int) -> Response {
        let passive: Set<String> = ["application/pdf", "image/png", "image/jpeg", "image/gif", "image/webp", "text/plain",
                                    "application/zip", "text/csv", "audio/mpeg", "video/mp4"]
        let type = passive.contains(attachment.contentType) ? attachment.contentType : "application/octet-stream"
        return Response(status: .ok, headers: [
            .contentType: type,
            .contentDisposition: ContentDisposition.attachment(attachment.filename ?? "attachment-\(index + 1)"),
            .cacheControl: "private, no-store",
            .contentSecurityPolicy: "default-src 'none'; sandbox",
        ], body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}
