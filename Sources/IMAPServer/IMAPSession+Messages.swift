import Foundation
import IMAPCodec
import MailwardCore
import MailwardMIME
import MailwardNet
import NIOCore

/// Selected state: FETCH, STORE, SEARCH, COPY/MOVE, EXPUNGE.
extension IMAPSession {
    var selected: SelectedMailbox { state.selected! }

    // MARK: FETCH

    func fetch(_ set: SequenceSet, attributes requested: [FetchAttribute], modifiers: [FetchModifier],
               uid: Bool) async throws -> StatusResponse {
        var attributes = requested
        if uid, !attributes.contains(.uid) { attributes.insert(.uid, at: 0) }
        var changedSince: ModSeq?
        var vanished = false
        for modifier in modifiers {
            switch modifier {
            case .changedSince(let m): changedSince = ModSeq(clamping: m)
            case .vanished: vanished = true
            }
        }
        // RFC 7162 §3.2.6: VANISHED only after ENABLE QRESYNC, only in UID FETCH, only with
        // CHANGEDSINCE — BAD otherwise.
        if vanished {
            guard state.qresyncEnabled else { return StatusResponse(.bad, text: "QRESYNC is not enabled") }
            guard uid, let changedSince else { return StatusResponse(.bad, text: "VANISHED needs UID FETCH with CHANGEDSINCE") }
            try await sendVanished(in: set, since: changedSince)
        }
        if changedSince != nil || attributes.contains(.modSequence) {
            state.enableCondstoreImplicitly()
            if !attributes.contains(.modSequence) { attributes.append(.modSequence) }
        }
        if !uid, selected.isOutOfRange(set) { return Self.invalidSequenceSet }
        let uids = selected.resolve(set, uid: uid, saved: state.savedSearch)
        guard !uids.isEmpty else { return ok("FETCH completed") }
        if uids.count > Self.stateOnlyThreshold, attributes.allSatisfy(Self.stateAttributes.contains) {
            return try await fetchStates(uids, attributes: attributes, changedSince: changedSince)
        }
        // The cached parse is JSON, costly to decode: only when a part, the text or the
        // structure is asked for — the top-level header (what clients list mail with) and the
        // whole message are cut from the raw bytes.
        let needsParse = attributes.contains { attribute in
            switch attribute {
            case .envelope, .bodyStructure, .binary, .binarySize: return true
            case .bodySection(let section, _, _): return MessageMapping.rootSection(section, raw: []) == nil
            default: return false
            }
        }
        let needsRaw = attributes.contains { attribute in
            switch attribute {
            case .rfc822, .rfc822Header, .rfc822Text, .bodySection, .binary, .binarySize: return true
            default: return false
            }
        }
        // RFC 4314 §4: without the `s` right (a read-only or send-on-behalf grantee) reading
        // never sets \Seen: BODY[] behaves like BODY.PEEK[].
        let setsSeen = !selected.readOnly && AccessPolicy.allows(selectedAccess, .changeUnread) && attributes.contains { attribute in
            switch attribute {
            case .rfc822, .rfc822Text: return true
            case .bodySection(_, _, let peek), .binary(_, _, let peek): return !peek
            default: return false
            }
        }
        var bodiesRead: [MessageUID] = []
        var unknownEncoding = false
        let readsBodies = Self.readsBodies(attributes)
        // What is \Recent changes only when changes are announced, after the command.
        let recent = selected.recentRanges
        var refusal: StatusResponse?
        var expungedMeanwhile = false
        chunks: for chunk in stride(from: 0, to: uids.count, by: 500).map({ Array(uids[$0..<min($0 + 500, uids.count)]) }) {
            let records = try await store.messages(mailboxID: selected.mailboxID, uids: chunk)
            if records.count < chunk.count { expungedMeanwhile = true }
            var inlineBodies: [BlobID: [UInt8]] = [:]
            for (position, var record) in records.enumerated() {
                // Small bodies fifty at a time in one read (bounded memory); big ones one by one.
                // A small body is also what ENVELOPE and BODYSTRUCTURE parse (no cached parse).
                if needsRaw || needsParse, position % 50 == 0 {
                    inlineBodies = try await mail.inlineBodies(Array(records[position..<min(position + 50, records.count)]))
                }
                if let changedSince, record.modSeq <= changedSince { continue }
                guard let sequence = selected.sequenceNumber(of: record.uid) else { continue }
                var raw = needsRaw || needsParse ? inlineBodies[record.blobID] : nil
                let streams = needsRaw && raw == nil && Self.streamsFetch(of: record, attributes: attributes)
                // A large message read whole (BINARY decodes its parts) holds it and a decoded part
                // until written: counted against the doors' message memory, refused past it —
                // before anything changes (\Seen).
                var wholeMemory: MemoryReservation?
                if needsRaw, raw == nil, !streams {
                    let memory = MemoryReservation(budget: door.budget)
                    guard memory.coverWholeRead(ofMessageSized: record.size) else {
                        refusal = StatusResponse(.no, code: .unavailable, text: "Server busy with other large messages, try again later")
                        break chunks
                    }
                    wholeMemory = memory
                }
                var flagsChanged = false
                if setsSeen, !record.flags.contains(MessageFlags.seen) {
                    let result = try await mail.updateFlags(mailboxID: record.mailboxID, uids: [record.uid],
                                                            change: .add([MessageFlags.seen]))
                    if let updated = result.updated.first {
                        record = updated
                        state.updateSelected { $0.update(uid: updated.uid, flags: updated.flags) }
                        flagsChanged = true
                    }
                }
                let isRecent = SelectedMailbox.contains(recent, record.uid)
                let implicit = flagsChanged ? implicitSeenItems(attributes, record: record, isRecent: isRecent) : []
                if streams {
                    try await streamFetch(attributes, record: record, sequence: sequence, isRecent: isRecent,
                                          parsed: needsParse ? try await mail.parsed(record) : nil, extra: implicit)
                    if readsBodies { bodiesRead.append(record.uid) }
                    if finished { break chunks }
                    continue
                }
                if needsRaw, raw == nil { raw = try await mail.raw(record) }
                let parsed = needsParse ? try await mail.parsed(record, raw: raw) : nil
                var items = fetchItems(attributes, record: record, isRecent: isRecent, parsed: parsed, raw: raw,
                                       unknownEncoding: &unknownEncoding)
                items += implicit
                send(.untagged(.fetch(sequence, items)))
                if readsBodies { bodiesRead.append(record.uid) }
                await flushIfLarge()
                wholeMemory?.release()
            }
        }
        if !bodiesRead.isEmpty {
            await recordShared(.view, ownerID: selected.ownerID, folder: selected.name, "read \(Self.describe(bodiesRead))")
        }
        if let refusal { return refusal }
        if unknownEncoding {
            return StatusResponse(.no, code: .unknownCTE, text: "A part's content transfer encoding is not known here")
        }
        // Messages the client still sees that another session expunged: no data for them, and
        // the code that says why (RFC 5530; the EXPUNGE follows at the next NOOP or command).
        if expungedMeanwhile { return ok("Some messages were expunged meanwhile", code: .expungeIssued) }
        return ok("FETCH completed")
    }

