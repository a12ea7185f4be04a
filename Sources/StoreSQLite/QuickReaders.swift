import GRDB
import Synchronization

/// Read-only connections for the store's synchronous point lookups (``SQLiteStore/quickRead(_:)``),
/// each used by one calling thread at a time.
///
/// Not a GRDB `DatabasePool`: its reader pool, taken for every read, builds a generic key path
/// at run time and goes through a read-write lock and a dispatch queue first, contended by both
/// event loops — replacing it cut 8–17 % of the SMTP door's CPU per message, for lookups that
/// themselves take microseconds (docs/benchmarks.md, run 10). Here a lookup takes an idle
/// connection from a list under a lock (or opens one) and gives it back. Lookups run
/// synchronously on the calling thread and a connection is given back before the call returns,
/// so the list holds at most as many connections as threads ever read at once (the event
/// loops, a few more).
final class QuickReaders: Sendable {
    private let path: String
    private let idle = Mutex<[DatabaseQueue]>([])

    init(path: String) {
        self.path = path
    }

    /// Runs `body` in a read transaction (one consistent snapshot across its statements).
    func read<T>(_ body: (Database) throws -> T) throws -> T {
        try withConnection { try $0.read(body) }
    }

    /// Runs `body` without a transaction around it: for a body of one statement, which reads
    /// one snapshot of its own.
    func unsafeRead<T>(_ body: (Database) throws -> T) throws -> T {
        try withConnection { try $0.unsafeRead(body) }
    }

    private func withConnection<T>(_ body: (DatabaseQueue) throws -> T) throws -> T {
        let connection = try idle.withLock { $0.popLast() } ?? open()
        defer { idle.withLock { $0.append(connection) } }
        return try body(connection)
    }

    private func open() throws -> DatabaseQueue {
        var configuration = Configuration()
        configuration.readonly = true
        configuration.busyMode = .timeout(10)
        configuration.label = "mailward.sqlite.quick-reader"
        return try DatabaseQueue(path: path, configuration: configuration)
    }
}
