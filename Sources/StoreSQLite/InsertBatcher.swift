import GRDB
import MailwardCore

/// Group commit for deliveries: inserts that arrive while a write transaction is running wait
/// and then share the next transaction — and its one WAL fsync — each inside its own savepoint,
/// so one failure (a full quota) rolls back only its own copies. Under concurrent SMTP sessions
/// this turns N commits into one without delaying a lone delivery.
///
/// While deliveries are concurrent (the previous transaction, just committed, carried more than
/// one), a transaction that would start with fewer than ``gatherTarget`` inserts first waits up
/// to ``gatherWindow`` for more to join — and no longer than it takes them to arrive: the pages
/// every commit rewrites (the folder's row, the quota, index leaves) and its fsync are then
/// shared by more messages. A lone delivery — none committed with others in the last
/// ``gatherWindow`` × 10 — never waits.
actor InsertBatcher {
    typealias Job = @Sendable (Database) throws -> [MessageRecord]

    static let gatherWindow = Duration.milliseconds(1)
    static let gatherTarget = 8

    private let pool: DatabasePool
    private var pending: [(Job, CheckedContinuation<[MessageRecord], any Error>)] = []
    private var draining = false
    /// When the last transaction carrying more than one insert committed.
    private var lastSharedCommit: ContinuousClock.Instant?
    /// The drain, while it waits for more inserts to join (see ``gather()``).
    private var gatherWaiter: CheckedContinuation<Void, Never>?
    /// Counts gathers, so that the timer of one that ended early cannot end a later one.
    private var gatherNumber = 0

    init(pool: DatabasePool) {
        self.pool = pool
    }

    func submit(_ job: @escaping Job) async throws -> [MessageRecord] {
        try await withCheckedThrowingContinuation { continuation in
            pending.append((job, continuation))
            if pending.count >= Self.gatherTarget { endGather() }
            if !draining {
                draining = true
                Task { await self.drain() }
            }
        }
    }

    private func drain() async {
        while !pending.isEmpty {
            if pending.count < Self.gatherTarget, let shared = lastSharedCommit,
               ContinuousClock.now - shared < Self.gatherWindow * 10 {
                await gather()
            }
            let batch = pending
            pending = []
            let jobs = batch.map(\.0)
            do {
                let results: [Result<[MessageRecord], any Error>] = try await pool.write { db in
                    jobs.map { job in
                        var outcome: Result<[MessageRecord], any Error> = .success([])
                        do {
                            try db.inSavepoint {
                                do {
                                    outcome = .success(try job(db))
                                    return .commit
                                } catch {
                                    outcome = .failure(error)
                                    return .rollback
                                }
                            }
                        } catch {
                            outcome = .failure(error)
                        }
                        return outcome
                    }
                }
                if batch.count > 1 { lastSharedCommit = .now }
                for (result, (_, continuation)) in zip(results, batch) { continuation.resume(with: result) }
            } catch {
                // The transaction itself failed (commit, I/O): nothing of the batch is stored.
                for (_, continuation) in batch { continuation.resume(throwing: error) }
            }
        }
        draining = false
    }

    /// Waits until ``gatherTarget`` inserts are pending or ``gatherWindow`` has passed,
    /// whichever comes first.
    private func gather() async {
        gatherNumber += 1
        let number = gatherNumber
        await withCheckedContinuation { continuation in
            gatherWaiter = continuation
            Task {
                try? await Task.sleep(for: Self.gatherWindow)
                if self.gatherNumber == number { self.endGather() }
            }
        }
    }

    private func endGather() {
        gatherWaiter?.resume()
        gatherWaiter = nil
    }
}
