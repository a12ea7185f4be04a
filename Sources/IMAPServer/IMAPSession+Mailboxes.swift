import Foundation
import IMAPCodec
import MailwardCore
import NIOCore

/// Authenticated state: mailboxes (SELECT, CREATE, LIST, STATUS, APPEND…), QUOTA and ACL.
extension IMAPSession {
    var accountID: AccountID { state.login!.account.id }

    /// The canonical folder name of a wire name (modified UTF-7 or UTF-8), or throws `invalidMailboxName`.
    func folderName(_ wire: IMAPCodec.MailboxName) throws -> String {
        try MailwardCore.MailboxName.normalize(try decode(wire))
    }

    /// The Unicode text of a wire name or pattern (no normalization).
    func decode(_ wire: IMAPCodec.MailboxName) throws -> String {
        do {
            return try wire.decoded(utf8Accept: state.utf8Accept)
        } catch {
            throw MailError.invalidMailboxName(wire.description)
        }
    }

    /// One of the session's own folders (commands that never reach a colleague's mailbox).
    func existingMailbox(_ wire: IMAPCodec.MailboxName) async throws -> Mailbox {
        let name = try folderName(wire)
        guard let mailbox = try await store.mailbox(accountID: accountID, name: name) else {
            throw MailError.noSuchMailbox(name)
        }
        return mailbox
    }

    // MARK: SELECT / EXAMINE

    func select(_ wire: IMAPCodec.MailboxName, parameters: [SelectParameter], readOnly: Bool) async throws -> StatusResponse {
        // The QRESYNC parameter needs `ENABLE QRESYNC` first (RFC 7162 §3.2.5): refused, not
        // ignored — a client told OK would take its resync for done without the VANISHED data.
        // Nothing changes then: the mailbox selected stays selected.
        let resync = parameters.lazy.compactMap { if case .qresync(let p) = $0 { p } else { nil } }.first
        if resync != nil, !state.qresyncEnabled {
            return StatusResponse(.bad, text: "QRESYNC is not enabled")
        }
        if state.selected != nil {
            state.deselect()
            send(.untagged(.status(StatusResponse(.ok, code: .closed, text: "Previous mailbox closed"))))
        }
        if parameters.contains(where: { if case .condstore = $0 { true } else { false } }) {
            state.enableCondstoreImplicitly()
        }
        let target = try await target(wire)
        let mailbox = target.mailbox
        // A grantee who may change nothing gets the mailbox read-only (SPEC S, RFC 4314 §4), and
        // so does every session of a read-only client-specific password (B4).
        let examined = readOnly
        let readOnly = readOnly || !SharedMailboxRules.mayWrite(target.access) || state.login?.credential.isReadOnly == true
        // UIDs, flags and MODSEQs only: no summaries are decoded to select a mailbox.
        guard let all = try await store.changes(mailboxID: mailbox.id, since: 0) else { throw MailError.noSuchMailbox(target.wireName) }
        var snapshot = SelectedMailbox(mailbox: mailbox, states: all.changed, readOnly: readOnly, examined: examined,
                                       name: target.wireName, highestModSeq: all.highestModSeq)
        if let recent = try await recentToTake(mailboxID: mailbox.id, readOnly: readOnly) { snapshot.addRecent(recent) }
        send(.untagged(.flags(Self.systemFlags + snapshot.keywords.sorted.map(Flag.init(wire:)))))
        send(.untagged(.status(Self.permanentFlags(of: snapshot))))
        send(.untagged(.exists(UInt32(snapshot.count))))
        send(.untagged(.recent(UInt32(snapshot.recentCount))))
        if let unseen = snapshot.firstUnseen {
            send(.untagged(.status(StatusResponse(.ok, code: .unseen(unseen), text: "First unseen"))))
        }
        send(.untagged(.status(StatusResponse(.ok, code: .uidValidity(mailbox.uidValidity), text: "UIDs valid"))))
        send(.untagged(.status(StatusResponse(.ok, code: .uidNext(mailbox.uidNext), text: "Predicted next UID"))))
        send(.untagged(.status(StatusResponse(.ok, code: .highestModSeq(MessageMapping.wireModSeq(all.highestModSeq)),
                                              text: "Highest"))))
        // The client's cache is of this mailbox (same UIDVALIDITY): what changed since its MODSEQ.
        if let resync, resync.uidValidity == mailbox.uidValidity {
            try await sendResync(since: resync, snapshot: snapshot, states: all.changed, uidNext: mailbox.uidNext)
        }
        state.didSelect(snapshot)
        selectedAccess = target.access
        return ok(examined ? "EXAMINE completed" : "SELECT completed", code: readOnly ? .readOnly : .readWrite)
    }