    /// What a FETCH that set \Seen on `record` adds to the items asked for: the new FLAGS, and
    /// once CONDSTORE is on, UID and MODSEQ too (RFC 7162 §3.1: every later untagged FETCH carries
    /// both, a FETCH that implicitly set \Seen among them).
    func implicitSeenItems(_ attributes: [FetchAttribute], record: MessageRecord, isRecent: Bool) -> [FetchResponseItem] {
        FlagChangeFetch.items(uid: record.uid, flags: SelectedMailbox.wireFlags(record.flags, recent: isRecent), modSeq: record.modSeq,
                              condstore: state.condstoreEnabled, withUID: false, asked: attributes)
    }

    /// What a client's flag synchronisation asks for (`UID FETCH 1:* (FLAGS)`, Thunderbird at
    /// every folder it opens): answered from the messages' states alone — no message rows with
    /// their summaries —, read in one query for the folder. Worth it for many messages only.
    static let stateAttributes: Set<FetchAttribute> = [.uid, .flags, .modSequence]
    static let stateOnlyThreshold = 500

    /// `UID FETCH set (…) (CHANGEDSINCE m VANISHED)`: first `VANISHED (EARLIER)` for the UIDs of
    /// `set` gone from the mailbox, when anything was expunged since `m` (see ``VanishedUIDs``).
    /// A UID the session still numbers (an expunge not told yet) or the store holds (a message
    /// not announced yet) is not vanished.
    func sendVanished(in set: SequenceSet, since: ModSeq) async throws {
        let selected = self.selected
        guard let present = try await store.changes(mailboxID: selected.mailboxID, since: since)?.uids,
              let mailbox = try await store.mailbox(id: selected.mailboxID) else { return }
        let largest = mailbox.uidNext > 0 ? mailbox.uidNext - 1 : 0
        let asked: [ClosedRange<UInt32>] = switch set {
        case .ranges(let ranges): SelectedMailbox.merged(ranges, largest: max(largest, selected.largestUID ?? 0))
        case .lastSearchResult: SelectedMailbox.merged(state.savedSearch.map { $0...$0 })
        }
        let missing = VanishedUIDs.missing(from: asked, largestAssigned: largest,
                                           present: VanishedUIDs.union(selected.uids, present))
        if let response = VanishedUIDs.response(missing) { send(.untagged(response)) }
    }

