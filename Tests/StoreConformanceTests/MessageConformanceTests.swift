import Foundation
import MailwardCore
import MailwardMIME
import Synchronization
import Testing

@Suite struct MessageConformanceTests {
    /// A message has at least a header: an empty one is refused by Core, whichever door brings
    /// it (an IMAP APPEND of `{0}`), and nothing is stored.
    @Test(arguments: StoreKind.allCases)
    func anEmptyMessageIsRefused(_ kind: StoreKind) async throws {
        let f = try await MailFixture(kind)
        let inbox = try await f.inbox(f.alice)
        await #expect(throws: MailError.emptyMessage) { _ = try await f.service.append([], to: inbox.id) }
        await #expect(throws: MailError.emptyMessage) { _ = try await f.service.deliver([], to: [f.alice.id]) }
        #expect(try await f.store.messages(mailboxID: inbox.id).isEmpty)
    }

    /// Delivery remembers each account's INBOX; when that folder went away behind its back
    /// (here removed in the store itself, as another process removing the account would), the
    /// next delivery looks again instead of failing: into the INBOX made afresh.
    @Test(arguments: StoreKind.allCases)
    func deliveryLooksForINBOXAgainWhenTheRememberedOneIsGone(_ kind: StoreKind) async throws {
        let f = try await MailFixture(kind)
        let first = try await f.inbox(f.alice)
        _ = try await f.service.deliver(MailFixture.message(subject: "one", body: "1"), to: [f.alice.id])
        try await f.store.deleteMailbox(id: first.id)
        let records = try await f.service.deliver(MailFixture.message(subject: "two", body: "2"), to: [f.alice.id, f.bob.id])
        let again = try await f.inbox(f.alice)
        #expect(again.id != first.id)
        #expect(try await f.store.messages(mailboxID: again.id).map(\.summary.subject) == ["two"])
        #expect(records.count == 2)

    }

    /// Which body files a message names (the sweeper's question), and a refused insert whose
    /// body went to a file first leaves no file behind — unless another message has that body.
    @Test(arguments: StoreKind.allCases)
    func refusedInsertLeavesNoBodyAndReconcileTellsNamedBodies(_ kind: StoreKind) async throws {
        let f = try await MailFixture(kind, quota: 4000, inlineBodyLimit: 1024)
        let inbox = try await f.inbox(f.alice)
        let big = MailFixture.message(subject: "big", body: String(repeating: "b", count: 3000))
        let stored = try await f.service.append(big, to: inbox.id)
        let tooBig = MailFixture.message(subject: "too big", body: String(repeating: "c", count: 5000))
        await #expect(throws: MailError.self) { _ = try await f.service.append(tooBig, to: inbox.id) }
        let refusedID = BlobID.of(tooBig)
        #expect(!(await holdsInPlace(f.blobs, refusedID)))
        // The same body as a stored message, refused for another account: the file stays.
        try await f.store.setQuotaLimit(accountID: f.bob.id, bytes: 10)
        await #expect(throws: MailError.self) { _ = try await f.service.deliver(big, to: [f.bob.id]) }
        #expect(try await f.service.raw(stored) == big)

        let answers = ReconcileAnswers()
        try await f.store.reconcileBodies([stored.blobID, refusedID]) { id, referenced in answers.value.withLock { $0[id] = referenced } }
        #expect(answers.value.withLock { $0 } == [stored.blobID: true, refusedID: false])
    }

    /// A POP3 login's list: every copy's UID and size in UID order, as the full records say —
    /// after an expunge too, and nothing of another folder.
    @Test(arguments: StoreKind.allCases)
    func messageSizesListTheFolderInUIDOrder(_ kind: StoreKind) async throws {
        let f = try await MailFixture(kind)
        let inbox = try await f.inbox(f.alice)
        for n in 1...4 {
            _ = try await f.service.deliver(MailFixture.message(subject: "size \(n)", body: String(repeating: "x", count: n * 100)),
                                            to: [f.alice.id])
        }
        let sent = try await f.service.specialMailbox(accountID: f.alice.id, .sent)
        _ = try await f.service.append(MailFixture.message(subject: "elsewhere", body: "y"), to: sent.id)
        let records = try await f.store.messages(mailboxID: inbox.id)
        _ = try await f.service.remove(mailboxID: inbox.id, uids: [records[1].uid], onlyDeleted: false)
        let expected = records.filter { $0.uid != records[1].uid }.map { MessageSize(uid: $0.uid, size: $0.size) }
        #expect(try await f.store.messageSizes(mailboxID: inbox.id) == expected)
        #expect(Set(expected.map(\.size)).count == 3)
    }

