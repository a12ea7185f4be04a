import Foundation
import MailwardCore
import MailwardTesting
import StoreSQLite
import Testing

@Suite struct DeliveryQueueConformanceTests {
    let t0 = Date(timeIntervalSince1970: 1_795_000_000)

    func enqueue(_ queue: any DeliveryQueueStore, _ blobs: any BlobStore, id: String, recipients: [String],
                 at date: Date? = nil, body: String = "hello", localFolder: SpecialUse? = nil,
                 notifications: DeliveryNotifications? = nil) async throws {
        let raw = MailFixture.message(subject: "Queued \(id)", body: body)
        let blobID = try await blobs.put(raw)
        try await queue.enqueue(id: id, sender: "alice@demo.test", recipients: recipients, createdAt: date ?? t0,
                                blobID: blobID, metadata: try MailService.metadata(of: raw, cachingParse: true),
                                body: .blobStore(ensure: { try blobs.ensure(blobID, bytes: raw) }), localFolder: localFolder,
                                notifications: notifications)
    }

    /// What the sender asked to be told (SMTP's DSN extension) is kept with the message, claimed
    /// or listed: `NEVER` (an empty set) apart from "not said" (nil), the envelope id and the
    /// original recipient as given.
    @Test(arguments: StoreKind.allCases)
    func theNotificationRequestIsKept(_ kind: StoreKind) async throws {
        let (queue, _, blobs) = try await kind.makeQueueStores()
        let asked = DeliveryNotifications(envelopeID: "QQ 314159", returned: .headers, recipients: [
            "bob@example.org": .init(notify: [.success, .failure], originalRecipient: "rfc822;Bob@Example.ORG"),
            "carol@example.org": .init(notify: []),
        ])
        try await enqueue(queue, blobs, id: "dsn", recipients: ["Bob@example.org", "carol@example.org", "dan@example.org"],
                          notifications: asked)
        try await enqueue(queue, blobs, id: "plain", recipients: ["bob@example.org"])
        #expect(try await queue.message(id: "dsn")?.notifications == asked)
        #expect(try await queue.message(id: "plain")?.notifications == nil)
        let claimed = try await queue.claimDue(now: t0, lease: 60, limit: 10)
        let request = try #require(claimed.first { $0.id == "dsn" }?.notifications)
        #expect(request.reports(.success, for: "Bob@example.org") && !request.reports(.delay, for: "bob@example.org"))
        #expect(!request.reports(.failure, for: "carol@example.org"))
        #expect(request.reports(.failure, for: "dan@example.org") && !request.reports(.success, for: "dan@example.org"))
    }

    /// The folder a local copy goes to (Junk, when the MX door's filters decided so) is kept
    /// with the message, claimed or listed; nil (INBOX) when none was given.
    @Test(arguments: StoreKind.allCases)
    func theLocalFolderIsKept(_ kind: StoreKind) async throws {
        let (queue, _, blobs) = try await kind.makeQueueStores()
        try await enqueue(queue, blobs, id: "junk", recipients: ["li@demo.test"], localFolder: .junk)
        try await enqueue(queue, blobs, id: "inbox", recipients: ["li@demo.test"])
        #expect(try await queue.message(id: "junk")?.localFolder == .junk)
        #expect(try await queue.message(id: "inbox")?.localFolder == nil)
        let claimed = try await queue.claimDue(now: t0, lease: 60, limit: 10)
        #expect(Dictionary(uniqueKeysWithValues: claimed.map { ($0.id, $0.localFolder) }) == ["junk": .junk, "inbox": nil])
    }