    func fetchStates(_ uids: [MessageUID], attributes: [FetchAttribute], changedSince: ModSeq?) async throws -> StatusResponse {
        guard let states = try await store.changes(mailboxID: selected.mailboxID, since: 0)?.changed else {
            return ok("FETCH completed")
        }
        let wanted = Set(uids)
        let selected = self.selected
        for state in states where wanted.contains(state.uid) {
            if let changedSince, state.modSeq <= changedSince { continue }
            guard let sequence = selected.sequenceNumber(of: state.uid) else { continue }
            let items: [FetchResponseItem] = attributes.map { attribute in
                switch attribute {
                case .uid: .uid(state.uid)
                case .modSequence: .modSequence(MessageMapping.wireModSeq(state.modSeq))
                default: .flags(selected.wireFlags(state.flags, uid: state.uid))
                }
            }
            send(.untagged(.fetch(sequence, items)))
            await flushIfLarge()
        }
        return ok("FETCH completed")
    }

    /// Whether a FETCH returns message text (what the owner's audit log calls reading), not
    /// just flags, sizes, envelopes or headers.
    static func readsBodies(_ attributes: [FetchAttribute]) -> Bool {
        attributes.contains { attribute in
            switch attribute {
            case .rfc822, .rfc822Text, .binary: return true
            case .bodySection(let section, _, _):
                switch section.kind {
                case .header, .headerFields, .headerFieldsNot, .mime: return false
                case .complete, .text: return true
                }
            default: return false
            }
        }
    }

    /// The FETCH items of one message. A BINARY item of a part in an unknown content transfer
    /// encoding is left out and sets `unknownEncoding` (the command then ends `NO [UNKNOWN-CTE]`).
    func fetchItems(_ attributes: [FetchAttribute], record: MessageRecord, isRecent: Bool, parsed: ParsedMessage?,
                    raw: [UInt8]?, unknownEncoding: inout Bool) -> [FetchResponseItem] {
        var items: [FetchResponseItem] = []
        let raw = raw ?? []
        for attribute in attributes {
            switch attribute {
            case .uid: items.append(.uid(record.uid))
            case .flags: items.append(.flags(SelectedMailbox.wireFlags(record.flags, recent: isRecent)))
            case .internalDate: items.append(.internalDate(MessageMapping.imapDate(record.internalDate)))
            case .rfc822Size: items.append(.rfc822Size(UInt64(record.size)))
            case .modSequence: items.append(.modSequence(MessageMapping.wireModSeq(record.modSeq)))
            case .envelope:
                if let parsed { items.append(.envelope(MessageMapping.envelope(parsed.envelope))) }
            case .bodyStructure(let extensible):
                if let parsed {
                    items.append(.bodyStructure(MessageMapping.bodyStructure(parsed.bodyStructure), extensible: extensible))
                }
            case .rfc822:
                items.append(.rfc822(ByteBuffer(bytes: raw)))
            case .rfc822Header:
                let header = Self.rootHeader(raw)
                items.append(.rfc822Header(ByteBuffer(bytes: header)))
            case .rfc822Text:
                let header = Self.rootHeader(raw)
                items.append(.rfc822Text(ByteBuffer(bytes: raw[header.count...])))
            case .bodySection(let section, let partial, _):
                var data: ByteBuffer?
                if let bytes = MessageMapping.rootSection(section, raw: raw) {
                    data = ByteBuffer(bytes: MessageMapping.partial(bytes, partial))
                } else if let parsed, let bytes = MessageMapping.section(section, raw: raw, root: parsed.bodyStructure) {
                    data = ByteBuffer(bytes: MessageMapping.partial(bytes, partial))
                }
                items.append(.bodySection(section, origin: partial?.lowerBound, data: data))
            case .binary(let part, let partial, _):
                guard let parsed else { continue }
                guard let bytes = MessageMapping.binary(part, raw: raw, root: parsed.bodyStructure) else {
                    unknownEncoding = true
                    continue
                }
                items.append(.binary(part: part, origin: partial?.lowerBound, data: ByteBuffer(bytes: MessageMapping.partial(bytes[...], partial))))
            case .binarySize(let part):
                // The size BINARY[part] would send (RFC 3516 §4.2).
                guard let parsed else { continue }
                guard let bytes = MessageMapping.binary(part, raw: raw, root: parsed.bodyStructure) else {
                    unknownEncoding = true
                    continue
                }
                items.append(.binarySize(part: part, size: UInt64(bytes.count)))
            }
        }
        return items
    }

