import Foundation
import MailwardCore
import MailwardMIME
import MailwardNet

/// What the webmail needs from Core: the mail storage use cases and sending. `nil` in a
/// `WebDoor` means no mail pages and no mail API.
public struct WebMail: Sendable {
    public let mail: MailService
    public let submission: SubmissionService
    /// Largest attachment upload (bytes); also bounds a send request's JSON body.
    public let maxUploadSize: Int
    /// Memory for messages and uploads being received, shared with the server's other doors.
    public let budget: MessageMemoryBudget

    public init(mail: MailService, submission: SubmissionService, maxUploadSize: Int = 20 << 20,
                budget: MessageMemoryBudget = MessageMemoryBudget()) {
        self.mail = mail
        self.submission = submission
        self.maxUploadSize = maxUploadSize
        self.budget = budget
    }
}

/// One account's mail as the signed-in viewer sees it — the viewer's own, or a mailbox shared
/// with the viewer (`MailAccounts` decides which) — shared by the API and the pages. Every
/// lookup by an opaque id checks that the mailbox belongs to `account`; anything else is
/// `notFound`. What the viewer may do is asked of `ShareService` action by action (`require`).
struct MailAccess: Sendable {
    let web: WebMail
    let ids: MailIDs
    /// Whose mail this is: the viewer's own account or the owner of a shared mailbox.
    let account: Account
    /// The signed-in account.
    let viewer: Account
    /// The viewer's access as `ShareService` answered it for this request (`.owner` for own mail).
    let access: AccessPolicy.Access
    let shares: ShareService?

    init(web: WebMail, ids: MailIDs, account: Account, viewer: Account, access: AccessPolicy.Access, shares: ShareService?) {
        self.web = web
        self.ids = ids
        self.account = account
        self.viewer = viewer
        self.access = access
        self.shares = shares
    }

    /// The viewer's own mail.
    init(web: WebMail, ids: MailIDs, own account: Account, shares: ShareService?) {
        self.init(web: web, ids: ids, account: account, viewer: account, access: .owner, shares: shares)
    }

    enum Failure: Error {
        case notFound
        /// A large message cannot be read now: the server's message memory is in use (503 busy).
        case busy
    }

    var mail: MailService { web.mail }

    /// True when the viewer works in someone else's mailbox.
    var isShared: Bool { viewer.id != account.id }

    /// Whether to offer an action (buttons): the permission table's answer for this request.
    func offers(_ action: MailboxAction) -> Bool { AccessPolicy.allows(access, action) }

    /// Asks `ShareService` again right before acting; throws `ShareError.denied` (403) when the
    /// table forbids it, `.notFound` when the grant is gone.
    func require(_ action: MailboxAction) async throws {
        guard isShared else { return }
        guard let shares else { throw Failure.notFound }
        try await shares.authorize(viewer.id, action, on: account.id)
    }

    /// Audits what a grantee did in the shared mailbox (the owner sees it); nothing for own mail.
    func record(_ action: MailboxAction, _ detail: String, ip: String?) async {
        guard isShared, let shares else { return }
        await shares.recordGranteeAction(viewer, ownerID: account.id, action: action, door: .web, ip: ip, detail: detail)
    }

    /// A short description of a message for the audit log.
    static func describe(_ record: MessageRecord) -> String {
        let subject = record.summary.subject.isEmpty ? "(no subject)" : String(record.summary.subject.prefix(120))
        return "“\(subject)”"
    }

    // MARK: Mailboxes

    /// INBOX, then the special-use folders in a fixed order, then the others by name.
    func mailboxes() async throws -> [(Mailbox, MailboxCounts)] {
        let order: [SpecialUse?] = [nil, .drafts, .sent, .trash, .junk, .archive]
        let all = try await mail.store.mailboxes(accountID: account.id)
        func rank(_ m: Mailbox) -> Int {
            if m.isInbox { return 0 }
            if let use = m.specialUse, let i = order.firstIndex(of: use) { return i + 1 }
            return 100
        }
        // A subfolder goes with its top folder (INBOX/项目 right after INBOX).
        var ranks: [String: Int] = [:]
        for box in all { ranks[box.name] = rank(box) }
        let boxes = all.sorted { a, b in
            func key(_ m: Mailbox) -> (Int, String) {
                let top = String(m.name.prefix { $0 != "/" })
                return FolderNesting.sortKey(rank: ranks[top] ?? rank(m), name: m.name)
            }
            return key(a) < key(b)
        }
        var result: [(Mailbox, MailboxCounts)] = []
        for box in boxes { result.append((box, try await mail.store.counts(mailboxID: box.id))) }
        return result
    }

