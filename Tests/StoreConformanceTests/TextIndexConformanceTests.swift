import Foundation
import MailwardCore
import Testing

/// The full-text index outside the delivery: what waits, what a search catches up, what the
/// background run and garbage collection do.
@Suite struct TextIndexConformanceTests {
    @Test(arguments: StoreKind.allCases)
    func deliveryLeavesTheTextWaitingAndASearchCatchesUp(_ kind: StoreKind) async throws {
        let f = try await MailFixture(kind)
        let first = try await f.service.deliver(MailFixture.message(subject: "季度报告", body: "budget review"), to: [f.alice.id])[0]
        let second = try await f.service.deliver(MailFixture.message(subject: "Lunch", body: "noodles 面条"), to: [f.alice.id])[0]
        let waiting = try await f.store.unindexedBodies(limit: 10)
        #expect(waiting.map(\.blobID) == [first.blobID, second.blobID])
        #expect(waiting.allSatisfy { $0.inlineBody != nil })
        // The store alone only finds indexed text; the service catches the index up first.
        #expect(try await f.store.searchText(accountID: f.alice.id, mailboxID: nil, terms: ["报告"]).isEmpty)
        #expect(try await f.service.search(accountID: f.alice.id, query: "报告") == [first.id])
        #expect(try await f.service.search(accountID: f.alice.id, query: "面条") == [second.id])
        #expect(try await f.store.unindexedBodies(limit: 10).isEmpty)
        // Text indexed twice (two runs racing) is kept once.
        try await f.store.addToTextIndex([(first.blobID, "something else entirely")])
        #expect(try await f.service.search(accountID: f.alice.id, query: "budget") == [first.id])
        #expect(try await f.service.search(accountID: f.alice.id, query: "entirely").isEmpty)
    }

    /// Terms the trigram index answers (three characters or more) and those checked against the
    /// text (shorter, or holding `%`, `_`, a backslash) combine; case does not matter; only the
    /// searcher's own messages are found.
    @Test(arguments: StoreKind.allCases)
    func longShortAndWildcardTermsTogether(_ kind: StoreKind) async throws {
        let f = try await MailFixture(kind)
        let budget = try await f.service.deliver(MailFixture.message(subject: "年度预算", body: "Budget 100% approved_now"), to: [f.alice.id])[0]
        let other = try await f.service.deliver(MailFixture.message(subject: "预算草稿", body: "draft budget 10 percent"), to: [f.alice.id])[0]
        _ = try await f.service.deliver(MailFixture.message(subject: "年度预算", body: "Budget 100% approved_now"), to: [f.bob.id])
        func search(_ query: String) async throws -> Set<MessageID> { Set(try await f.service.search(accountID: f.alice.id, query: query)) }
        #expect(try await search("预算") == [budget.id, other.id])             // two characters: checked
        #expect(try await search("年度预算") == [budget.id])                   // four: the index
        #expect(try await search("BUDGET 预算") == [budget.id, other.id])      // both kinds, any case
        #expect(try await search("100%") == [budget.id])                      // a literal %
        #expect(try await search("10%").isEmpty)
        #expect(try await search("approved_now") == [budget.id])              // a literal _
        #expect(try await search("approvedXnow").isEmpty)
        #expect(try await search("年度 budget draft").isEmpty)
    }

    @Test(arguments: StoreKind.allCases)
    func theBackgroundRunIndexesOnceDeliveriesPause(_ kind: StoreKind) async throws {
        let f = try await MailFixture(kind, indexTiming: SearchIndexer.Timing(quietPeriod: .milliseconds(50), batchSize: 2))
        var records: [MessageRecord] = []
        for n in 0..<5 {
            records += try await f.service.deliver(MailFixture.message(subject: "batch \(n)", body: "第\(n)封 word\(n)"), to: [f.alice.id])
        }
        // Polls a bounded number of times rather than against the wall clock: on a loaded
        // machine the test's tasks and the indexer's wait for the same threads.
        for _ in 0..<1500 {
            if try await f.store.unindexedBodies(limit: 10).isEmpty { break }
            try await Task.sleep(for: .milliseconds(20))
        }
        #expect(try await f.store.unindexedBodies(limit: 10).isEmpty)
        #expect(try await f.store.searchText(accountID: f.alice.id, mailboxID: nil, terms: ["第3封"]) == [records[3].id])
    }

    /// Batches cut at 3 bodies and at 40 bytes of text (most bodies alone exceed it) still index
    /// every body exactly once. (How big a batch was is not visible from outside; what is tested
    /// is that cutting batches loses and repeats nothing.)
    @Test(arguments: StoreKind.allCases)
    func smallBatchesIndexEveryBodyOnce(_ kind: StoreKind) async throws {
        let timing = SearchIndexer.Timing(quietPeriod: .seconds(3600), maximumDelay: .seconds(3600), batchSize: 3, batchTextBytes: 40)
        let f = try await MailFixture(kind, indexTiming: timing)
        var records: [MessageRecord] = []
        for n in 0..<7 {
            records += try await f.service.deliver(MailFixture.message(subject: "part \(n)", body: "正文 body-\(n) " + String(repeating: "x", count: 30 * n)),
                                                   to: [f.alice.id])
        }
        await f.service.searchIndex.catchUp()
        #expect(try await f.store.unindexedBodies(limit: 10).isEmpty)
        for (n, record) in records.enumerated() {
            #expect(try await f.store.searchText(accountID: f.alice.id, mailboxID: nil, terms: ["body-\(n) "]) == [record.id])
        }
    }

    @Test(arguments: StoreKind.allCases)
    func bodiesCollectedBeforeIndexingNoLongerWait(_ kind: StoreKind) async throws {
        let f = try await MailFixture(kind, inlineBodyLimit: 1024)
        let inbox = try await f.inbox(f.alice)
        let small = try await f.service.append(MailFixture.message(subject: "short", body: "gone soon"), to: inbox.id)
        let big = try await f.service.append(MailFixture.message(subject: "long", body: String(repeating: "长文 text ", count: 200)), to: inbox.id)
        let waiting = try await f.store.unindexedBodies(limit: 10)
        #expect(waiting.map(\.blobID) == [small.blobID, big.blobID])
        // A body kept as a file is read from the blob store by the indexer.
        #expect(waiting[1].inlineBody == nil)
        _ = try await f.service.remove(mailboxID: inbox.id, uids: [small.uid], onlyDeleted: false)
        #expect(try await f.store.unindexedBodies(limit: 10).map(\.blobID) == [big.blobID])
        #expect(try await f.service.search(accountID: f.alice.id, query: "长文") == [big.id])
        // Indexing a body that is gone is a no-op.
        try await f.store.addToTextIndex([(small.blobID, "gone soon")])
        #expect(try await f.service.search(accountID: f.alice.id, query: "soon").isEmpty)
    }
}