    /// The top-level header with its blank line, found without the cached parse (RFC822.HEADER).
    static func rootHeader(_ raw: [UInt8]) -> ArraySlice<UInt8> {
        var i = 0
        while i < raw.count {
            guard let lf = raw[i...].firstIndex(of: 0x0A) else { break }
            let lineLength = lf - i
            if lineLength == 0 || (lineLength == 1 && raw[i] == 0x0D) { return raw[..<(lf + 1)] }
            i = lf + 1
        }
        return raw[...]
    }

    // MARK: STORE

    func storeFlags(_ set: SequenceSet, operation: StoreOperation, unchangedSince: UInt64?, uid: Bool) async throws -> StatusResponse {
        if unchangedSince != nil { state.enableCondstoreImplicitly() }
        if !uid, selected.isOutOfRange(set) { return Self.invalidSequenceSet }
        let uids = selected.resolve(set, uid: uid, saved: state.savedSearch)
        guard !uids.isEmpty else { return ok("STORE completed") }
        let flags = MessageFlags(operation.flags.map(\.description))
        // The mailbox's keywords are looked at only when keywords are stored (walking the
        // folder's flag sets is not for every \Seen).
        let storedKeywords = operation.kind == .remove ? [] : flags.keywords
        let keywordsBefore = storedKeywords.isEmpty ? nil : selected.keywords
        let change: FlagChange = switch operation.kind {
        case .add: .add(flags)
        case .remove: .remove(flags)
        case .replace: .replace(flags)
        }
        let result = try await mail.updateFlags(mailboxID: selected.mailboxID, uids: uids, change: change,
                                                unchangedSince: unchangedSince.map { ModSeq(clamping: $0) }, census: selected)
        var modSeqs: [MessageUID: ModSeq] = [:]
        for record in result.updated {
            state.updateSelected { $0.update(uid: record.uid, flags: record.flags) }
            modSeqs[record.uid] = record.modSeq
        }
        for unchanged in result.unchanged { modSeqs[unchanged.uid] = unchanged.modSeq }
        if !result.updated.isEmpty, let action = SharedMailboxRules.actions(for: operation).first {
            let flags = operation.flags.map(\.description).joined(separator: " ")
            await recordShared(action, ownerID: selected.ownerID, folder: selected.name,
                               "STORE \(Self.storeVerb(operation.kind))FLAGS (\(flags)) on \(Self.describe(result.updated.map(\.uid)))")
        }
        let refused = Set(result.modifiedSince)
        let condstore = state.condstoreEnabled
        let changed = Set(result.updated.map(\.uid))
        // Expunged by another session since the client was told: nothing stored, no FETCH.
        let present = changed.union(result.unchanged.map(\.uid)).union(refused)
        let gone = uids.filter { !present.contains($0) }
        let snapshot = selected  // with the flags just stored
        if let keywordsBefore, !result.updated.isEmpty, storedKeywords.contains(where: { !keywordsBefore.contains($0) }) {
            // A keyword new to the mailbox: the client's list of its flags changes (RFC 3501 §7.2.6).
            send(.untagged(.flags(Self.systemFlags + snapshot.keywords.sorted.map(Flag.init(wire:)))))
            send(.untagged(.status(Self.permanentFlags(of: snapshot))))
        }
        for messageUID in uids where !refused.contains(messageUID) && present.contains(messageUID) {
            // .SILENT: no FETCH, except CONDSTORE wants the new MODSEQ of changed messages (RFC 7162 §3.2).
            guard !operation.silent || (condstore && changed.contains(messageUID)) else { continue }
            guard let sequence = snapshot.sequenceNumber(of: messageUID) else { continue }
            let flags = operation.silent ? nil : snapshot.wireFlags(snapshot.flags(of: messageUID) ?? [], uid: messageUID)
            send(.untagged(.fetch(sequence, FlagChangeFetch.items(uid: messageUID, flags: flags, modSeq: modSeqs[messageUID] ?? 1,
                                                                  condstore: condstore, withUID: uid))))
        }
        if !refused.isEmpty {
            let numbers = uid ? refused.sorted() : refused.compactMap { selected.sequenceNumber(of: $0) }.sorted()
            return ok("Conditional STORE failed for some messages", code: .modified(SequenceSets.make(numbers)))
        }
        if !gone.isEmpty { return ok("Some messages were expunged meanwhile", code: .expungeIssued) }
        return ok("STORE completed")
    }