    /// A flag change over thousands of messages (IMAP `STORE 1:* +FLAGS`) changes every one of
    /// them once — also where the store splits it into several transactions — and honours
    /// UNCHANGEDSINCE per message.
    @Test(arguments: StoreKind.allCases)
    func flagChangesOverThousandsOfMessages(_ kind: StoreKind) async throws {
        let f = try await MailFixture(kind)
        let inbox = try await f.inbox(f.alice)
        _ = try await f.service.deliver(MailFixture.message(subject: "many", body: "copies"), to: [f.alice.id])
        for _ in 0..<11 {  // 1 → 2 048 copies
            _ = try await f.service.copy(uids: try await f.store.messages(mailboxID: inbox.id).map(\.uid), from: inbox.id, to: inbox.id)
        }
        var uids = try await f.store.messages(mailboxID: inbox.id).map(\.uid)
        #expect(uids.count == 2_048)
        let before = try #require(try await f.store.changes(mailboxID: inbox.id, since: 0)?.highestModSeq)
        // One message changed since `before`: UNCHANGEDSINCE leaves it alone, wherever it falls.
        _ = try await f.service.updateFlags(mailboxID: inbox.id, uids: [uids[1_500]], change: .add([MessageFlags.flagged]))
        let seen = try await f.service.updateFlags(mailboxID: inbox.id, uids: uids, change: .add([MessageFlags.seen]), unchangedSince: before)
        #expect(seen.updated.count == 2_047)
        #expect(seen.modifiedSince == [uids[1_500]])
        #expect(Set(seen.updated.map(\.uid)).count == 2_047)
        #expect(seen.updated.allSatisfy { $0.modSeq > before })
        uids.remove(at: 1_500)
        let records = try await f.store.messages(mailboxID: inbox.id)
        #expect(records.filter { $0.flags.contains(MessageFlags.seen) }.map(\.uid) == uids)
        #expect(try await f.store.counts(mailboxID: inbox.id).unseen == 1)
    }

    @Test(arguments: StoreKind.allCases)
    func deliveryToSeveralAccountsStoresTheBodyOnce(_ kind: StoreKind) async throws {
        let f = try await MailFixture(kind)
        let raw = MailFixture.message(subject: "=?UTF-8?B?5Lya6K6u6YCa55+l?=", body: "明天下午三点开会")
        let records = try await f.service.deliver(raw, to: [f.alice.id, f.bob.id])
        #expect(records.count == 2)
        #expect(records[0].blobID == records[1].blobID)
        #expect(records.allSatisfy { $0.uid == 1 && $0.size == raw.count && $0.flags.isEmpty })
        #expect(records[0].summary.subject == "会议通知")
        #expect(records[0].summary.fromAddress == "carol@example.com")
        #expect(records[0].summary.preview.hasPrefix("明天下午三点开会"))
        #expect(try await f.service.raw(records[1]) == raw)
        let parsed = try await f.service.parsed(records[0])
        #expect(parsed.envelope.subject == "=?UTF-8?B?5Lya6K6u6YCa55+l?=")
        let inbox = try await f.inbox(f.alice)
        #expect(inbox.uidNext == 2)
        #expect(try await f.store.counts(mailboxID: inbox.id) == MailboxCounts(messages: 1, unseen: 1, size: Int64(raw.count)))
        #expect(try await f.store.quota(accountID: f.bob.id).usedBytes == Int64(raw.count))
    }

