import MailwardMIME
import Synchronization

/// Keeps the full-text index in step with delivery without being part of it.
///
/// Extracting and indexing the text of a message (a trigram index over every text part) cost a
/// quarter of a delivery's CPU when it was done before the SMTP 250. Now a delivery only records,
/// in its own transaction, that its body awaits indexing; this indexer takes the waiting bodies
/// in batches — once deliveries pause for ``Timing/quietPeriod``, or at the latest when the
/// oldest has waited ``Timing/maximumDelay`` — and every search first indexes whatever still
/// waits (``catchUp()``), so a search always finds every message delivered before it. (Dovecot
/// indexes at search time, Stalwart from a background queue; this does both.)
public final class SearchIndexer: Sendable {
    public struct Timing: Sendable {
        /// How long deliveries must pause before the background run starts.
        public var quietPeriod: Duration
        /// The longest a delivered body waits for the background run under steady traffic.
        public var maximumDelay: Duration
        /// Bodies per index transaction (a delivery waiting for the writer waits at most one batch).
        public var batchSize: Int
        /// Extracted text held before it is written, whatever the batch size (a body gives at
        /// most `ParsedMessage.searchTextLimit`, 1 MiB).
        public var batchTextBytes: Int

        public init(quietPeriod: Duration = .milliseconds(500), maximumDelay: Duration = .seconds(30), batchSize: Int = 100,
                    batchTextBytes: Int = 8 << 20) {
            self.quietPeriod = quietPeriod
            self.maximumDelay = maximumDelay
            self.batchSize = max(1, batchSize)
            self.batchTextBytes = max(1, batchTextBytes)
        }
    }

    private struct Schedule {
        var lastDelivery: ContinuousClock.Instant?
        var oldestWaiting: ContinuousClock.Instant?
        var timerRunning = false
    }

    private let store: any MailStore
    private let blobs: any BlobStore
    private let timing: Timing
    private let reportFailure: @Sendable (any Error) -> Void
    private let schedule = Mutex(Schedule())
    private let runs = SerialRuns()

    public init(store: any MailStore, blobs: any BlobStore, timing: Timing = Timing(),
                reportFailure: @escaping @Sendable (any Error) -> Void = { _ in }) {
        self.store = store
        self.blobs = blobs
        self.timing = timing
        self.reportFailure = reportFailure
    }

    /// A body may have been stored: index it in the background once deliveries pause. Cheap
    /// (a clock read under a lock); at most one timer task exists at a time.
    public func noteNewBodies() {
        let startTimer = schedule.withLock { s -> Bool in
            let now = ContinuousClock.now
            s.lastDelivery = now
            if s.oldestWaiting == nil { s.oldestWaiting = now }
            guard !s.timerRunning else { return false }
            s.timerRunning = true
            return true
        }
        if startTimer { Task { await self.runWhenDue() } }
    }

    /// Indexes every body that waits now; returns once they are searchable. Runs never overlap.
    /// A failure (the database refusing the write) is reported, not thrown: a search then finds
    /// what was indexed before rather than failing, and the next run tries again.
    public func catchUp() async {
        do {
            try await runs.run { try await self.indexWaitingBodies() }
        } catch {
            reportFailure(error)
        }
    }

    private func runWhenDue() async {
        while true {
            let wait: Duration? = schedule.withLock { s in
                guard let oldest = s.oldestWaiting, let last = s.lastDelivery else {
                    s.timerRunning = false
                    return nil
                }
                let now = ContinuousClock.now
                let due = min(last + timing.quietPeriod, oldest + timing.maximumDelay)
                guard due > now else {
                    // Deliveries from here on start a new wait.
                    s.oldestWaiting = nil
                    return .zero
                }
                return due - now
            }
            guard let wait else { return }
            if wait > .zero {
                try? await Task.sleep(for: wait)
                continue
            }
            await catchUp()
        }
    }

    private func indexWaitingBodies() async throws {
        while true {
            let bodies = try await store.unindexedBodies(limit: timing.batchSize)
            guard !bodies.isEmpty else { return }
            var texts: [(blobID: BlobID, text: String)] = []
            var textBytes = 0
            for body in bodies {
                var raw = body.inlineBody
                if raw == nil { raw = try? await blobs.get(body.blobID) }
                // A body whose file is unreadable is indexed as empty rather than retried forever.
                let text = raw.map { MIMEParser.parse($0).searchText } ?? ""
                texts.append((body.blobID, text))
                textBytes += text.utf8.count
                if textBytes >= timing.batchTextBytes {
                    try await store.addToTextIndex(texts)
                    texts = []
                    textBytes = 0
                }
                await Task.yield()
            }
            try await store.addToTextIndex(texts)
            if bodies.count < timing.batchSize { return }
        }
    }
}

/// Runs the closures it is given one after another, in call order, whoever calls.
private actor SerialRuns {
    private var last: Task<Void, any Error>?

    func run(_ body: @escaping @Sendable () async throws -> Void) async throws {
        let previous = last
        let task = Task {
            _ = await previous?.result
            try await body()
        }
        last = task
        try await task.value
    }
}