    static func storeVerb(_ kind: StoreOperation.Kind) -> String {
        switch kind {
        case .add: "+"
        case .remove: "-"
        case .replace: ""
        }
    }

    // MARK: SEARCH

    func search(_ command: SearchCommand, uid: Bool, tag: String) async throws -> StatusResponse {
        if let charset = command.charset, let refusal = Self.refuseCharset(charset) { return refusal }
        let snapshot = selected
        let matched = try await matchingRecords(command.keys, in: snapshot)
        answer(matched, keys: command.keys, returnOptions: command.returnOptions, uid: uid, tag: tag, in: snapshot) {
            .search($0, modSequence: $1)
        }
        return ok("SEARCH completed")
    }

    /// SEARCH's and SORT's answer: ESEARCH when RETURN options were given, else `plain`'s list
    /// of numbers — with the highest mod-sequence either way when a key searched by MODSEQ.
    func answer(_ matched: [MessageRecord], keys: [SearchKey], returnOptions: [SearchReturnOption]?, uid: Bool, tag: String,
                in snapshot: SelectedMailbox, plain: ([UInt32], UInt64?) -> UntaggedResponse) {
        let highest = highestModSequence(of: matched, ifSearched: keys)
        if let returnOptions {
            answerExtended(matched, options: returnOptions, uid: uid, tag: tag, modSequence: highest, in: snapshot)
        } else {
            send(.untagged(plain(numbers(of: matched, uid: uid, in: snapshot), highest)))
        }
    }

    /// The highest mod-sequence of `matched` when `keys` search by MODSEQ, which turns CONDSTORE
    /// on (RFC 7162 §3.1.5); `nil` otherwise or when nothing matched.
    func highestModSequence(of matched: [MessageRecord], ifSearched keys: [SearchKey]) -> UInt64? {
        guard Self.containsModSeq(keys) else { return nil }
        state.enableCondstoreImplicitly()
        return matched.map { MessageMapping.wireModSeq($0.modSeq) }.max()
    }

    func numbers(of records: [MessageRecord], uid: Bool, in snapshot: SelectedMailbox) -> [UInt32] {
        records.map { uid ? $0.uid : snapshot.sequenceNumber(of: $0.uid)! }
    }

