import Dispatch
import Foundation
import GRDB
import MailwardCore
import Synchronization

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
///
/// The transactions run on a thread of the batcher's own, which sleeps on a semaphore while
/// nothing is pending. As an actor handing each transaction to GRDB's writer queue, every group
/// commit woke a dispatch worker for the write, and every gathering `Task.sleep` a dispatch
/// timer thread and another worker — three thread wake-ups beside the work (a fifth of the SMTP
/// door's futex calls). Here GRDB's synchronous write runs the transaction on this thread, and
/// the gathering wait is the semaphore's timed wait, ended early by the insert that completes
/// the group.
final class InsertBatcher: Sendable {
    typealias Job = @Sendable (Database) throws -> [MessageRecord]

    static let gatherWindow = Duration.milliseconds(1)
    /// Measured at the SMTP door with 20 sessions: about six deliveries wait for a commit at any
    /// time, so with a target of 8 nearly every group waited out the whole window — a millisecond
    /// added to every message; at 4 a group leaves as soon as it is worth sharing.
    static let gatherTarget = 4

    private struct State {
        var pending: [(Job, CheckedContinuation<[MessageRecord], any Error>)] = []
        /// The thread waits on ``wake`` (for work, or for a group to fill).
        var sleeping = false
        /// The thread waits for a group to fill: wake it once ``gatherTarget`` inserts are pending.
        var gathering = false
        var stopped = false
    }

    private let pool: DatabasePool
    private let state = Mutex(State())
    private let wake = DispatchSemaphore(value: 0)

    init(pool: DatabasePool) {
        self.pool = pool
        let thread = Thread { [self] in
            // Named from inside, through /proc (Foundation's `Thread.name` does not reach the
            // kernel here, and `pthread_setname_np` is not visible to Swift on Linux): otherwise
            // the thread keeps the name of the event loop that started it, misleading in
            // `top -H` and in profiles. Linux keeps 15 bytes of it.
            try? "mw-deliveries".write(toFile: "/proc/thread-self/comm", atomically: false, encoding: .utf8)
            run()
        }
        thread.start()
    }

    /// Runs `job` in the next group transaction; returns once that transaction committed (or
    /// throws the job's error, or the commit's).
    func submit(_ job: @escaping Job) async throws -> [MessageRecord] {
        try await withCheckedThrowingContinuation { continuation in
            enum Admission { case queued, queuedAndWake, refused }
            let admission = state.withLock { state -> Admission in
                guard !state.stopped else { return .refused }
                state.pending.append((job, continuation))
                guard state.sleeping, !state.gathering || state.pending.count >= Self.gatherTarget else { return .queued }
                state.sleeping = false
                return .queuedAndWake
            }
            switch admission {
            case .queued: break
            case .queuedAndWake: wake.signal()
            case .refused: continuation.resume(throwing: StoreError.unavailable("the store is closed"))
            }
        }
    }

    /// Lets the thread end once the inserts already pending are done.
    func stop() {
        state.withLock { $0.stopped = true; $0.sleeping = false }
        wake.signal()
    }

    private func run() {
        var lastSharedCommit: ContinuousClock.Instant?
        while true {
            guard let batch = nextBatch(lastSharedCommit: lastSharedCommit) else { return }
            commit(batch)
            if batch.count > 1 { lastSharedCommit = .now }
        }
    }

    /// Waits for pending inserts (gathering more while deliveries are concurrent) and takes them
    /// all; nil once stopped with nothing pending.
    private func nextBatch(lastSharedCommit: ContinuousClock.Instant?) -> [(Job, CheckedContinuation<[MessageRecord], any Error>)]? {
        while true {
            let (count, stopped) = state.withLock { state in
                state.sleeping = state.pending.isEmpty && !state.stopped
                return (state.pending.count, state.stopped)
            }
            if count == 0 {
                if stopped { return nil }
                wake.wait()
                continue
            }
            if count < Self.gatherTarget, !stopped, let shared = lastSharedCommit,
               ContinuousClock.now - shared < Self.gatherWindow * 10 {
                let waiting = state.withLock { state -> Bool in
                    guard state.pending.count < Self.gatherTarget else { return false }
                    state.sleeping = true
                    state.gathering = true
                    return true
                }
                if waiting {
                    _ = wake.wait(timeout: .now() + Self.gatherWindow / .seconds(1))
                }
            }
            return state.withLock { state in
                state.sleeping = false
                state.gathering = false
                let batch = state.pending
                state.pending = []
                return batch
            }
        }
    }

    private func commit(_ batch: [(Job, CheckedContinuation<[MessageRecord], any Error>)]) {
        let jobs = batch.map(\.0)
        do {
            let results: [Result<[MessageRecord], any Error>] = try pool.writeWithoutTransaction { db in
                // The group's savepoint journal (the prior content of the few pages each delivery
                // changes) stays in memory instead of a temporary file written and thrown away
                // per group — more writes to it than to the WAL (docs/benchmarks.md, run 9). Only
                // for these bounded transactions: the process-wide spill threshold stays SQLite's
                // (see `SQLiteProcess`), and any other write's journal goes to a file past it.
                try db.cachedStatement(sql: "PRAGMA temp_store = MEMORY").execute()
                defer { try? db.cachedStatement(sql: "PRAGMA temp_store = DEFAULT").execute() }
                return try Self.inOneTransaction(db, jobs)
            }
            for (result, (_, continuation)) in zip(results, batch) {
                continuation.resume(with: result.mapError { SQLiteStore.storageError($0) })
            }
        } catch {
            // The transaction itself failed (commit, I/O): nothing of the batch is stored.
            for (_, continuation) in batch { continuation.resume(throwing: SQLiteStore.storageError(error)) }
        }
    }

    /// Runs every job in its own savepoint of one transaction. A full disk fails the whole
    /// group: SQLite may have rolled the transaction back under the savepoint already.
    ///
    /// The savepoint's statements are prepared once per connection (GRDB's `inSavepoint`
    /// prepares `SAVEPOINT` and `RELEASE` again for every delivery).
    private static func inOneTransaction(_ db: Database, _ jobs: [Job]) throws -> [Result<[MessageRecord], any Error>] {
        var results: [Result<[MessageRecord], any Error>] = []
        try db.inTransaction {
            let begin = try db.cachedStatement(sql: "SAVEPOINT delivery")
            let release = try db.cachedStatement(sql: "RELEASE SAVEPOINT delivery")
            let rollBack = try db.cachedStatement(sql: "ROLLBACK TRANSACTION TO SAVEPOINT delivery")
            results = try jobs.map { job in
                try begin.execute()
                do {
                    let records = try job(db)
                    try release.execute()
                    return .success(records)
                } catch let error as DatabaseError where error.resultCode == .SQLITE_FULL {
                    throw error
                } catch {
                    // Its own changes undone; the savepoint itself must go too.
                    try rollBack.execute()
                    try release.execute()
                    return .failure(error)
                }
            }
            return .commit
        }
        return results
    }
}