    /// A folder by its opaque id — or, for API clients, by its own name (`INBOX`, `项目/2026`).
    func mailbox(_ token: String?) async throws -> Mailbox {
        if let id = ids.decode(.mailbox, token, account: account.id) {
            guard let box = try await mail.store.mailbox(id: id), box.accountID == account.id else { throw Failure.notFound }
            return box
        }
        guard let token, let name = try? MailboxName.normalize(token),
              let box = try await mail.store.mailbox(accountID: account.id, name: name) else { throw Failure.notFound }
        return box
    }

    func message(_ token: String?) async throws -> (MessageRecord, Mailbox) {
        guard let id = ids.decode(.message, token, account: account.id),
              let record = try await mail.store.message(id: id),
              let box = try await mail.store.mailbox(id: record.mailboxID), box.accountID == account.id else { throw Failure.notFound }
        return (record, box)
    }

    func special(_ use: SpecialUse) async throws -> Mailbox {
        guard let box = try await mail.mailbox(accountID: account.id, specialUse: use) else { throw Failure.notFound }
        return box
    }

    /// The name the webmail shows: localized for INBOX and special-use folders.
    static func displayName(_ box: Mailbox, _ language: Language) -> String {
        if box.isInbox { return inboxName(language) }
        if let use = box.specialUse { return use.localizedName(chinese: language != .en) }
        return box.name
    }

    /// The same for a folder known only by its name (the audit log keeps names): INBOX and the
    /// special folders' default names are said in the page language, other names as they are.
    static func displayName(named name: String, _ language: Language) -> String {
        if name.uppercased() == Mailbox.inbox { return inboxName(language) }
        if let use = SpecialUse.allCases.first(where: { $0.defaultName.caseInsensitiveCompare(name) == .orderedSame }) {
            return use.localizedName(chinese: language != .en)
        }
        return name
    }

    static func inboxName(_ language: Language) -> String { language == .en ? "Inbox" : "收件箱" }

    // MARK: Lists

    /// One page of a mailbox, newest first.
    func page(_ box: Mailbox, offset: Int, limit: Int) async throws -> (total: Int, records: [MessageRecord]) {
        try await mail.store.messagePage(mailboxID: box.id, offset: offset, limit: limit)
    }

    /// One page of a search over all folders (or one), newest first.
    func search(_ query: String, in box: Mailbox?, offset: Int, limit: Int, ip: String?) async throws -> (total: Int, records: [MessageRecord]) {
        try await page(of: try await searchMatches(query, in: box, ip: ip), offset: offset, limit: limit)
    }

    /// What a search over all folders (or one) finds, newest first (MailStore.searchText). A
    /// grantee's search is in the owner's log (B6): its results show what the messages say.
    func searchMatches(_ query: String, in box: Mailbox?, ip: String?) async throws -> [MessageID] {
        let ids = try await mail.search(accountID: account.id, mailboxID: box?.id, query: query)
        await shares?.recordGranteeSearch(viewer, ownerID: account.id, words: [query], folder: box?.name, found: ids.count,
                                          door: .web, ip: ip)
        return ids
    }

    /// One page of search results: only the page's records are read.
    func page(of matches: [MessageID], offset: Int, limit: Int) async throws -> (total: Int, records: [MessageRecord]) {
        var records: [MessageRecord] = []
        for id in matches.dropFirst(max(0, offset)).prefix(max(0, limit)) {
            if let record = try await mail.store.message(id: id) { records.append(record) }
        }
        return (matches.count, records)
    }

    // MARK: Changes

    func setFlag(_ flag: String, _ on: Bool, _ record: MessageRecord) async throws {
        _ = try await mail.updateFlags(mailboxID: record.mailboxID, uids: [record.uid],
                                       change: on ? .add([flag]) : .remove([flag]))
    }