    @Test(arguments: StoreKind.allCases)
    func enqueueStoresEveryRecipientPending(_ kind: StoreKind) async throws {
        let (queue, _, blobs) = try await kind.makeQueueStores()
        try await enqueue(queue, blobs, id: "m1", recipients: ["bob@Example.ORG", "carol@example.org", "dan@other.net"])
        let message = try #require(try await queue.message(id: "m1"))
        #expect(message.sender == "alice@demo.test" && message.createdAt == t0 && message.size > 0)
        #expect(message.recipients.map(\.domain) == ["example.org", "example.org", "other.net"])
        #expect(message.recipients.allSatisfy { $0.state == .pending && $0.attempts == 0 && $0.nextAttemptAt == t0 })
        #expect(Set(message.recipients.map(\.id)).count == 3)
        #expect(try await blobs.get(message.blobID).count == message.size)
        #expect(try await queue.allMessages().map(\.id) == ["m1"])
        #expect(try await queue.nextAttemptDate() == t0)
        await #expect(throws: StoreError.self) {
            try await enqueue(queue, blobs, id: "m1", recipients: ["x@example.org"])
        }
    }

    /// `/metrics`' queue gauges: pending recipients, their messages, the oldest one's time;
    /// finished recipients and messages no longer count.
    @Test(arguments: StoreKind.allCases)
    func backlogCountsWhatWaits(_ kind: StoreKind) async throws {
        let (queue, _, blobs) = try await kind.makeQueueStores()
        #expect(try await queue.backlog() == QueueBacklog(messages: 0, recipients: 0, oldestQueuedAt: nil))
        try await enqueue(queue, blobs, id: "old", recipients: ["a@x.test", "b@x.test"], at: t0)
        try await enqueue(queue, blobs, id: "new", recipients: ["c@y.test"], at: t0 + 60)
        #expect(try await queue.backlog() == QueueBacklog(messages: 2, recipients: 3, oldestQueuedAt: t0))
        let old = try #require(try await queue.message(id: "old"))
        try await queue.record(messageID: "old", recipientIDs: [old.recipients[0].id], outcome: .delivered(detail: "250 ok"), at: t0)
        #expect(try await queue.backlog() == QueueBacklog(messages: 2, recipients: 2, oldestQueuedAt: t0))
        try await queue.record(messageID: "old", recipientIDs: [old.recipients[1].id], outcome: .failed(error: "550 no"), at: t0)
        #expect(try await queue.backlog() == QueueBacklog(messages: 1, recipients: 1, oldestQueuedAt: t0 + 60))
    }

    @Test(arguments: StoreKind.allCases)
    func claimsAreDueOnlyAndLeased(_ kind: StoreKind) async throws {
        let (queue, _, blobs) = try await kind.makeQueueStores()
        try await enqueue(queue, blobs, id: "early", recipients: ["a@x.test"], at: t0)
        try await enqueue(queue, blobs, id: "late", recipients: ["b@x.test"], at: t0 + 100)
        #expect(try await queue.claimDue(now: t0 - 1, lease: 60, limit: 10).isEmpty)
        let first = try await queue.claimDue(now: t0 + 10, lease: 60, limit: 10)
        #expect(first.map(\.id) == ["early"])
        // What `queue list` reads: the claim's end while held (an attempt under way), nil otherwise.
        #expect(try await queue.message(id: "early")?.recipients.first?.claimedUntil == t0 + 70)
        #expect(try await queue.message(id: "late")?.recipients.first?.claimedUntil == nil)
        // Leased: invisible until the lease ends.
        #expect(try await queue.claimDue(now: t0 + 20, lease: 60, limit: 10).isEmpty)
        let both = try await queue.claimDue(now: t0 + 200, lease: 60, limit: 10)
        #expect(both.map(\.id) == ["early", "late"])
        // `queue retry` leaves claimed recipients to their worker (it may be sending them now:
        // another node's worker would send them twice); a dead process's claims are released.
        #expect(try await queue.retryNow(id: nil, now: t0 + 201) == 0)
        #expect(try await queue.claimDue(now: t0 + 201, lease: 60, limit: 10).isEmpty)
        #expect(try await queue.releaseClaims(now: t0 + 202) == 2)
        #expect(try await queue.releaseClaims(now: t0 + 202) == 0)
        #expect(try await queue.claimDue(now: t0 + 202, lease: 60, limit: 1).count == 1)
    }

    /// The multi-node audit's duplicate: `queue retry` while a worker was still waiting for the
    /// remote's answer made the recipient due, and another node's worker sent it again.
    @Test(arguments: StoreKind.allCases)
    func retryLeavesARecipientBeingSentToItsWorker(_ kind: StoreKind) async throws {
        let (queue, _, blobs) = try await kind.makeQueueStores()
        try await enqueue(queue, blobs, id: "m", recipients: ["a@x.test", "b@x.test"])
        let claimed = try #require(try await queue.claimDue(now: t0, lease: 900, limit: 10).first)
        #expect(try await queue.retryNow(id: "m", now: t0 + 1) == 0)
        #expect(try await queue.retryNow(id: nil, now: t0 + 1) == 0)
        #expect(try await queue.claimDue(now: t0 + 2, lease: 900, limit: 10).isEmpty, "not claimed twice")
        // Its worker records a temporary failure: the claim ends, and retry makes it due.
        try await queue.record(messageID: "m", recipientIDs: [claimed.recipients[0].id],
                               outcome: .deferred(error: "451 later", nextAttemptAt: t0 + 3600), at: t0 + 3)
        #expect(try await queue.retryNow(id: "m", now: t0 + 4) == 1)
        #expect(try await queue.claimDue(now: t0 + 4, lease: 900, limit: 10).first?.recipients.map(\.id) == [claimed.recipients[0].id])
        // A claim whose lease ran out (its process died) is anybody's again.
        #expect(try await queue.retryNow(id: "m", now: t0 + 901) == 1)
    }

    @Test(arguments: StoreKind.allCases)
    func outcomesAreRecordedAndFinishedMessagesLeave(_ kind: StoreKind) async throws {
        let (queue, _, blobs) = try await kind.makeQueueStores()
        try await enqueue(queue, blobs, id: "m", recipients: ["a@x.test", "b@x.test", "c@y.test"])
        let claimed = try #require(try await queue.claimDue(now: t0, lease: 60, limit: 10).first)
        let (a, b, c) = (claimed.recipients[0].id, claimed.recipients[1].id, claimed.recipients[2].id)
        try await queue.record(messageID: "m", recipientIDs: [a], outcome: .delivered(detail: "250 ok"), at: t0)
        try await queue.record(messageID: "m", recipientIDs: [b], outcome: .failed(error: "550 no"), at: t0)
        try await queue.record(messageID: "m", recipientIDs: [c],
                               outcome: .deferred(error: "451 later", nextAttemptAt: t0 + 300), at: t0)
        let message = try #require(try await queue.message(id: "m"))
        #expect(message.recipients.map(\.state) == [.delivered, .failed, .pending])
        #expect(message.recipients.map(\.attempts) == [1, 1, 1])
        #expect(message.recipients[2].lastError == "451 later" && message.recipients[2].nextAttemptAt == t0 + 300)
        #expect(try await queue.nextAttemptDate() == t0 + 300)
        #expect(try await queue.claimDue(now: t0 + 299, lease: 60, limit: 10).isEmpty)
        // A recorded (final) recipient is not changed again.
        try await queue.record(messageID: "m", recipientIDs: [a], outcome: .failed(error: "late"), at: t0)
        #expect(try await queue.message(id: "m")?.recipients[0].state == .delivered)
        let again = try await queue.claimDue(now: t0 + 300, lease: 60, limit: 10)
        #expect(again.first?.recipients.map(\.id) == [c])
        try await queue.record(messageID: "m", recipientIDs: [c], outcome: .delivered(detail: "250"), at: t0 + 300)
        #expect(try await queue.message(id: "m") == nil)
        #expect(try await queue.allMessages().isEmpty)
        #expect(try await queue.nextAttemptDate() == nil)
        // Results for a message that is gone are ignored.
        try await queue.record(messageID: "m", recipientIDs: [c], outcome: .delivered(detail: "250"), at: t0 + 300)
    }

    @Test(arguments: StoreKind.allCases)
    func retryAndDelete(_ kind: StoreKind) async throws {
        let (queue, _, blobs) = try await kind.makeQueueStores()
        try await enqueue(queue, blobs, id: "m", recipients: ["a@x.test"])
        try await enqueue(queue, blobs, id: "n", recipients: ["b@x.test"])
        let claimed = try await queue.claimDue(now: t0, lease: 60, limit: 10)
        for message in claimed {
            try await queue.record(messageID: message.id, recipientIDs: message.recipients.map(\.id),
                                   outcome: .deferred(error: "451", nextAttemptAt: t0 + 3600), at: t0)
        }
        #expect(try await queue.message(id: "m")?.recipients[0].delayNotified == false)
        try await queue.markDelayNotified(messageID: "m", recipientIDs: claimed.first { $0.id == "m" }!.recipients.map(\.id))
        #expect(try await queue.message(id: "m")?.recipients[0].delayNotified == true)
        #expect(try await queue.message(id: "n")?.recipients[0].delayNotified == false)
        #expect(try await queue.retryNow(id: "m", now: t0 + 5) == 1)
        #expect(try await queue.claimDue(now: t0 + 5, lease: 60, limit: 10).map(\.id) == ["m"])
        #expect(try await queue.retryNow(id: "missing", now: t0 + 5) == 0)
        #expect(try await queue.delete(id: "n"))
        #expect(!(try await queue.delete(id: "n")))
        #expect(try await queue.allMessages().map(\.id) == ["m"])
    }

    @Test(arguments: StoreKind.allCases.filter { $0 != .memory })
    func queuedBodySurvivesMailGarbageCollection(_ kind: StoreKind) async throws {
        let (queue, mail, blobs) = try await kind.makeQueueStores()
        try await enqueue(queue, blobs, id: "m", recipients: ["a@x.test"], body: "only in the queue")
        let blobID = try #require(try await queue.message(id: "m")).blobID
        #expect(try await mail.collectGarbage { try blobs.delete($0) } == 0)
        #expect(try await blobs.get(blobID).count > 0)
        let claimed = try await queue.claimDue(now: t0, lease: 60, limit: 1)
        try await queue.record(messageID: "m", recipientIDs: claimed[0].recipients.map(\.id),
                               outcome: .delivered(detail: "250"), at: t0)
        #expect(try await mail.collectGarbage { try blobs.delete($0) } == 1)
        #expect(!(await holdsInPlace(blobs, blobID)))
    }

    /// A body enqueued `.inline` lives with the queue rows (what PostgreSQL does for every
    /// body, so a worker on any node can send it) and goes when the message leaves the queue.
    @Test(arguments: StoreKind.allCases)
    func inlineBodyIsKeptWithTheQueuedMessage(_ kind: StoreKind) async throws {
        let (queue, mail, blobs) = try await kind.makeQueueStores()
        let raw = MailFixture.message(subject: "Inline", body: "kept in the store")
        let blobID = BlobID.of(raw)
        try await queue.enqueue(id: "i", sender: "alice@demo.test", recipients: ["a@x.test"], createdAt: t0, blobID: blobID,
                                metadata: try MailService.metadata(of: raw, cachingParse: false), body: .inline(raw))
        #expect(try await queue.inlineBody(blobID: blobID) == raw)
        #expect(try await mail.collectGarbage { try blobs.delete($0) } == 0)
        #expect(try await queue.inlineBody(blobID: blobID) == raw)
        let claimed = try await queue.claimDue(now: t0, lease: 60, limit: 1)
        try await queue.record(messageID: "i", recipientIDs: claimed[0].recipients.map(\.id),
                               outcome: .delivered(detail: "250"), at: t0)
        _ = try await mail.collectGarbage { try blobs.delete($0) }
        #expect(try await queue.inlineBody(blobID: blobID) == nil)
    }
}
