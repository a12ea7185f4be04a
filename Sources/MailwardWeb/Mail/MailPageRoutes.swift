import Foundation
import HTTPTypes
import Hummingbird
import MailwardCore
import MailwardMIME
import NIOCore

/// The webmail pages, rendered on the server (Mustache) and driven by `/static/app.js` through
/// the JSON API: the folder and message list (`/mail`, also search results), the reading page
/// (`/mail/message/{id}`) with the sanitized body in a sandboxed frame
/// (`/mail/message/{id}/body`), and the compose page (`/mail/compose`).
///
/// Shared mailboxes (SPEC S, seed 四): the list page switches between the own mailbox and each
/// one shared with the viewer (`?account=ADDR`); in a shared one every button the permission
/// forbids is absent (the API refuses the same actions), and reading never sets `\Seen` unless
/// the permission may change the unread state.
struct MailPageRoutes {
    let security: WebSecurity
    let web: WebMail
    let ids: MailIDs
    let renderer: PageRenderer

    static let pageSize = 25

    func register(on router: Router<MailwardRequestContext>) {
        let pages = self
        router.get("mail") { request, context -> Response in
            await pages.signedIn(request) { accounts, session in try await pages.list(request, accounts, session, ip: context.clientIP) }
        }
        router.get("mail/message/:id") { request, context -> Response in
            await pages.signedIn(request) { accounts, session in
                try await pages.read(context.parameters.get("id"), request, accounts, session, ip: context.clientIP)
            }
        }
        router.get("mail/message/:id/body") { request, context -> Response in
            await pages.signedIn(request) { accounts, _ in
                let token = context.parameters.get("id")
                let access = try await accounts.account(of: .message, token)
                let (record, _) = try await access.message(token)
                let images = request.uri.queryParameters["images"] == "1"
                return Self.frame(access.safeHTML(try await access.content(record), allowImages: images).html, images: images)
            }
        }
        router.get("mail/compose") { request, _ -> Response in
            await pages.signedIn(request) { accounts, session in try await pages.compose(request, accounts, session) }
        }
    }

    /// Runs a page for a signed-in user; otherwise to the sign-in page (503 while the store cannot
    /// be reached, whichever step meets the outage). Unknown ids are 404; an
    /// action the shared mailbox's permission forbids is 403 with the table's reason.
    func signedIn(_ request: Request, _ body: (MailAccounts, SignedInSession) async throws -> Response) async -> Response {
        let session: SignedInSession
        switch await PageSession.of(request, security) {
        case .signedIn(let signedIn): session = signedIn
        case .signedOut: return .redirect(to: "/login")
        case .storeUnavailable: return renderer.unavailable(language: request.language)
        }
        do {
            return try await body(MailAccounts(web: web, ids: ids, shares: security.shares, viewer: session.account), session)
        } catch let error as ShareError {
            if case .denied = error { return forbidden(request, session, error) }
            return gone(request, session)
        } catch StoreError.unavailable {
            return renderer.unavailable(language: request.language)
        } catch MailAccess.Failure.busy {
            return renderer.unavailable(language: request.language)
        } catch {
            return gone(request, session)
        }
    }

    /// 404 inside the normal page frame: a mailbox that is no longer shared (`?account=` of
    /// someone else) says 共享已取消, anything else 找不到该页面; both link back to 我的邮箱.
    func gone(_ request: Request, _ session: SignedInSession) -> Response {
        let en = request.language == .en
        let other = request.uri.queryParameters["account"].map(String.init)
            .map { $0.lowercased() != session.account.address.description.lowercased() } ?? false
        let strings = PageText.strings(request.language)
        var response = renderer.page("gone", request, signedIn: session, values: [
            "title": (other ? strings["share_gone"] : strings["not_found"]) ?? "",
            "detail": other ? strings["share_gone_detail"] ?? "" : (en ? "The message or folder does not exist (any more)." : "该邮件或文件夹不存在或已被删除。"),
        ])
        response.status = .notFound
        return response
    }

    /// 403 inside the normal page frame, with the permission table's reason (a grantee who
    /// opens, say, the compose page of a mailbox shared read-only).
    func forbidden(_ request: Request, _ session: SignedInSession, _ error: ShareError) -> Response {
        let en = request.language == .en
        var response = renderer.page("gone", request, signedIn: session, values: [
            "title": en ? "Not allowed" : "无权进行此操作",
            "detail": error.message(chinese: !en),
        ])
        response.status = .forbidden
        return response
    }