    @Test(arguments: StoreKind.allCases)
    func uidsIncreaseAndModSeqsGrow(_ kind: StoreKind) async throws {
        let f = try await MailFixture(kind)
        let inbox = try await f.inbox(f.alice)
        var uids: [MessageUID] = []
        var modseqs: [ModSeq] = []
        for i in 0..<5 {
            let record = try await f.service.append(MailFixture.message(subject: "n\(i)", body: "b\(i)"), to: inbox.id)
            uids.append(record.uid)
            modseqs.append(record.modSeq)
        }
        #expect(uids == [1, 2, 3, 4, 5])
        #expect(modseqs == modseqs.sorted() && Set(modseqs).count == 5)
        // Expunged UIDs are never reused.
        _ = try await f.service.updateFlags(mailboxID: inbox.id, uids: [5], change: .add([MessageFlags.deleted]))
        #expect(try await f.service.remove(mailboxID: inbox.id, uids: nil, onlyDeleted: true) == [5])
        let next = try await f.service.append(MailFixture.message(subject: "n6", body: "b6"), to: inbox.id)
        #expect(next.uid == 6)
        let after = try #require(try await f.store.mailbox(id: inbox.id))
        #expect(after.uidNext == 7)
        #expect(after.highestModSeq >= next.modSeq)
        #expect(try await f.store.messages(mailboxID: inbox.id).map(\.uid) == [1, 2, 3, 4, 6])
    }