    /// RFC 7162 §3.2.5.1: after SELECT/EXAMINE's usual answers, `VANISHED (EARLIER)` for the
    /// client's known UIDs no longer here (when anything was expunged since its MODSEQ, see
    /// ``VanishedUIDs``), then `FETCH (UID FLAGS MODSEQ)` for every message changed since — new
    /// ones included. `states` are the snapshot's, so both agree with the numbers it gives.
    private func sendResync(since resync: QResyncParameter, snapshot: SelectedMailbox, states: [MessageState],
                            uidNext: MessageUID) async throws {
        let since = ModSeq(clamping: resync.modSequence)
        if try await store.changes(mailboxID: snapshot.mailboxID, since: since)?.uids != nil {
            let largest = uidNext > 0 ? uidNext - 1 : 0
            let asked: [ClosedRange<UInt32>] = switch resync.knownUIDs {
            case .ranges(let ranges)?: SelectedMailbox.merged(ranges, largest: largest)
            case .lastSearchResult?, nil: largest > 0 ? [1...largest] : []
            }
            let missing = VanishedUIDs.missing(from: asked, largestAssigned: largest, present: snapshot.uids)
            if let vanished = VanishedUIDs.response(missing) { send(.untagged(vanished)) }
        }
        for state in states where state.modSeq > since {
            guard let number = snapshot.sequenceNumber(of: state.uid) else { continue }
            send(.untagged(.fetch(number, FlagChangeFetch.items(uid: state.uid, flags: snapshot.wireFlags(state.flags, uid: state.uid),
                                                                modSeq: state.modSeq, condstore: true, withUID: true))))
        }
    }

    /// RFC 3501 §2.3.2 `\Recent`: a session that may change the mailbox takes, for itself
    /// alone, the messages no session has seen yet (the store's claim is atomic across sessions
    /// and nodes) — at SELECT and whenever new messages are announced. A read-only one (EXAMINE,
    /// a read-only share) takes nothing (RFC 3501 §6.3.2): at SELECT it shows as recent every
    /// UID above the mailbox's recent mark. Nil: nothing (more) is recent.
    func recentToTake(mailboxID: MailboxID, readOnly: Bool) async throws -> ClosedRange<MessageUID>? {
        guard readOnly else { return try await store.claimRecent(mailboxID: mailboxID) }
        let recent = try await store.recentMessages(mailboxID: mailboxID)
        return recent.claimedThrough < .max ? (recent.claimedThrough + 1)...MessageUID.max : nil
    }

    static let systemFlags: [Flag] = [.answered, .flagged, .deleted, .seen, .draft]

    /// `OK [PERMANENTFLAGS …]`: none while the mailbox is read-only; without `\*` once it has
    /// all the keywords it may (``KeywordLimit``).
    static func permanentFlags(of mailbox: SelectedMailbox) -> StatusResponse {
        let flags = systemFlags + mailbox.keywords.sorted.map(Flag.init(wire:))
        let allowsNew = !mailbox.readOnly && KeywordLimit.allowsNewKeywords(mailbox.keywords)
        return StatusResponse(.ok, code: .permanentFlags(mailbox.readOnly ? [] : flags, allowsNewKeywords: allowsNew),
                              text: mailbox.readOnly ? "No permanent flags permitted" : "Flags permitted")
    }