    /// The ESEARCH answer to SEARCH RETURN (RFC 4731) and SORT RETURN (RFC 5267 §3.2). `matched`
    /// is in the order answered — mailbox order for SEARCH, the requested order for SORT — so MIN
    /// and MAX are its first and last, and ALL keeps that order. An empty `RETURN ()` means ALL.
    func answerExtended(_ matched: [MessageRecord], options: [SearchReturnOption], uid: Bool, tag: String,
                        modSequence: UInt64?, in snapshot: SelectedMailbox) {
        let wanted = options.isEmpty ? [SearchReturnOption.all] : options
        if wanted.contains(.save) {
            // RFC 5182 §2.4: SAVE with MIN and/or MAX alone keeps just those; with ALL, COUNT or
            // nothing else, every match.
            let uids = matched.map(\.uid)
            if !wanted.contains(.all), !wanted.contains(.count), wanted.contains(.min) || wanted.contains(.max),
               let first = uids.first, let last = uids.last {
                state.savedSearch = Array(Set((wanted.contains(.min) ? [first] : []) + (wanted.contains(.max) ? [last] : []))).sorted()
            } else {
                state.savedSearch = uids.sorted()
            }
        }
        if wanted == [.save] { return }
        let answered = numbers(of: matched, uid: uid, in: snapshot)
        var response = ESearchResponse(tag: tag, uid: uid, modSequence: modSequence)
        if let first = answered.first, let last = answered.last {
            if wanted.contains(.min) { response.min = first }
            if wanted.contains(.max) { response.max = last }
            if wanted.contains(.all) { response.all = SequenceSets.ordered(answered) }
        }
        if wanted.contains(.count) { response.count = UInt32(answered.count) }
        send(.untagged(.esearch(response)))
    }

    /// The messages of `snapshot` that `keys` match, in mailbox order (SEARCH).
    func matchingRecords(_ keys: [SearchKey], in snapshot: SelectedMailbox) async throws -> [MessageRecord] {
        var matched: [MessageRecord] = []
        try await forEachMatch(keys, in: snapshot) { record, _, _ in matched.append(record) }
        return matched
    }

    /// Calls `body` with each message of `snapshot` that `keys` match, in mailbox order, with its
    /// sequence number and — when the keys read them or `withHeaders` asks — its header fields,
    /// read once for both (SEARCH, SORT and THREAD). When the keys look at flags and numbers
    /// only, the records hold only those, unless `wholeRecords`.
    func forEachMatch(_ keys: [SearchKey], in snapshot: SelectedMailbox, wholeRecords: Bool = false,
                      withHeaders: Bool = false,
                      _ body: (MessageRecord, UInt32, [HeaderField]?) -> Void) async throws {
        let records: [MessageRecord]
        if !wholeRecords, !withHeaders, SearchEvaluator.needsOnlyState(keys),
           let states = try await store.changes(mailboxID: snapshot.mailboxID, since: 0)?.changed {
            records = states.filter { snapshot.sequenceNumber(of: $0.uid) != nil }.map {
                MessageRecord(stateOnly: $0, mailboxID: snapshot.mailboxID)
            }
        } else {
            records = try await store.messages(mailboxID: snapshot.mailboxID).filter { snapshot.sequenceNumber(of: $0.uid) != nil }
        }
        var textHits: [String: Set<MessageID>] = [:]
        for text in SearchEvaluator.textStrings(in: keys) where !text.isEmpty {
            textHits[text] = Set(try await mail.search(accountID: snapshot.ownerID, mailboxID: snapshot.mailboxID, query: text))
        }
        let evaluator = SearchEvaluator(textHits: textHits,
                                        headerOnlyHits: try await headerOnlyHits(keys, textHits: textHits, records: records),
                                        now: mail.clock.now, largestUID: snapshot.largestUID ?? 0,
                                        messageCount: UInt32(snapshot.count), saved: state.savedSearch,
                                        recent: snapshot.recentRanges, keys: keys)
        var matchCount = 0
        func evaluate(_ record: MessageRecord, _ headers: [HeaderField]?) {
            guard let sequence = snapshot.sequenceNumber(of: record.uid) else { return }
            if evaluator.matches(keys, record: record, sequence: sequence, headers: headers) {
                matchCount += 1
                body(record, sequence, headers)
            }
        }
        if withHeaders || SearchEvaluator.needsHeaders(keys) {
            try await mail.forEachHeader(records) { record, headers in evaluate(record, headers) }
        } else {
            for record in records { evaluate(record, nil) }
        }
        // A grantee's search of the message text is in the owner's log (B6); flags, dates and
        // headers (what a message list shows anyway) are not.
        await door.shares.recordGranteeSearch(account, ownerID: snapshot.ownerID, words: textHits.keys.sorted(),
                                              folder: SharedNamespace.folder(of: snapshot.name), found: matchCount,
                                              door: .imap, ip: connection.remoteIP)
    }