    @Test(arguments: StoreKind.allCases)
    func changesSinceAModSeqAreLightAndComplete(_ kind: StoreKind) async throws {
        let f = try await MailFixture(kind)
        let inbox = try await f.inbox(f.alice)
        var records: [MessageRecord] = []
        for i in 0..<4 {
            records.append(try await f.service.append(MailFixture.message(subject: "c\(i)", body: "b\(i)"), to: inbox.id,
                                                      flags: i == 0 ? [MessageFlags.seen, "$Work"] : []))
        }
        // Since 0: every message's state (the UIDs are all there, so not read apart).
        let all = try #require(try await f.store.changes(mailboxID: inbox.id, since: 0))
        #expect(all.uids == nil)
        #expect(all.changed == records.map { MessageState(uid: $0.uid, modSeq: $0.modSeq, flags: $0.flags) })
        #expect(all.highestModSeq == records.last?.modSeq)
        // Nothing since: no UIDs, nothing changed.
        #expect(try await f.store.changes(mailboxID: inbox.id, since: all.highestModSeq)
                == MailboxChanges(since: all.highestModSeq, highestModSeq: all.highestModSeq, uids: nil, changed: []))
        // A flag change and a new message, nothing expunged: only the changed states, no UIDs.
        _ = try await f.service.updateFlags(mailboxID: inbox.id, uids: [4], change: .add([MessageFlags.answered]))
        let quiet = try #require(try await f.store.changes(mailboxID: inbox.id, since: all.highestModSeq))
        #expect(quiet.uids == nil && quiet.changed.map(\.uid) == [4] && quiet.hasChanges)
        // A flag change, an expunge and a new message: only the changed states, and the UIDs show the expunge.
        let flagged = try await f.service.updateFlags(mailboxID: inbox.id, uids: [2], change: .add([MessageFlags.deleted]))
        #expect(try await f.service.remove(mailboxID: inbox.id, uids: [2], onlyDeleted: true) == [2])
        _ = try await f.service.updateFlags(mailboxID: inbox.id, uids: [3], change: .add([MessageFlags.flagged]))
        let added = try await f.service.append(MailFixture.message(subject: "c4", body: "b4"), to: inbox.id)
        let later = try #require(try await f.store.changes(mailboxID: inbox.id, since: quiet.highestModSeq))
        #expect(later.uids == [1, 3, 4, 5])
        #expect(later.changed.map(\.uid) == [3, 5])
        #expect(later.changed.first?.flags == [MessageFlags.flagged])
        #expect(later.changed.allSatisfy { $0.modSeq > flagged.updated[0].modSeq })
        #expect(later.highestModSeq == added.modSeq)
        #expect(try await f.store.mailbox(id: inbox.id)?.highestModSeq == later.highestModSeq)
        // A mailbox that is gone.
        try await f.store.deleteMailbox(id: inbox.id)
        #expect(try await f.store.changes(mailboxID: inbox.id, since: 0) == nil)
    }

    @Test(arguments: StoreKind.allCases)
    func flagsAndConditionalStore(_ kind: StoreKind) async throws {
        let f = try await MailFixture(kind)
        let inbox = try await f.inbox(f.alice)
        let a = try await f.service.append(MailFixture.message(subject: "a", body: "a"), to: inbox.id, flags: ["\\seen", "$Label1"])
        #expect(a.flags == [MessageFlags.seen, "$label1"])
        #expect(a.flags.sorted == ["\\Seen", "$Label1"])
        let b = try await f.service.append(MailFixture.message(subject: "b", body: "b"), to: inbox.id)
        let added = try await f.service.updateFlags(mailboxID: inbox.id, uids: [a.uid, b.uid], change: .add([MessageFlags.flagged]))
        #expect(added.updated.count == 2)
        #expect(added.updated.allSatisfy { $0.modSeq > b.modSeq })
        let removed = try await f.service.updateFlags(mailboxID: inbox.id, uids: [a.uid], change: .remove([MessageFlags.seen]))
        #expect(removed.updated.first?.flags == [MessageFlags.flagged, "$Label1"])
        // No change, no new modseq.
        let noop = try await f.service.updateFlags(mailboxID: inbox.id, uids: [a.uid], change: .add([MessageFlags.flagged]))
        #expect(noop.updated.isEmpty)
        // UNCHANGEDSINCE: a was changed again after the command that flagged both.
        let conditional = try await f.service.updateFlags(mailboxID: inbox.id, uids: [a.uid, b.uid],
                                                          change: .replace([MessageFlags.answered]), unchangedSince: added.updated[0].modSeq)
        #expect(conditional.modifiedSince == [a.uid])
        #expect(conditional.updated.map(\.uid) == [b.uid])
        #expect(try await f.store.messages(mailboxID: inbox.id, uids: [b.uid]).first?.flags == [MessageFlags.answered])
        #expect(try await f.store.counts(mailboxID: inbox.id).unseen == 2)
        #expect(try await f.store.mailbox(id: inbox.id)?.highestModSeq == conditional.updated[0].modSeq)
    }

    @Test(arguments: StoreKind.allCases)
    func copyMoveExpungeAndBlobReferences(_ kind: StoreKind) async throws {
        let f = try await MailFixture(kind)
        let inbox = try await f.inbox(f.alice)
        let archive = try await f.service.createMailbox(accountID: f.alice.id, name: "归档")
        let raw = MailFixture.message(subject: "keep", body: "x")
        let a = try await f.service.append(raw, to: inbox.id, flags: [MessageFlags.seen])
        let b = try await f.service.append(MailFixture.message(subject: "other", body: "y"), to: inbox.id)
        let copied = try await f.service.copy(uids: [a.uid, b.uid, 99], from: inbox.id, to: archive.id)
        #expect(copied == [UIDMapping(source: a.uid, destination: 1), UIDMapping(source: b.uid, destination: 2)])
        #expect(try await f.store.messages(mailboxID: archive.id).first?.flags == [MessageFlags.seen])
        let moved = try await f.service.move(uids: [b.uid], from: inbox.id, to: archive.id)
        #expect(moved == [UIDMapping(source: b.uid, destination: 3)])
        #expect(try await f.store.messages(mailboxID: inbox.id).map(\.uid) == [a.uid])
        // The body stays while any copy references it.
        _ = try await f.service.remove(mailboxID: inbox.id, uids: [a.uid], onlyDeleted: false)
        #expect(try await f.service.raw(a) == raw)
        _ = try await f.service.remove(mailboxID: archive.id, uids: [1], onlyDeleted: false)
        await #expect(throws: (any Error).self) { _ = try await f.service.raw(a) }
        #expect(try await f.store.parsedJSON(blobID: a.blobID) == nil)
        // Only \Deleted ones go with an IMAP EXPUNGE.
        #expect(try await f.service.remove(mailboxID: archive.id, uids: nil, onlyDeleted: true).isEmpty)
        // Left: the copy of b (archive UID 2) and the moved b (UID 3).
        #expect(try await f.store.messages(mailboxID: archive.id).map(\.uid) == [2, 3])
        #expect(try await f.store.quota(accountID: f.alice.id).usedBytes == Int64(b.size) * 2)
    }

    /// A move between an account's folders moves the message itself: its id stays (the JSON
    /// API's ids outlive a move), with a new UID there and its flags; the source sees it
    /// expunged. Into another account it is a new message, counted there.
    @Test(arguments: StoreKind.allCases)
    func aMoveWithinTheAccountKeepsTheMessage(_ kind: StoreKind) async throws {
        let f = try await MailFixture(kind)
        let inbox = try await f.inbox(f.alice)
        let archive = try await f.service.createMailbox(accountID: f.alice.id, name: "Archive")
        let first = try await f.service.append(MailFixture.message(subject: "first", body: "1"), to: archive.id)
        let a = try await f.service.append(MailFixture.message(subject: "a", body: "x"), to: inbox.id, flags: [MessageFlags.seen, "$Work"])
        let b = try await f.service.append(MailFixture.message(subject: "b", body: "y"), to: inbox.id)
        let before = try #require(try await f.store.mailbox(id: inbox.id)).highestModSeq
        let usage = try await f.store.quota(accountID: f.alice.id).usedBytes

        #expect(try await f.service.move(uids: [a.uid, 77], from: inbox.id, to: archive.id) == [UIDMapping(source: a.uid, destination: 2)])
        let moved = try #require(try await f.store.message(id: a.id))
        #expect(moved.mailboxID == archive.id && moved.uid == 2 && moved.flags == [MessageFlags.seen, "$Work"])
        #expect(moved.blobID == a.blobID && moved.internalDate == a.internalDate && moved.summary.subject == "a")
        #expect(try await f.store.messages(mailboxID: archive.id).map(\.id).last == a.id)
        #expect(try await f.store.messages(mailboxID: inbox.id).map(\.id) == [b.id])
        // The source reads as expunged since `before`; the destination has the new UID as changed.
        let changes = try #require(try await f.store.changes(mailboxID: inbox.id, since: before))
        #expect(changes.uids == [b.uid] && changes.highestModSeq > before)
        let arrived = try #require(try await f.store.changes(mailboxID: archive.id, since: 0))
        #expect(arrived.changed.map(\.uid) == [1, 2] && arrived.changed.last?.modSeq == moved.modSeq)
        #expect(try await f.store.counts(mailboxID: archive.id) == MailboxCounts(messages: 2, unseen: 1, size: Int64(first.size + a.size)))
        #expect(try await f.store.counts(mailboxID: inbox.id) == MailboxCounts(messages: 1, unseen: 1, size: Int64(b.size)))
        #expect(try await f.store.quota(accountID: f.alice.id).usedBytes == usage)
        #expect(try await f.store.mailbox(id: archive.id)?.uidNext == 3)

        // Into Bob's account: a new message there, Alice's is gone.
        let bobInbox = try await f.inbox(f.bob)
        #expect(try await f.service.move(uids: [b.uid], from: inbox.id, to: bobInbox.id).count == 1)
        let arrivedAtBob = try #require(try await f.store.messages(mailboxID: bobInbox.id).first)
        #expect(arrivedAtBob.id != b.id && arrivedAtBob.blobID == b.blobID)
        #expect(try await f.store.message(id: b.id) == nil)
        #expect(try await f.store.quota(accountID: f.bob.id).usedBytes == Int64(b.size))
        #expect(try await f.store.quota(accountID: f.alice.id).usedBytes == usage - Int64(b.size))
    }

    /// Small bodies live in the store (one commit for body and rows), big ones in the blob store
    /// with their parse cached; either way the bytes and the parse come back whole, and the body
    /// goes when the last copy does.
    @Test(arguments: StoreKind.allCases)
    func smallBodiesAreKeptInTheStoreAndBigOnesAsBlobs(_ kind: StoreKind) async throws {
        let f = try await MailFixture(kind, inlineBodyLimit: 2048)
        let inbox = try await f.inbox(f.alice)
        let small = MailFixture.message(subject: "=?UTF-8?B?5bCP?= small", body: "短信 short")
        let big = MailFixture.message(subject: "big", body: String(repeating: "大附件 attachment ", count: 200))
        let s = try await f.service.append(small, to: inbox.id)
        let b = try await f.service.append(big, to: inbox.id)
        #expect(try await f.store.inlineBody(blobID: s.blobID) == small)
        await #expect(throws: (any Error).self) { _ = try await f.blobs.get(s.blobID) }
        #expect(try await f.store.inlineBody(blobID: b.blobID) == nil)
        #expect(try await f.blobs.get(b.blobID) == big)
        #expect(try await f.service.raw(s) == small)
        #expect(try await f.service.raw(b) == big)
        // Pieces of either, as a FETCH of a large message reads them: clamped to the body's end.
        for (record, bytes) in [(s, small), (b, big)] {
            for range in [0..<10, 7..<(bytes.count - 3), (bytes.count - 5)..<(bytes.count + 100), bytes.count..<(bytes.count + 4), 3..<3] {
                #expect(try await f.service.raw(record, range: range) == Array(bytes[range.clamped(to: bytes.indices)]), "\(range)")
            }
        }
        #expect(try await f.store.inlineBody(blobID: s.blobID, range: 2..<6) == Array(small[2..<6]))
        #expect(try await f.store.inlineBody(blobID: b.blobID, range: 2..<6) == nil)
        // Only the big body keeps a parse; readers get the same parse either way.
        #expect(try await f.store.parsedJSON(blobID: s.blobID) == nil)
        #expect(try await f.store.parsedJSON(blobID: b.blobID) != nil)
        #expect(try await f.service.parsed(s) == MIMEParser.parse(small, searchText: false))
        #expect(try await f.service.parsed(s, raw: small) == MIMEParser.parse(small, searchText: false))
        #expect(try await f.service.parsed(b) == MIMEParser.parse(big, searchText: false))
        #expect(try await f.service.parsed(s).decodedHeader("Subject") == "小 small")
        // The same bytes delivered again share the body.
        let again = try await f.service.deliver(small, to: [f.bob.id])
        #expect(again.first?.blobID == s.blobID)
        _ = try await f.service.remove(mailboxID: inbox.id, uids: [s.uid, b.uid], onlyDeleted: false)
        #expect(try await f.service.raw(again[0]) == small)
        #expect(!(await holdsInPlace(f.blobs, b.blobID)))
    }

    @Test(arguments: StoreKind.allCases)
    func quotaRefusesOverfullDeliveryAndChangesNothing(_ kind: StoreKind) async throws {
        let f = try await MailFixture(kind, quota: 1000)
        let inbox = try await f.inbox(f.alice)
        let small = MailFixture.message(subject: "small", body: String(repeating: "a", count: 100))
        _ = try await f.service.append(small, to: inbox.id)
        let big = MailFixture.message(subject: "big", body: String(repeating: "b", count: 900))
        await #expect(throws: MailError.self) { _ = try await f.service.deliver(big, to: [f.alice.id, f.bob.id]) }
        // Atomic: Bob did not get it either.
        #expect(try await f.store.messages(mailboxID: try await f.inbox(f.bob).id).isEmpty)
        #expect(try await f.store.quota(accountID: f.alice.id).usedBytes == Int64(small.count))
        try await f.store.setQuotaLimit(accountID: f.alice.id, bytes: 100_000)
        #expect(try await f.service.deliver(big, to: [f.alice.id]).count == 1)
        #expect(try await f.store.quota(accountID: f.alice.id) == QuotaUsage(usedBytes: Int64(small.count + big.count), limitBytes: 100_000))
        // Copies count too.
        try await f.store.setQuotaLimit(accountID: f.alice.id, bytes: Int64(small.count + big.count + 10))
        let trash = try #require(try await f.service.mailbox(accountID: f.alice.id, specialUse: .trash))
        await #expect(throws: MailError.self) { _ = try await f.service.copy(uids: [1], from: inbox.id, to: trash.id) }
        // A move within the account adds nothing: allowed at and over the quota (mail to Trash).
        try await f.store.setQuotaLimit(accountID: f.alice.id, bytes: 10)
        #expect(try await f.service.move(uids: [1], from: inbox.id, to: trash.id).count == 1)
        #expect(try await f.store.quota(accountID: f.alice.id).usedBytes == Int64(small.count + big.count))
        // Into another account it still counts.
        try await f.store.setQuotaLimit(accountID: f.bob.id, bytes: 10)
        let bobInbox = try await f.inbox(f.bob)
        await #expect(throws: MailError.self) { _ = try await f.service.move(uids: [2], from: inbox.id, to: bobInbox.id) }
    }

    @Test(arguments: StoreKind.allCases)
    func pagesComeNewestFirstByInternalDateThenUID(_ kind: StoreKind) async throws {
        let f = try await MailFixture(kind)
        let inbox = try await f.inbox(f.alice)
        let t0 = Date(timeIntervalSince1970: 1_795_000_000)
        // Appended out of date order (an import), two with the same date.
        let offsets: [TimeInterval] = [300, 100, 500, 100, 200, 400]
        var records: [MessageRecord] = []
        for (n, offset) in offsets.enumerated() {
            records.append(try await f.service.append(MailFixture.message(subject: "m\(n)", body: "b\(n)"), to: inbox.id,
                                                      internalDate: t0.addingTimeInterval(offset)))
        }
        let expected = records.sorted { ($0.internalDate, $0.uid) > ($1.internalDate, $1.uid) }.map(\.uid)
        #expect(expected == [3, 6, 1, 5, 4, 2])
        let first = try await f.store.messagePage(mailboxID: inbox.id, offset: 0, limit: 4)
        #expect(first.total == 6)
        #expect(first.records.map(\.uid) == Array(expected.prefix(4)))
        #expect(first.records.first?.summary.subject == "m2")
        let second = try await f.store.messagePage(mailboxID: inbox.id, offset: 4, limit: 4)
        #expect(second.total == 6)
        #expect(second.records.map(\.uid) == Array(expected.suffix(2)))
        #expect(try await f.store.messagePage(mailboxID: inbox.id, offset: 10, limit: 4).records.isEmpty)
        let trash = try #require(try await f.service.mailbox(accountID: f.alice.id, specialUse: .trash))
        let empty = try await f.store.messagePage(mailboxID: trash.id, offset: 0, limit: 50)
        #expect(empty.total == 0 && empty.records.isEmpty)
    }

    @Test(arguments: StoreKind.allCases)
    func searchFindsChineseAndEnglishSubstrings(_ kind: StoreKind) async throws {
        let f = try await MailFixture(kind)
        let inbox = try await f.inbox(f.alice)
        let meeting = try await f.service.append(MailFixture.message(subject: "项目会议纪要", body: "请各位准时参加评审"), to: inbox.id)
        let invoice = try await f.service.append(MailFixture.message(subject: "Invoice 42", body: "Payment due 100% by Friday"), to: inbox.id)
        _ = try await f.service.deliver(MailFixture.message(subject: "会议 for Bob", body: "secret"), to: [f.bob.id])
        #expect(try await f.service.search(accountID: f.alice.id, query: "会议") == [meeting.id])
        #expect(try await f.service.search(accountID: f.alice.id, query: "评审") == [meeting.id])
        #expect(try await f.service.search(accountID: f.alice.id, query: "准时参加") == [meeting.id])
        #expect(try await f.service.search(accountID: f.alice.id, query: "invoice") == [invoice.id])
        #expect(try await f.service.search(accountID: f.alice.id, query: "payment friday") == [invoice.id])
        #expect(try await f.service.search(accountID: f.alice.id, query: "100%") == [invoice.id])
        #expect(try await f.service.search(accountID: f.alice.id, query: "carol").count == 2)
        #expect(try await f.service.search(accountID: f.alice.id, query: "secret").isEmpty)
        #expect(try await f.service.search(accountID: f.alice.id, query: "会议 invoice").isEmpty)
        let trash = try #require(try await f.service.mailbox(accountID: f.alice.id, specialUse: .trash))
        #expect(try await f.service.search(accountID: f.alice.id, mailboxID: trash.id, query: "会议").isEmpty)
    }

    @Test(arguments: StoreKind.allCases)
    func changesAreNotified(_ kind: StoreKind) async throws {
        let f = try await MailFixture(kind)
        let inbox = try await f.inbox(f.alice)
        let stream = f.events.subscribe(inbox.id)
        var iterator = stream.makeAsyncIterator()
        let record = try await f.service.deliver(MailFixture.message(subject: "hi", body: "x"), to: [f.alice.id])[0]
        #expect(await iterator.next() == .appended([record.uid]))
        _ = try await f.service.updateFlags(mailboxID: inbox.id, uids: [record.uid], change: .add([MessageFlags.seen]))
        #expect(await iterator.next() == .flagsChanged([record.uid]))
        _ = try await f.service.remove(mailboxID: inbox.id, uids: [record.uid], onlyDeleted: false)
        #expect(await iterator.next() == .expunged([record.uid]))
    }

    @Test(arguments: StoreKind.allCases)
    func concurrentDeliveriesGetDistinctUIDs(_ kind: StoreKind) async throws {
        let f = try await MailFixture(kind)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for i in 0..<40 {
                group.addTask { _ = try await f.service.deliver(MailFixture.message(subject: "c\(i)", body: "\(i)"), to: [f.alice.id]) }
            }
            try await group.waitForAll()
        }
        let uids = try await f.store.messages(mailboxID: try await f.inbox(f.alice).id).map(\.uid)
        #expect(uids == Array(1...40))
    }
}

/// What `reconcileBodies` answered, gathered from its handler.
final class ReconcileAnswers: Sendable {
    let value = Mutex<[BlobID: Bool]>([:])
}