    // MARK: CREATE / DELETE / RENAME / SUBSCRIBE

    func create(_ wire: IMAPCodec.MailboxName, specialUse: [MailboxAttribute]) async throws -> StatusResponse {
        var raw = try decode(wire)
        // A trailing delimiter only says the client means to create children (RFC 3501 §6.3.3).
        while raw.hasSuffix("/") { raw.removeLast() }
        let name = try MailwardCore.MailboxName.normalize(raw)
        if name == Mailbox.inbox { throw MailError.mailboxExists(name) }
        try await refuseSharedManagement(name)
        let use = specialUse.lazy.compactMap { attribute in
            SpecialUse.allCases.first { $0.rawValue.lowercased() == attribute.description.lowercased() }
        }.first
        if !specialUse.isEmpty, use == nil {
            return StatusResponse(.no, code: .useAttribute, text: "Unsupported special-use attribute")
        }
        try await mail.createMailbox(accountID: accountID, name: name, specialUse: use)
        return ok("CREATE completed")
    }

    func delete(_ wire: IMAPCodec.MailboxName) async throws -> StatusResponse {
        try await refuseSharedManagement(try folderName(wire))
        let mailbox = try await existingMailbox(wire)
        try await mail.deleteMailbox(mailbox)
        if state.selected?.mailboxID == mailbox.id {
            // The session's own selected mailbox: deselected, and said so (RFC 7162 §3.2.11's
            // CLOSED), so the client does not go on with commands that need a mailbox.
            state.deselect()
            send(.untagged(.status(StatusResponse(.ok, code: .closed, text: "Selected mailbox deleted"))))
        }
        return ok("DELETE completed")
    }

    func rename(_ from: IMAPCodec.MailboxName, to: IMAPCodec.MailboxName) async throws -> StatusResponse {
        try await refuseSharedManagement(try folderName(from))
        try await refuseSharedManagement(try folderName(to))
        let mailbox = try await existingMailbox(from)
        let newName = try folderName(to)
        if try await store.mailbox(accountID: accountID, name: newName) != nil { throw MailError.mailboxExists(newName) }
        if mailbox.isInbox {
            try await mail.moveInboxMessages(mailbox, toNewFolder: newName)
        } else {
            try await mail.renameMailbox(mailbox, to: newName)
        }
        return ok("RENAME completed")
    }

    func subscribe(_ wire: IMAPCodec.MailboxName, _ subscribed: Bool) async throws -> StatusResponse {
        let name = try folderName(wire)
        if SharedNamespace.place(of: name) != nil {
            _ = try await target(wire)
            return ok("Shared mailboxes are always subscribed")
        }
        if subscribed, try await store.mailbox(accountID: accountID, name: name) == nil { throw MailError.noSuchMailbox(name) }
        try await store.setSubscribed(accountID: accountID, name: name, subscribed)
        return ok(subscribed ? "SUBSCRIBE completed" : "UNSUBSCRIBE completed")
    }

    // MARK: LIST / LSUB

