import Dispatch
import GRDB
import GRDBSQLite
import Synchronization

/// Checkpoints the write-ahead log on a connection and a thread of its own, so that the writer —
/// and every delivery waiting for its commit — never waits for one.
///
/// SQLite's automatic checkpoint runs inside the commit that takes the log past 1 000 pages: that
/// commit copies some 4 MiB of pages into the database file and fsyncs it before it returns, and
/// all the sessions whose deliveries are in that group (and the ones queued behind it) wait. At
/// the SMTP door, with 10 KB messages, that is one commit in every ~250 deliveries, and while it
/// runs both cores often sit idle. Here the writer's commit hook only notices that the log has
/// grown past ``threshold`` and hands a passive checkpoint — the same kind SQLite would run — to
/// a background queue; the checkpoint copies what earlier commits wrote while new commits append.
/// Should that fall behind (a long read pins old pages, a failing checkpoint), the writer
/// checkpoints inline once the log passes ``inlineThreshold``, as SQLite itself would have.
///
/// The checkpoint connection runs with `synchronous = FULL`, like the writer: the log is
/// fsynced before pages are copied, and the database file before the log may start over.
final class WALCheckpointer: Sendable {
    /// Pages in the log that start a background checkpoint: four times SQLite's own default.
    /// A checkpoint copies the latest version of each page the log holds once, so the pages
    /// every delivery changes — a folder's row, the quota, index leaves — are copied once per
    /// 4 000 log pages rather than once per 1 000 (at the SMTP door, 5.4 instead of 7.5 page
    /// writes per message; docs/benchmarks.md). The log file grows to about 16 MiB.
    let threshold: Int32
    /// Pages in the log past which the writer checkpoints itself.
    let inlineThreshold: Int32

    private let path: String
    private let queue = DispatchQueue(label: "mailward.sqlite.checkpoint")
    private struct State {
        var scheduled = false
        var connection: DatabaseQueue?
        var closed = false
        var background = 0
        var inline = 0
    }
    private let state = Mutex(State())

    init(path: String, threshold: Int32 = 4_000, inlineThreshold: Int32 = 16_000) {
        self.path = path
        self.threshold = threshold
        self.inlineThreshold = inlineThreshold
    }

    /// Checkpoints done so far, by the background queue and by the writer itself.
    var completed: (background: Int, inline: Int) {
        state.withLock { ($0.background, $0.inline) }
    }

    /// Installs the commit hook on the writer connection (replacing SQLite's automatic
    /// checkpoint, which shares the hook). The checkpointer must outlive `db`: the store's
    /// `prepareDatabase` closure, kept by the connection, holds it.
    func watch(_ db: Database) {
        let context = Unmanaged.passUnretained(self).toOpaque()
        sqlite3_wal_hook(db.sqliteConnection, { context, connection, _, pages in
            guard let context else { return SQLITE_OK }
            let checkpointer = Unmanaged<WALCheckpointer>.fromOpaque(context).takeUnretainedValue()
            if pages >= checkpointer.inlineThreshold {
                // What SQLite's automatic checkpoint does, from inside the hook.
                if sqlite3_wal_checkpoint_v2(connection, nil, SQLITE_CHECKPOINT_PASSIVE, nil, nil) == SQLITE_OK {
                    checkpointer.state.withLock { $0.inline += 1 }
                }
            } else if pages >= checkpointer.threshold {
                checkpointer.schedule()
            }
            return SQLITE_OK
        }, context)
    }

    /// Closes the checkpoint connection once a running checkpoint ends; nothing runs after.
    func close() {
        queue.sync {
            state.withLock { state in
                state.closed = true
                state.connection = nil
            }
        }
    }

    private func schedule() {
        let start = state.withLock { state in
            guard !state.scheduled, !state.closed else { return false }
            state.scheduled = true
            return true
        }
        guard start else { return }
        queue.async { self.checkpoint() }
    }

    /// Runs on ``queue``. A failure (the database busy with another checkpoint, a closed store)
    /// only means this one is skipped: the next commit past the threshold asks again.
    private func checkpoint() {
        defer { state.withLock { $0.scheduled = false } }
        guard let connection = try? openConnection() else { return }
        if (try? connection.writeWithoutTransaction({ db in try db.checkpoint(.passive) })) != nil {
            state.withLock { $0.background += 1 }
        }
    }

    private func openConnection() throws -> DatabaseQueue? {
        if let existing = state.withLock({ $0.closed ? nil : $0.connection }) { return existing }
        if state.withLock({ $0.closed }) { return nil }
        var configuration = Configuration()
        configuration.busyMode = .timeout(10)
        configuration.label = "mailward.sqlite.checkpoint"
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = FULL")
        }
        let connection = try DatabaseQueue(path: path, configuration: configuration)
        state.withLock { $0.connection = connection }
        return connection
    }
}