    /// `NO [BADCHARSET]` for a search charset other than UTF-8 and its subset US-ASCII.
    static func refuseCharset(_ charset: String) -> StatusResponse? {
        guard !["UTF-8", "US-ASCII", "UTF8"].contains(charset.uppercased()) else { return nil }
        return StatusResponse(.no, code: .badCharset(["UTF-8", "US-ASCII"]), text: "Unsupported charset")
    }

    // MARK: SORT

    /// `SORT (criteria) charset keys` (RFC 5256): the matches, in the criteria's order.
    func sort(_ command: SortCommand, uid: Bool, tag: String) async throws -> StatusResponse {
        if let refusal = Self.refuseCharset(command.charset) { return refusal }
        let snapshot = selected
        let order = SortOrder(criteria: command.criteria)
        var items: [(values: [SortOrder.Value], sequence: UInt32, item: MessageRecord)] = []
        // The sort keys read dates and sizes, which state-only records lack; one walk over the
        // header fields serves both the search keys and the sort keys.
        try await forEachMatch(command.keys, in: snapshot, wholeRecords: true, withHeaders: order.needsHeaders) { record, sequence, headers in
            items.append((order.values(record, headers: headers), sequence, record))
        }
        answer(order.sorted(items), keys: command.keys, returnOptions: command.returnOptions, uid: uid, tag: tag, in: snapshot) {
            .sort($0, modSequence: $1)
        }
        return ok("SORT completed")
    }

    // MARK: THREAD

    /// `THREAD algorithm charset keys` (RFC 5256): the matches, grouped into conversations.
    func thread(_ command: ThreadCommand, uid: Bool) async throws -> StatusResponse {
        if let refusal = Self.refuseCharset(command.charset) { return refusal }
        var messages: [ThreadMessage] = []
        try await forEachMatch(command.keys, in: selected, wholeRecords: true, withHeaders: true) { record, sequence, headers in
            messages.append(ThreadMessage(number: uid ? record.uid : sequence, sequence: sequence, record: record, headers: headers))
        }
        if Self.containsModSeq(command.keys) { state.enableCondstoreImplicitly() }
        send(.untagged(.thread(Threader.threads(messages, algorithm: command.algorithm))))
        return ok("THREAD completed")
    }

    /// `BODY` looks in the body only (RFC 3501 §6.4.4), while the full-text index also holds the
    /// subject and the addresses: per BODY string, the index's hits whose words are not all in
    /// the body text. Only hits with a word in those header fields are read again.
    func headerOnlyHits(_ keys: [SearchKey], textHits: [String: Set<MessageID>],
                        records: [MessageRecord]) async throws -> [String: Set<MessageID>] {
        let strings = SearchEvaluator.bodyStrings(in: keys).filter { !$0.isEmpty }
        let candidates = records.filter { record in strings.contains { textHits[$0]?.contains(record.id) == true } }
        guard !candidates.isEmpty else { return [:] }
        var suspects: [(MessageRecord, Set<String>)] = []
        try await mail.forEachHeader(candidates) { record, headers in
            guard let headers else { return }
            let headerText = ParsedMessage.headerSearchText(headers)
            let inHeaders = strings.filter { text in
                textHits[text]?.contains(record.id) == true && MailService.searchTerms(text).contains { SearchEvaluator.contains(headerText, $0) }
            }
            if !inHeaders.isEmpty { suspects.append((record, inHeaders)) }
        }
        var result: [String: Set<MessageID>] = [:]
        for (record, texts) in suspects {
            let bodyText = MIMEParser.bodySearchText(try await mail.raw(record))
            for text in texts where !MailService.searchTerms(text).allSatisfy({ SearchEvaluator.contains(bodyText, $0) }) {
                result[text, default: []].insert(record.id)
            }
        }
        return result
    }

    static func containsModSeq(_ keys: [SearchKey]) -> Bool {
        keys.contains { key in
            switch key {
            case .modSequence: return true
            case .not(let k): return containsModSeq([k])
            case .or(let a, let b): return containsModSeq([a, b])
            case .and(let ks): return containsModSeq(ks)
            default: return false
            }
        }
    }

    // MARK: COPY / MOVE