    func list(_ command: ListCommand) async throws -> StatusResponse {
        let reference = try decode(command.reference)
        let patterns = try command.patterns.map { try decode(IMAPCodec.MailboxName(bytes: $0)) }
        let extended = !command.selectionOptions.isEmpty || !command.returnOptions.isEmpty
        if !extended, patterns.count == 1, patterns[0].isEmpty {
            // The hierarchy delimiter and root (RFC 3501 §6.3.8).
            send(.untagged(.list(ListResponse(attributes: [.noSelect], delimiter: "/", mailbox: ""))))
            return ok("LIST completed")
        }
        let onlySubscribed = command.selectionOptions.contains(.subscribed)
        // RFC 5258 §3: with RECURSIVEMATCH a folder under which something is subscribed is
        // listed with CHILDINFO ("SUBSCRIBED"), subscribed itself or not.
        let recursiveMatch = onlySubscribed && command.selectionOptions.contains(.recursiveMatch)
        let onlySpecialUse = command.selectionOptions.contains(.specialUse)
        let showSubscribed = onlySubscribed || command.returnOptions.contains(.subscribed)
        let statusAttributes = command.returnOptions.lazy.compactMap { option -> [StatusAttribute]? in
            if case .status(let attributes) = option { return attributes }
            return nil
        }.first
        let entries = try await listEntries()
        let subscribedNames = recursiveMatch ? entries.filter(\.subscribed).map(\.name) : []
        for entry in entries {
            guard patterns.contains(where: { ListPattern.matches(name: entry.name, pattern: reference + $0) }) else { continue }
            let childInfo = recursiveMatch && subscribedNames.contains { $0.hasPrefix(entry.name + "/") }
            if onlySubscribed, !entry.subscribed, !childInfo { continue }
            if onlySpecialUse, entry.specialUse == nil { continue }
            var attributes = entry.attributes
            if let use = entry.specialUse { attributes.append(MailboxAttribute(String(use.rawValue.dropFirst()))) }
            if showSubscribed, entry.subscribed { attributes.append(.subscribed) }
            send(.untagged(.list(ListResponse(attributes: attributes, delimiter: "/", mailbox: entry.name,
                                              childInfoSubscribed: childInfo))))
            if let statusAttributes, let mailbox = entry.mailbox {
                send(.untagged(.mailboxStatus(mailbox: entry.name, try await statusItems(mailbox, statusAttributes))))
            }
        }
        return ok("LIST completed")
    }

    func lsub(reference: IMAPCodec.MailboxName, pattern: [UInt8]) async throws -> StatusResponse {
        let reference = try decode(reference)
        let pattern = try decode(IMAPCodec.MailboxName(bytes: pattern))
        let subscribed = try await store.subscriptions(accountID: accountID).filter { SharedNamespace.place(of: $0) == nil }
        for (name, attributes) in Self.lsubLines(subscribed: subscribed, pattern: reference + pattern) {
            send(.untagged(.lsub(ListResponse(attributes: attributes, delimiter: "/", mailbox: name))))
        }
        // Shared folders count as subscribed; their parents are `\Noselect` (RFC 3501 §6.3.9).
        for entry in try await sharedListEntries() where ListPattern.matches(name: entry.name, pattern: reference + pattern) {
            let attributes: [MailboxAttribute] = entry.mailbox == nil ? [.noSelect] : []
            send(.untagged(.lsub(ListResponse(attributes: attributes, delimiter: "/", mailbox: entry.name))))
        }
        return ok("LSUB completed")
    }

    /// Pure: LSUB's lines for the own subscriptions, by name. A subscribed folder the pattern
    /// matches is listed; one it does not match, under a parent it does (`%` stops at a level),
    /// lists that parent instead, `\Noselect` unless subscribed itself (RFC 3501 §6.3.9: with
    /// "foo/bar" subscribed and "foo" not, `LSUB "" %` must return foo, flagged `\Noselect`).
    static func lsubLines(subscribed: [String], pattern: String) -> [(String, [MailboxAttribute])] {
        let subscribedSet = Set(subscribed)
        var lines: [String: [MailboxAttribute]] = [:]
        for name in subscribed {
            if ListPattern.matches(name: name, pattern: pattern) {
                lines[name] = []
                continue
            }
            var parent = name
            while let slash = parent.lastIndex(of: "/") {
                parent = String(parent[..<slash])
                if ListPattern.matches(name: parent, pattern: pattern) {
                    if !subscribedSet.contains(parent) { lines[parent] = [.noSelect] }
                    break
                }
            }
        }
        return lines.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
    }