    /// Moves to another of the account's folders; returns the new copy.
    func move(_ record: MessageRecord, to destination: Mailbox) async throws -> MessageRecord? {
        guard destination.id != record.mailboxID else { return record }
        // The record's own flags tell which keywords it carries (no read of the whole folder).
        let state = MessageState(uid: record.uid, modSeq: record.modSeq, flags: record.flags)
        let mapping = try await mail.move(uids: [record.uid], from: record.mailboxID, to: destination.id, census: [state])
        guard let uid = mapping.first?.destination else { return nil }
        return try await mail.store.messages(mailboxID: destination.id, uids: [uid]).first
    }

    /// Delete: to Trash; in Trash (or with no Trash), removed for good. Returns the Trash copy.
    @discardableResult
    func delete(_ record: MessageRecord, in box: Mailbox) async throws -> MessageRecord? {
        if box.specialUse != .trash, let trash = try await mail.mailbox(accountID: account.id, specialUse: .trash) {
            return try await move(record, to: trash)
        }
        _ = try await mail.remove(mailboxID: box.id, uids: [record.uid], onlyDeleted: false)
        return nil
    }

    // MARK: Content

    struct Content {
        var parsed: ParsedMessage
        var content: MessageContent
        var raw: [UInt8]
        /// What a large message holds of the server's message memory budget while it is read,
        /// shown or downloaded (given back with this value).
        var memory: MemoryReservation?
    }

    /// The message read whole, with its parse and parts. A message over a MiB first takes twice
    /// its size (the bytes, and an attachment decoded from them) from the budget the doors share
    /// for messages being received: many large messages opened at once are refused (503 busy)
    /// instead of exhausting the server's memory.
    func content(_ record: MessageRecord) async throws -> Content {
        let memory = MemoryReservation(budget: web.budget)
        guard memory.coverWholeRead(ofMessageSized: record.size) else { throw Failure.busy }
        let raw = try await mail.raw(record)
        let parsed = try await mail.parsed(record, raw: raw)
        return Content(parsed: parsed, content: MessageContent.extract(from: parsed.bodyStructure, in: raw), raw: raw, memory: memory)
    }

    /// The HTML body made safe (or the text body escaped and linkified), `cid:` images embedded
    /// as data URLs from the message's own image parts.
    func safeHTML(_ content: Content, allowImages: Bool) -> HTMLSanitizer.Result {
        guard let html = content.content.htmlBody else {
            return .init(html: PlainText.html(content.content.textBody ?? ""), blockedImages: 0)
        }
        var inline: [String: String] = [:]
        var budget = 8 << 20
        for attachment in content.content.attachments {
            guard let cid = attachment.contentID, PlainText.embeddableImages.contains(attachment.contentType),
                  let data = MessageContent.attachmentData(at: attachment.partPath, structure: content.parsed.bodyStructure, in: content.raw),
                  data.count <= budget else { continue }
            budget -= data.count
            inline[cid] = "data:\(attachment.contentType);base64," + Data(data).base64EncodedString()
        }
        let images = inline
        return HTMLSanitizer(allowRemoteImages: allowImages, inlineImage: { images[$0] }).sanitize(html)
    }

    /// Addresses this account wrote to or heard from recently (Sent recipients, INBOX senders),
    /// most recent first, matching `prefix` in the name or address.
    func contacts(matching prefix: String, limit: Int = 10) async throws -> [MailAddress] {
        var candidates: [(Date, MailAddress)] = []
        for use in [SpecialUse.sent] {
            guard let box = try await mail.mailbox(accountID: account.id, specialUse: use) else { continue }
            for record in try await mail.store.messagePage(mailboxID: box.id, offset: 0, limit: 300).records {
                for address in AddressParser.parse(record.summary.to) { candidates.append((record.internalDate, address)) }
            }
        }
        let inbox = try await mail.inbox(accountID: account.id)
        for record in try await mail.store.messagePage(mailboxID: inbox.id, offset: 0, limit: 300).records {
            if let address = record.summary.fromAddress {
                candidates.append((record.internalDate, MailAddress(displayName: record.summary.fromName, address: address)))
            }
        }
        let needle = prefix.lowercased()
        var seen = Set<String>()
        var result: [MailAddress] = []
        for (_, address) in candidates.sorted(by: { $0.0 > $1.0 }) {
            let key = address.address.lowercased()
            guard key.contains("@"), key != account.address.description,
                  needle.isEmpty || key.contains(needle) || (address.displayName?.lowercased().contains(needle) ?? false),
                  seen.insert(key).inserted else { continue }
            result.append(address)
            if result.count >= limit { break }
        }
        return result
    }
}