    // MARK: List

    func list(_ request: Request, _ accounts: MailAccounts, _ session: SignedInSession, ip: String?) async throws -> Response {
        let language = request.language
        let query = request.uri.queryParameters
        let access = try await accounts.account(query: query["account"].map(String.init), of: .mailbox, query["mailbox"].map(String.init))
        let boxes = try await access.mailboxes()
        let current: Mailbox
        if let token = query["mailbox"].map(String.init) {
            current = try await access.mailbox(token)
        } else {
            current = try await access.mail.inbox(accountID: access.account.id)
        }
        let search = FormQuery.searchText(request.uri.query)?.trimmingCharacters(in: .whitespaces).prefix(200).description ?? ""
        var offset = max(0, query["offset"].flatMap { Int(String($0)) } ?? 0)
        // Searched once (and audited once), whichever page is then shown.
        let matches = search.isEmpty ? nil : try await access.searchMatches(search, in: nil, ip: ip)
        func fetch() async throws -> (total: Int, records: [MessageRecord]) {
            if let matches { return try await access.page(of: matches, offset: offset, limit: Self.pageSize) }
            return try await access.page(current, offset: offset, limit: Self.pageSize)
        }
        var page = try await fetch()
        if page.records.isEmpty && page.total > 0 && offset > 0 {
            // Past the end (an old link, mail deleted meanwhile): the last page, with its way back.
            offset = (page.total - 1) / Self.pageSize * Self.pageSize
            page = try await fetch()
        }
        let currentToken = ids.mailbox(current.id, access.account.id)
        func link(_ offset: Int) -> String {
            var items = ["mailbox=\(currentToken)", "offset=\(offset)"]
            if !search.isEmpty { items.append("q=\(search.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")") }
            return "/mail?" + items.joined(separator: "&")
        }
        var boxNames: [MailboxID: String] = [:]
        for (box, _) in boxes { boxNames[box.id] = MailAccess.displayName(box, language) }
        let levels = FolderNesting.levels(boxes.map(\.0.name))
        let zone = request.timeZone
        var values: [String: Any] = [
            "folders": zip(boxes, levels).map { entry, level -> [String: Any] in
                let (box, counts) = entry
                return [
                    "id": ids.mailbox(box.id, access.account.id), "name": MailAccess.displayName(box, language),
                    "depth": min(level.depth, 4), "label": level.label ?? MailAccess.displayName(box, language),
                    "raw_name": box.name, "unseen": counts.unseen, "has_unseen": counts.unseen > 0,
                    "active": box.id == current.id && search.isEmpty, "custom": !box.isInbox && box.specialUse == nil,
                    "special": box.isInbox ? "inbox" : box.specialUse.map { String($0.rawValue.dropFirst()).lowercased() } ?? "",
                ]
            },
            "messages": page.records.map { record -> [String: Any] in
                let s = record.summary
                return [
                    "id": ids.message(record.id, access.account.id), "subject": s.subject.isEmpty ? (language == .en ? "(no subject)" : "（无主题）") : s.subject,
                    "from": current.specialUse == .sent || current.specialUse == .drafts ? s.to : (s.fromName ?? s.fromAddress ?? ""),
                    // When it arrived, as the list is ordered: a sender's `Date:` (a wrong clock, a
                    // forged one) would put dates out of order; the message page shows `Date:`.
                    "date": Self.format(record.internalDate, in: zone), "size": Self.size(record.size),
                    "unread": !record.flags.contains(MessageFlags.seen), "flagged": record.flags.contains(MessageFlags.flagged),
                    "attachment": s.hasAttachments, "preview": s.preview, "folder": boxNames[record.mailboxID] ?? "", "in_search": !search.isEmpty,
                    // The owner's drafts open for editing only for the owner; a grantee reads them.
                    "draft": record.flags.contains(MessageFlags.draft) && !access.isShared,
                ]
            },
            "empty": page.records.isEmpty,
            "just_sent": query["sent"] == "1",
            "mailbox_id": currentToken,
            "mailbox_name": search.isEmpty ? MailAccess.displayName(current, language) : (language == .en ? "Search: " : "搜索：") + search,
            "raw_name": current.name,
            "custom": !current.isInbox && current.specialUse == nil && search.isEmpty,
            "is_trash": current.specialUse == .trash && search.isEmpty && page.total > 0,
            "query": search,
            // An empty folder says so in words (`no_messages`), not with a lone "0".
            "range": page.total == 0 ? "" : "\(offset + 1)–\(offset + page.records.count) / \(page.total)",
            "prev": link(max(0, offset - Self.pageSize)), "has_prev": offset > 0,
            "next": link(offset + Self.pageSize), "has_next": offset + Self.pageSize < page.total,
        ]
        values.merge(try await SharedMailboxView.values(access, accounts, language: language)) { $1 }
        values["custom"] = (values["custom"] as? Bool ?? false) && access.offers(.manage)
        values["is_trash"] = (values["is_trash"] as? Bool ?? false) && access.offers(.delete)
        return renderer.page("mail", request, signedIn: session, values: values)
    }

    // MARK: Reading

    func read(_ token: String?, _ request: Request, _ accounts: MailAccounts, _ session: SignedInSession,
              ip: String?) async throws -> Response {
        let language = request.language
        let access = try await accounts.account(of: .message, token)
        var (record, box) = try await access.message(token)
        // Opening marks read — in a shared mailbox only when the permission may change the
        // unread state (S2): a read-only or send-on-behalf grantee leaves it for the owner.
        if !record.flags.contains(MessageFlags.seen), (try? await access.require(.changeUnread)) != nil {
            try await access.setFlag(MessageFlags.seen, true, record)
            record.flags.insert(MessageFlags.seen)
        }
        await access.record(.view, "read " + MailAccess.describe(record), ip: ip)
        let content = try await access.content(record)
        let parsed = content.parsed
        let id = ids.message(record.id, access.account.id)
        let images = request.uri.queryParameters["images"] == "1"
        let blocked = images ? 0 : access.safeHTML(content, allowImages: false).blockedImages
        func people(_ header: String) -> String {
            parsed.headers(named: header).flatMap(AddressParser.parse).map(\.formatted).joined(separator: ", ")
        }
        let shown = content.content.attachments.enumerated().filter {
            !($0.element.isInline && $0.element.contentID != nil && content.content.htmlBody != nil)
        }
        var values: [String: Any] = [
            "id": id, "has_attachments": !shown.isEmpty,
            "subject": record.summary.subject.isEmpty ? (language == .en ? "(no subject)" : "（无主题）") : record.summary.subject,
            "from": people("From"), "to": people("To"), "cc": people("Cc"), "has_cc": !people("Cc").isEmpty,
            "bcc": people("Bcc"), "has_bcc": !people("Bcc").isEmpty,
            "date": Self.format(record.summary.date ?? record.internalDate, in: request.timeZone),
            "body_url": "/mail/message/\(id)/body" + (images ? "?images=1" : ""),
            "blocked": blocked > 0, "allow_images_url": "/mail/message/\(id)?images=1",
            "attachments": shown.map { index, attachment -> [String: Any] in
                    ["url": "/api/v1/messages/\(id)/attachments/\(index)", "name": attachment.filename ?? "attachment-\(index + 1)",
                     "size": Self.size(attachment.size)]
                },
            "folders": try await access.mailboxes().filter { $0.0.id != box.id }.map { b, _ in
                ["id": ids.mailbox(b.id, access.account.id), "name": MailAccess.displayName(b, language)]
            },
            "mailbox_id": ids.mailbox(box.id, access.account.id),
            "back_url": "/mail?mailbox=\(ids.mailbox(box.id, access.account.id))",
            "flagged": record.flags.contains(MessageFlags.flagged),
            "is_draft": box.specialUse == .drafts && !access.isShared,
            // Deleting from Trash is for good: the page asks first.
            "in_trash": box.specialUse == .trash,
            "on_behalf": SharedMailboxView.onBehalf(parsed, language: language) ?? "",
        ]
        values["has_on_behalf"] = !(values["on_behalf"] as? String ?? "").isEmpty
        values.merge(try await SharedMailboxView.values(access, accounts, language: language)) { $1 }
        return renderer.page("message", request, signedIn: session, values: values)
    }

    /// The sanitized body as its own document, for a sandboxed frame: no scripts at all, images
    /// only from the message itself (data URLs) unless the user allowed remote ones.
    static func frame(_ html: String, images: Bool) -> Response {
        let document = "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><style>body{font-family:sans-serif;margin:8px;word-wrap:break-word}img{max-width:100%;height:auto}</style></head><body>\(html)</body></html>"
        let imageSources = images ? "data: http: https:" : "data:"
        return Response(status: .ok, headers: [
            .contentType: "text/html; charset=utf-8", .cacheControl: "private, no-store",
            .contentSecurityPolicy: "default-src 'none'; img-src \(imageSources); style-src 'unsafe-inline'; font-src 'none'; form-action 'none'; base-uri 'none'; frame-ancestors 'self'; sandbox allow-popups allow-popups-to-escape-sandbox",
            .mailwardFrameOptions: "SAMEORIGIN",
        ], body: .init(byteBuffer: ByteBuffer(string: document)))
    }

    // MARK: Compose

    func compose(_ request: Request, _ accounts: MailAccounts, _ session: SignedInSession) async throws -> Response {
        let language = request.language
        let query = request.uri.queryParameters
        // Whose address the message goes out from: a shared mailbox when composing there or
        // replying to one of its messages (the permission must allow sending: S4), else one's own.
        let access: MailAccess
        if let address = query["account"].map(String.init) {
            access = try await accounts.account(address)
        } else if let token = query["reply"].map(String.init) {
            access = try await accounts.account(of: .message, token)
        } else {
            access = accounts.own
        }
        try await access.require(.send)
        var values: [String: Any] = ["from": access.account.address.description, "to": "", "cc": "", "bcc": "", "subject": "", "body": "",
                                     "in_reply_to": "", "reply_to_id": "", "draft_id": "", "forward_id": "", "forward_name": ""]
        values["from_options"] = try await SharedMailboxView.senders(accounts, selected: access.account.address, language: language)
        if let token = query["draft"].map(String.init) {
            let access = accounts.own
            let (record, _) = try await access.message(token)
            let content = try await access.content(record)
            values["draft_id"] = token
            values["to"] = record.summary.to
            values["cc"] = content.parsed.headers(named: "Cc").joined(separator: ", ")
            values["bcc"] = content.parsed.headers(named: "Bcc").joined(separator: ", ")
            values["subject"] = record.summary.subject
            values["body"] = content.content.textBody ?? ""
            // Only a valid msg-id: the send API refuses anything else (422 `invalid_in_reply_to`).
            values["in_reply_to"] = content.parsed.header("In-Reply-To").flatMap(HeaderSyntax.messageID) ?? ""
            // A reply reopened by the language switch keeps the message it answers (for its
            // \Answered): only a message the viewer can read.
            if let reply = query["reply_to_id"].map(String.init), reply.utf8.count <= 200,
               let replied = try? await accounts.account(of: .message, reply), (try? await replied.message(reply)) != nil {
                values["reply_to_id"] = reply
            } else if let parent = values["in_reply_to"] as? String, !parent.isEmpty,
                      let answered = try? await access.mail.repliedMessage(inReplyTo: parent, accountID: access.account.id) {
                // A reply reopened from Drafts later: the message it answers, found by its id.
                values["reply_to_id"] = ids.message(answered.id, access.account.id)
            }
            // The draft's files stay with it (listed, removable, sent as parts of the draft).
            values["forwarded"] = Self.carriedAttachments(content.content, of: token)
            // A draft written from a shared address reopens with that address chosen (if it may still send).
            if let from = record.summary.fromAddress.flatMap({ try? EmailAddress($0) }) {
                values["from_options"] = try await SharedMailboxView.senders(accounts, selected: from, language: language)
            }
        } else if let token = query["reply"].map(String.init) {
            let mode = query["mode"].map(String.init) ?? "reply"
            let (record, _) = try await access.message(token)
            let content = try await access.content(record)
            let parsed = content.parsed
            let s = record.summary
            let sender = parsed.headers(named: "Reply-To").flatMap(AddressParser.parse).first
                ?? s.fromAddress.map { MailAddress(displayName: s.fromName, address: $0) }
            func render(_ a: MailAddress) -> String { a.formatted }
            let me = access.account.address.description.lowercased()
            let original = content.content.textBody ?? content.content.htmlBody.map { HTMLText.plainText(from: $0) } ?? ""
            let who = s.fromAddress.map { MailAddress(displayName: s.fromName, address: $0).formatted } ?? s.fromName ?? ""
            switch mode {
            case "forward", "attach":
                values["subject"] = Self.prefixed(language == .en ? "Fwd: " : "转发：", s.subject, also: ["fwd:", "fw:", "转发："])
                if mode == "attach" {
                    values["forward_id"] = token
                    values["forward_name"] = (s.subject.isEmpty ? "message" : s.subject) + ".eml"
                } else {
                    let en = language == .en
                    let header = en ? "---------- Forwarded message ----------" : "---------- 转发的邮件 ----------"
                    let (from, date, subject, to) = en ? ("From: ", "Date: ", "Subject: ", "To: ") : ("发件人：", "时间：", "主题：", "收件人：")
                    values["body"] = "\n\n\(header)\n\(from)\(who)\n\(date)\(Self.format(s.date ?? record.internalDate, in: request.timeZone))\n\(subject)\(s.subject)\n\(to)\(s.to)\n\n\(original)"
                    // The original's files go along (removable on the page), sent as
                    // `{"message_id","part"}`; inline images of an HTML body stay behind, like on the reading page.
                    values["forwarded"] = Self.carriedAttachments(content.content, of: token)
                }
            default:
                values["subject"] = Self.prefixed(language == .en ? "Re: " : "回复：", s.subject, also: ["re:", "回复："])
                values["to"] = sender.map(render) ?? ""
                if mode == "all" {
                    let others = (AddressParser.parse(s.to) + parsed.headers(named: "Cc").flatMap(AddressParser.parse))
                        .filter { $0.address.lowercased() != me && $0.address.lowercased() != sender?.address.lowercased() }
                    values["cc"] = others.map(render).joined(separator: ", ")
                }
                let quoted = original.split(separator: "\n", omittingEmptySubsequences: false).map { "> " + $0 }.joined(separator: "\n")
                let intro = language == .en ? "On \(Self.format(s.date ?? record.internalDate, in: request.timeZone)), \(who) wrote:" : "在 \(Self.format(s.date ?? record.internalDate, in: request.timeZone))，\(who) 写道："
                values["body"] = "\n\n\(intro)\n\(quoted)"
                // A received Message-ID that is not a msg-id is dropped: the reply goes out, unthreaded.
                values["in_reply_to"] = s.messageIDHeader.flatMap(HeaderSyntax.messageID) ?? ""
                values["reply_to_id"] = token
            }
        } else if let to = query["to"].map(String.init) {
            values["to"] = to
        }
        values["max_upload_mb"] = web.maxUploadSize >> 20
        values["has_forward"] = !(values["forward_id"] as? String ?? "").isEmpty
        return renderer.page("compose", request, signedIn: session, values: values)
    }

    /// The files of a stored message that a new one takes along — a plain forward's original, a
    /// reopened draft — as the compose page lists them and the send API takes them back
    /// (`{"message_id","part"}`). Inline images of an HTML body stay behind, as on the reading page.
    static func carriedAttachments(_ content: MessageContent, of token: String) -> [[String: Any]] {
        content.attachments.enumerated().filter {
            !($0.element.isInline && $0.element.contentID != nil && content.htmlBody != nil)
        }.map { index, attachment -> [String: Any] in
            ["message_id": token, "part": String(index), "name": attachment.filename ?? "attachment-\(index + 1)",
             "size": Self.size(attachment.size)]
        }
    }

    static func prefixed(_ prefix: String, _ subject: String, also: [String]) -> String {
        let lower = subject.lowercased()
        return also.contains(where: { lower.hasPrefix($0) }) ? subject : prefix + subject
    }

    /// `2026-11-29 15:02` in `zone`: the browser's (``Request/timeZone``), as the settings
    /// pages' script writes times, so a user in Beijing on a server in UTC sees one clock.
    static func format(_ date: Date, in zone: TimeZone) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute], from: date)
        return String(format: "%04d-%02d-%02d %02d:%02d", c.year ?? 0, c.month ?? 0, c.day ?? 0, c.hour ?? 0, c.minute ?? 0)
    }

    static func size(_ bytes: Int) -> String {
        if bytes < 1024 { return "\(bytes) B" }
        if bytes < 1024 * 1024 { return "\((bytes + 512) / 1024) KB" }
        return String(format: "%.1f MB", Double(bytes) / 1_048_576)
    }
}