    /// One line of LIST: an own folder, a colleague's shared folder, or a `\Noselect` parent.
    struct ListEntry {
        var name: String
        var attributes: [MailboxAttribute]
        var mailbox: Mailbox?
        var subscribed: Bool
        var specialUse: SpecialUse?
    }

    /// The own folders (INBOX first), then `Shared`, each colleague and their folders.
    func listEntries() async throws -> [ListEntry] {
        let mailboxes = try await store.mailboxes(accountID: accountID)
        let subscribed = Set(try await store.subscriptions(accountID: accountID))
        let names = mailboxes.map(\.name)
        var entries = Self.listOrder(mailboxes).map { mailbox in
            ListEntry(name: mailbox.name, attributes: [Self.childrenAttribute(mailbox.name, among: names)], mailbox: mailbox,
                      subscribed: subscribed.contains(mailbox.name), specialUse: mailbox.specialUse)
        }
        entries += try await sharedListEntries()
        return entries
    }

    /// What `ShareService` says is shared with this account right now, as LIST entries.
    /// Special-use attributes are left out, so no client takes a colleague's Sent for its own.
    func sharedListEntries() async throws -> [ListEntry] {
        let received = try await door.shares.received(by: account)
        guard !received.isEmpty else { return [] }
        var entries = [ListEntry(name: SharedNamespace.root, attributes: [.noSelect, .hasChildren], subscribed: false)]
        for listing in received {
            entries.append(ListEntry(name: SharedNamespace.ownerFolder(listing.other), attributes: [.noSelect, .hasChildren],
                                     subscribed: false))
            let mailboxes = try await store.mailboxes(accountID: listing.grant.ownerID)
            let names = mailboxes.map(\.name)
            for mailbox in Self.listOrder(mailboxes) {
                entries.append(ListEntry(name: SharedNamespace.name(owner: listing.other, folder: mailbox.name),
                                         attributes: [Self.childrenAttribute(mailbox.name, among: names)], mailbox: mailbox,
                                         subscribed: true))
            }
        }
        return entries
    }

    static func childrenAttribute(_ name: String, among names: [String]) -> MailboxAttribute {
        names.contains { $0.hasPrefix(name + "/") } ? .hasChildren : .hasNoChildren
    }

    /// INBOX first, then by name.
    static func listOrder(_ mailboxes: [Mailbox]) -> [Mailbox] {
        mailboxes.sorted { a, b in
            if a.isInbox != b.isInbox { return a.isInbox }
            return a.name < b.name
        }
    }

    // MARK: STATUS

    func status(_ wire: IMAPCodec.MailboxName, attributes: [StatusAttribute]) async throws -> StatusResponse {
        let target = try await target(wire)
        send(.untagged(.mailboxStatus(mailbox: target.wireName, try await statusItems(target.mailbox, attributes))))
        return ok("STATUS completed")
    }

    func statusItems(_ mailbox: Mailbox, _ attributes: [StatusAttribute]) async throws -> [MailboxStatusItem] {
        let counts = try await store.counts(mailboxID: mailbox.id)
        var items: [MailboxStatusItem] = []
        for attribute in attributes {
            switch attribute {
            case .messages: items.append(MailboxStatusItem(.messages, UInt64(counts.messages)))
            case .recent:
                // The messages no session has taken yet, and those this session took (RFC 3501
                // §2.3.2: they are \Recent to it alone) when it has the mailbox selected.
                var recent = try await store.recentMessages(mailboxID: mailbox.id).count
                if let selected = state.selected, selected.mailboxID == mailbox.id, !selected.readOnly {
                    recent += selected.recentCount
                }
                items.append(MailboxStatusItem(.recent, UInt64(recent)))
            case .uidNext: items.append(MailboxStatusItem(.uidNext, UInt64(mailbox.uidNext)))
            case .uidValidity: items.append(MailboxStatusItem(.uidValidity, UInt64(mailbox.uidValidity)))
            case .unseen: items.append(MailboxStatusItem(.unseen, UInt64(counts.unseen)))
            case .size: items.append(MailboxStatusItem(.size, UInt64(max(counts.size, 0))))
            case .highestModSeq:
                state.enableCondstoreImplicitly()
                items.append(MailboxStatusItem(.highestModSeq, MessageMapping.wireModSeq(mailbox.highestModSeq)))
            case .deleted:
                let states = try await store.changes(mailboxID: mailbox.id, since: 0)?.changed ?? []
                let deleted = states.filter { $0.flags.contains(MessageFlags.deleted) }.count
                items.append(MailboxStatusItem(.deleted, UInt64(deleted)))
            case .appendLimit:
                items.append(MailboxStatusItem(.appendLimit, UInt64(door.settings.limits.maxAppendLiteralSize)))
            case .mailboxID:
                break  // OBJECTID is not offered
            }
        }
        return items
    }