    func copy(_ set: SequenceSet, to destinationName: IMAPCodec.MailboxName, uid: Bool, move: Bool) async throws -> StatusResponse {
        // The source's view (and, for MOVE, delete) right was asked before the command ran.
        guard let target = try await destination(destinationName) else {
            return StatusResponse(.no, code: .tryCreate, text: "No such mailbox")
        }
        try require(.insert, target.access)
        let destination = target.mailbox
        if !uid, selected.isOutOfRange(set) { return Self.invalidSequenceSet }
        let uids = selected.resolve(set, uid: uid, saved: state.savedSearch)
        guard !uids.isEmpty else { return ok(move ? "MOVE completed" : "COPY completed") }
        let mapping = move
            ? try await mail.move(uids: uids, from: selected.mailboxID, to: destination.id, census: selected)
            : try await mail.copy(uids: uids, from: selected.mailboxID, to: destination.id, census: selected)
        guard !mapping.isEmpty else {
            // Every message asked for was expunged by another session since this one was told
            // (RFC 2180 §4.4.1, RFC 5530): nothing was copied, and the client learns why.
            return StatusResponse(.no, code: .expungeIssued, text: "The messages were expunged meanwhile")
        }
        let verb = move ? "MOVE" : "COPY"
        let moved = Self.describe(mapping.map(\.source))
        await recordShared(move ? .delete : .view, ownerID: selected.ownerID, folder: selected.name,
                           "\(verb) \(moved) to \(target.isShared ? target.wireName : "an own folder")")
        await recordShared(.insert, ownerID: destination.accountID, folder: target.wireName,
                           "\(verb) in \(Self.describe(mapping.map(\.destination))) from \(selected.ownerID == accountID ? "an own folder" : selected.name)")
        let sorted = mapping.sorted { $0.source < $1.source }
        let code = ResponseCode.copyUID(uidValidity: destination.uidValidity,
                                        source: SequenceSets.ordered(sorted.map(\.source)),
                                        destination: SequenceSets.ordered(sorted.map(\.destination)))
        guard move else { return ok("COPY completed", code: code) }
        send(.untagged(.status(StatusResponse(.ok, code: code, text: "Moved"))))
        var expunges: [UntaggedResponse] = []
        let vanished = state.qresyncEnabled
        state.updateSelected { expunges = $0.expunge(sorted.map(\.source), vanished: vanished) }
        for response in expunges { send(.untagged(response)) }
        return ok("MOVE completed")
    }

    // MARK: EXPUNGE

    func expunge(uids set: SequenceSet?) async throws -> StatusResponse {
        let uids = set.map { selected.resolve($0, uid: true, saved: state.savedSearch) }
        if let uids, uids.isEmpty { return ok("EXPUNGE completed") }
        let removed = try await mail.remove(mailboxID: selected.mailboxID, uids: uids, onlyDeleted: true)
        if !removed.isEmpty {
            await recordShared(.delete, ownerID: selected.ownerID, folder: selected.name, "EXPUNGE \(Self.describe(removed))")
        }
        var expunges: [UntaggedResponse] = []
        let vanished = state.qresyncEnabled
        state.updateSelected { expunges = $0.expunge(removed, vanished: vanished) }
        for response in expunges { send(.untagged(response)) }
        return ok("EXPUNGE completed")
    }
}

extension IMAPSession {
    /// FETCH, STORE, COPY and MOVE with a message number the client cannot know (see
    /// ``SelectedMailbox/isOutOfRange(_:)``).
    static let invalidSequenceSet = StatusResponse(.bad, text: "Invalid message sequence number")
}

extension MessageRecord {
    /// A record that holds only a message's state (UID, MODSEQ, flags), for evaluating search
    /// keys that read nothing else (``SearchEvaluator/needsOnlyState(_:)``): its other fields are
    /// empty, never to be shown or acted on.
    init(stateOnly state: MessageState, mailboxID: MailboxID) {
        self.init(id: 0, mailboxID: mailboxID, uid: state.uid, modSeq: state.modSeq, flags: state.flags,
                  internalDate: Date(timeIntervalSince1970: 0), size: 0, blobID: BlobID(hex: ""),
                  summary: MessageSummary(subject: "", fromName: nil, fromAddress: nil, to: "", date: nil, preview: "",
                                          hasAttachments: false, messageIDHeader: nil))
    }
}