    // MARK: APPEND

    /// The mailbox APPEND, COPY or MOVE put messages into; nil when an own folder does not exist
    /// (answered `[TRYCREATE]`; a missing shared one is plainly `NONEXISTENT`).
    func destination(_ wire: IMAPCodec.MailboxName) async throws -> MailboxTarget? {
        let name = try folderName(wire)
        do {
            return try await target(wire)
        } catch MailError.noSuchMailbox where SharedNamespace.place(of: name) == nil {
            return nil
        }
    }

    func append(_ command: AppendCommand) async throws -> StatusResponse {
        guard let target = try await destination(command.mailbox) else {
            return StatusResponse(.no, code: .tryCreate, text: "No such mailbox")
        }
        try require(.insert, target.access)
        let mailbox = target.mailbox
        var uids: [UInt32] = []
        for message in command.messages {
            let flags = MessageFlags(message.flags.map(\.description))
            let record = try await mail.appendFromClient(Array(message.data.readableBytesView), to: mailbox, flags: flags,
                                                         internalDate: message.internalDate.map(MessageMapping.date),
                                                         binary: message.isBinary)
            uids.append(record.uid)
        }
        await recordShared(.insert, ownerID: mailbox.accountID, folder: target.wireName, "APPEND \(Self.describe(uids))")
        return ok("APPEND completed", code: .appendUID(uidValidity: mailbox.uidValidity, uids: SequenceSets.make(uids)))
    }

    // MARK: QUOTA (RFC 9208)

    func getQuotaRoot(_ wire: IMAPCodec.MailboxName) async throws -> StatusResponse {
        let target = try await target(wire)
        // A colleague's quota is theirs: a shared mailbox has no quota root for this session.
        guard !target.isShared else {
            send(.untagged(.quotaRoot(mailbox: target.wireName, roots: [])))
            return ok("GETQUOTAROOT completed")
        }
        let mailbox = target.mailbox
        send(.untagged(.quotaRoot(mailbox: mailbox.name, roots: [""])))
        try await sendQuota()
        return ok("GETQUOTAROOT completed")
    }

    func getQuota(root: String) async throws -> StatusResponse {
        guard root.isEmpty else { return StatusResponse(.no, code: .nonExistent, text: "No such quota root") }
        try await sendQuota()
        return ok("GETQUOTA completed")
    }

    func sendQuota() async throws {
        let usage = try await store.quota(accountID: accountID)
        // Both in units of 1 024 octets, rounded the same way (up): an account exactly at its
        // quota shows usage = limit, not one unit over it.
        let limit = usage.limitBytes == .max ? UInt64(Int64.max / 1024) : UInt64(max(usage.limitBytes, 0) + 1023) / 1024
        send(.untagged(.quota(root: "", [QuotaResource(name: "STORAGE", usage: UInt64(max(usage.usedBytes, 0) + 1023) / 1024,
                                                       limit: limit)])))
    }
}
