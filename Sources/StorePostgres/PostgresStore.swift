import Foundation
import Logging
import MailwardCore
import NIOSSL
import PostgresNIO
import Synchronization

/// The store for larger installations and several server nodes (SPEC M7): every port Core
/// defines — directory, mail, two-step security, shares, the outbound queue — in one
/// PostgreSQL database, behind postgres-nio's connection pool.
///
/// Several nodes may share the database: UIDs and MODSEQs are taken under the mailbox row's
/// lock, compare-and-set operations are single statements, the outbound queue is claimed with
/// `FOR UPDATE SKIP LOCKED`, and migrations run under an advisory lock. Every message body lives
/// in the database (`blobs.body`, stored out of line by PostgreSQL), so each node reads every
/// message; see ``keepsEveryBody``.
///
/// The pool runs in a task the store owns: it starts when the store is opened and ends with
/// ``close()`` (or when the store is released).
public final class PostgresStore: MigratingStore {
    let client: PostgresClient
    let logger: Logger
    /// This process among the nodes sharing the database: its connections' `application_name`,
    /// which the mailbox-change notifications carry (see ``relayChanges(to:)``).
    public let nodeName: String
    /// The schema the tables live in when one was named (the URL's `schema`), else nil.
    public let schema: String?
    /// How long an operation may wait for a connection of the pool — while the server cannot be
    /// reached the pool keeps trying to connect, and without a limit every session would wait
    /// with it — before it fails with `StoreError.unavailable`.
    let connectionWait: Duration
    private let runner: Task<Void, Never>
    private let relays = Mutex<[Task<Void, Never>]>([])
    /// Set once by ``open(url:schema:connectTimeout:connectionWait:checkOnly:logger:)``.
    private let appliedAtOpen = Mutex<[String]>([])
    public var migrationsAppliedAtOpen: [String] { appliedAtOpen.withLock { $0 } }
    private let pendingAtOpen = Mutex<[String]>([])
    public var migrationsPendingAtOpen: [String] { pendingAtOpen.withLock { $0 } }
    public static var knownMigrations: [String] { PostgresMigrations.all.map(\.name) }

    /// PostgreSQL keeps bodies of any size well (out of line, compressed when it helps), and a
    /// body in the database is a body every node sees: the mail service should put every body
    /// in the store rather than in node-local files.
    public static let keepsEveryBody = true

    /// Connects to `url` (`postgres://user:password@host:port/database`, optionally with
    /// `?sslmode=disable|prefer|require|verify-full` and `&schema=name`) and runs pending
    /// migrations. With a schema (the argument, else the URL's), every table lives in that schema,
    /// created when missing: several installations can share one database, and the tests give
    /// each store its own.
    ///
    /// Every connection also bounds what the server may spend on this node's behalf
    /// (``sessionLimits``): a statement, a wait for a lock, a transaction left open by a node that
    /// stopped talking — which would otherwise hold its row locks against every other node.
    /// - Parameters:
    ///   - connectTimeout: how long the first contact (connecting, migrating) may take.
    ///   - connectionWait: how long each later operation may wait for a connection (see
    ///     ``connectionWait``).
    ///   - checkOnly: for `mailward config check`: nothing is created or migrated (beside
    ///     running nodes, or before an upgrade); the migrations missing are listed in
    ///     ``migrationsPendingAtOpen`` for `serve` to apply.
    public static func open(url: String, schema: String? = nil, connectTimeout: Duration = .seconds(20),
                            connectionWait: Duration = .seconds(15), checkOnly: Bool = false,
                            logger: Logger = Logger(label: "mailward.postgres")) async throws -> PostgresStore {
        var configuration = try PostgresURL.configuration(url)
        let nodeName = "mailward-" + UUID().uuidString.prefix(8).lowercased()
        configuration.options.additionalStartupParameters.append(("application_name", nodeName))
        configuration.options.additionalStartupParameters += sessionLimits
        let schema = schema ?? PostgresURL.schema(url)
        if let schema {
            // An identifier that needs no quoting (it is spliced into CREATE SCHEMA and search_path).
            guard let first = schema.first, first.isASCII && (first.isLetter || first == "_"),
                  schema.count <= 63, schema.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }) else {
                throw PostgresStoreError("a schema name is letters, digits and '_' only, starting with a letter or '_'")
            }
            configuration.options.additionalStartupParameters.append(("search_path", "\(schema),public"))
        }
        let store = PostgresStore(client: PostgresClient(configuration: configuration, backgroundLogger: logger), logger: logger,
                                  nodeName: nodeName, schema: schema, connectionWait: connectionWait)
        do {
            // postgres-nio retries a connection that fails for as long as it is asked to: a
            // wrong host or a stopped server would make start-up (and the CLI) wait for ever.
            let place = "\(configuration.host ?? "?"):\(configuration.port ?? 5432)"
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    if checkOnly {
                        let pending = try await PostgresMigrations.pending(on: store, schema: schema)
                        store.pendingAtOpen.withLock { $0 = pending }
                    } else {
                        let applied = try await PostgresMigrations.run(on: store, schema: schema)
                        store.appliedAtOpen.withLock { $0 = applied }
                    }
                }
                group.addTask {
                    try await Task.sleep(for: connectTimeout)
                    throw PostgresStoreError("no answer from the PostgreSQL server at \(place) within \(connectTimeout)"
                        + " (is it running, and may this user connect?)")
                }
                defer { group.cancelAll() }
                try await group.next()
            }
        } catch {
            store.close()
            throw error
        }
        return store
    }

    /// Run-time parameters every connection starts with (PostgreSQL takes them in the startup
    /// packet). Generous: they end what is stuck, not what is slow. An expunge of a huge folder
    /// or the deletion of a big account runs well inside five minutes.
    static let sessionLimits: [(String, String)] = [
        ("statement_timeout", "300s"),
        ("lock_timeout", "60s"),
        ("idle_in_transaction_session_timeout", "300s"),
    ]

    private init(client: PostgresClient, logger: Logger, nodeName: String, schema: String?, connectionWait: Duration) {
        self.client = client
        self.logger = logger
        self.nodeName = nodeName
        self.schema = schema
        self.connectionWait = connectionWait
        // Started at once (not at the next scheduling), so the pool runs before the first query.
        runner = Task.immediate { [client] in await client.run() }
    }

    deinit {
        close()
    }

    /// Closes the pool's connections; queries after this fail.
    public func close() {
        for relay in relays.withLock({ $0 }) { relay.cancel() }
        runner.cancel()
    }

    /// Bytes the store's tables take on disk, indexes and out-of-line values included.
    public func diskUsage() async throws -> Int64 {
        try await rows("""
            SELECT COALESCE(SUM(pg_total_relation_size(c.oid)), 0)::BIGINT AS bytes
            FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = current_schema() AND c.relkind = 'r'
            """)[0].get("bytes")
    }

    /// Removes the store's own schema with everything in it (benchmarks clean up this way);
    /// refused for a store without one, whose tables share the database's default schema.
    public func dropSchema() async throws {
        guard let schema else { throw PostgresStoreError("the store has no schema of its own to drop") }
        try await execute(PostgresQuery(unsafeSQL: "DROP SCHEMA \(schema) CASCADE"))
    }

    /// Publishes into `events` what other nodes change (the `mailbox_changed` trigger's NOTIFY
    /// on `mailward_mailbox`), so IMAP IDLE and the webmail on this node wake up for mail that
    /// arrived through another. Changes made here are published by `MailService` already and
    /// skipped. One pooled connection listens until ``close()``; a lost one is replaced.
    public func relayChanges(to events: MailboxEvents) {
        let task = Task { [client, logger, nodeName] in
            var listenedBefore = false
            while !Task.isCancelled {
                do {
                    try await client.withConnection { connection in
                        try await connection.listen(on: "mailward_mailbox") { notifications in
                            // Listening again after an interruption (a PostgreSQL restart, a
                            // failover): what other nodes changed meanwhile was never announced, so
                            // every watched mailbox is told to look (an IDLE would wait otherwise).
                            if listenedBefore { events.publishToEveryWatchedMailbox(.mayHaveChanged) }
                            listenedBefore = true
                            for try await notification in notifications {
                                guard let (mailboxID, change) = Self.change(notification.payload, ignoring: nodeName) else { continue }
                                events.publish(change, in: mailboxID)
                            }
                        }
                    }
                } catch {
                    if Task.isCancelled { break }
                    logger.warning("listening for other nodes' mailbox changes failed; listening again",
                                   metadata: ["error": "\(String(reflecting: error))"])
                    try? await Task.sleep(for: .seconds(2))
                }
            }
        }
        relays.withLock { $0.append(task) }
    }

    /// A notification's payload (`<mailbox id> <kind> <node>`) as a change, unless it came from
    /// `ignoring` (this node) or cannot be read.
    static func change(_ payload: String, ignoring node: String) -> (MailboxID, MailboxChange)? {
        let parts = payload.split(separator: " ")
        guard parts.count == 3, parts[2] != node, let id = MailboxID(parts[0]) else { return nil }
        switch parts[1] {
        case "appended": return (id, .appended([]))
        case "flags": return (id, .flagsChanged([]))
        case "expunged": return (id, .expunged([]))
        case "renamed": return (id, .renamed)
        case "deleted": return (id, .deleted)
        case "access": return (id, .accessChanged)
        default: return nil
        }
    }

    /// The server key fingerprint the database was first used with: `fingerprint` when this is
    /// the first node, else the one recorded then (kept among the counters, one row).
    public func serverKeyFingerprint(claiming fingerprint: Int64) async throws -> Int64 {
        let rows = try await rows("""
            INSERT INTO counters (name, value) VALUES ('server-key-fingerprint', \(fingerprint))
            ON CONFLICT (name) DO UPDATE SET name = EXCLUDED.name RETURNING value
            """)
        guard let row = rows.first else { throw StoreError.missing("counters: server-key-fingerprint") }
        return try row.get("value", as: Int64.self)
    }

    // MARK: Running statements

    /// One statement outside an explicit transaction (its own implicit one).
    func rows(_ query: PostgresQuery) async throws -> [PostgresRandomAccessRow] {
        try await retrying {
            try await Self.mapped {
                try await leased { connection in try await connection.rows(query, logger: self.logger) }
            }
        }
    }

    /// One statement for its effect; returns how many rows it returned (see
    /// `PostgresConnection.execute`).
    @discardableResult
    func execute(_ query: PostgresQuery) async throws -> Int {
        try await transaction { connection in try await connection.execute(query, logger: self.logger) }
    }

    /// A transaction (READ COMMITTED). One that lost a deadlock or a serialization race is
    /// run again from the start, up to a few times; unique and foreign-key violations become
    /// the port's `StoreError`s.
    func transaction<T: Sendable>(_ body: @escaping @Sendable (PostgresConnection) async throws -> T) async throws -> T {
        try await retrying {
            try await Self.mapped {
                try await leased { connection in
                    try await connection.query("BEGIN", logger: self.logger)
                    do {
                        let result = try await body(connection)
                        try await connection.query("COMMIT", logger: self.logger)
                        return result
                    } catch {
                        _ = try? await connection.query("ROLLBACK", logger: self.logger)
                        throw error
                    }
                }
            }
        }
    }

    /// Runs `body` on a connection of the pool, waiting at most ``connectionWait`` for one.
    ///
    /// Only the wait is bounded: once `body` has its connection it runs to its end (the
    /// server's `statement_timeout` bounds it), so an operation that got a connection just as the
    /// wait ended is never reported as not done. postgres-nio gives up a pending lease when its
    /// task is cancelled, which is how the wait ends.
    func leased<T: Sendable>(_ body: @escaping @Sendable (PostgresConnection) async throws -> T) async throws -> T {
        let started = LeaseStarted()
        let wait = connectionWait
        return try await withThrowingTaskGroup(of: LeaseOutcome<T>.self) { group in
            group.addTask { [client] in
                .done(try await client.withConnection { connection in
                    started.flag.store(true, ordering: .releasing)
                    return try await body(connection)
                })
            }
            group.addTask {
                try await Task.sleep(for: wait)
                return started.flag.load(ordering: .acquiring) ? .stillRunning : .waitedTooLong
            }
            var gaveUp = false
            while true {
                let outcome: LeaseOutcome<T>?
                do {
                    outcome = try await group.next()
                } catch {
                    group.cancelAll()
                    // Anything that failed after `body` started is `body`'s own error.
                    if !started.flag.load(ordering: .acquiring) {
                        // The lease, cancelled because the wait ended: unavailable.
                        if gaveUp { throw StoreError.unavailable("no connection to the PostgreSQL server within \(wait)") }
                        // The pool gave up by itself — after failing to connect for a while,
                        // postgres-nio's circuit breaker fails every lease at once — or could not
                        // connect: unavailable too, never an error a door would read as a wrong
                        // password or a bug. Only the caller's own cancellation stays one.
                        if !(error is CancellationError) {
                            throw StoreError.unavailable("no connection to the PostgreSQL server (\(error))")
                        }
                    }
                    throw error
                }
                switch outcome {
                case .done(let value)?:
                    group.cancelAll()
                    return value
                case .waitedTooLong?:
                    gaveUp = true
                    group.cancelAll()
                case .stillRunning?:
                    continue
                case nil:  // not reached: the lease task ends in `.done` or an error
                    throw StoreError.unavailable("no connection to the PostgreSQL server")
                }
            }
        }
    }

    /// Runs `work` again (up to five times in all) when it lost a deadlock or a serialization
    /// race: PostgreSQL rolled it back whole, so running it again is safe.
    func retrying<T>(_ work: () async throws -> T) async throws -> T {
        var attempt = 0
        while true {
            attempt += 1
            do {
                return try await work()
            } catch let error as PSQLError where attempt < 5 && Self.isRetryable(error) {
                continue
            }
        }
    }

    static func isRetryable(_ error: PSQLError) -> Bool {
        let state = error.serverInfo?[.sqlState]
        return state == "40P01" || state == "40001"
    }

    /// Runs `body`, turning constraint violations into `StoreError`s, and a connection the
    /// server closed (or that broke) into `StoreError.unavailable`.
    static func mapped<T>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as PSQLError {
            if error.code == .serverClosedConnection || error.code == .connectionError {
                throw StoreError.unavailable("the connection to the PostgreSQL server broke")
            }
            let message = error.serverInfo?[.message] ?? "constraint"
            switch error.serverInfo?[.sqlState] {
            case "23505": throw StoreError.duplicate(message)
            case "23503": throw StoreError.missing(message)
            default: throw error
            }
        }
    }
}

/// Whether a leased operation got its connection (set on the pool's side, read by the timer).
private final class LeaseStarted: Sendable {
    let flag = Atomic<Bool>(false)
}

private enum LeaseOutcome<T: Sendable>: Sendable {
    case done(T)
    case waitedTooLong
    case stillRunning
}

extension PostgresConnection {
    /// Runs a statement and returns its rows, ready for lookups by column name.
    func rows(_ query: PostgresQuery, logger: Logger) async throws -> [PostgresRandomAccessRow] {
        try await self.query(query, logger: logger).collect().map { $0.makeRandomAccess() }
    }

    /// Runs a statement for its effect and returns how many rows it returned: a statement whose
    /// count matters ends in `RETURNING 1` (the async API does not pass the command tag on).
    @discardableResult
    func execute(_ query: PostgresQuery, logger: Logger) async throws -> Int {
        try await self.query(query, logger: logger).collect().count
    }
}

extension PostgresRandomAccessRow {
    /// The column `name` decoded as `T` (a NULL decodes as nil for optional `T`).
    func get<T: PostgresDecodable>(_ name: String, as type: T.Type = T.self) throws -> T {
        try self[name].decode(T.self, context: .default)
    }

    /// A Unix-seconds column as a date.
    func date(_ name: String) throws -> Date {
        Date(timeIntervalSince1970: try get(name, as: Double.self))
    }
}

/// A problem with the store's configuration (the URL, a schema name).
public struct PostgresStoreError: Error, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
    public static func message(_ text: String) -> PostgresStoreError { PostgresStoreError(text) }
}

/// `postgres://user:password@host:port/database?sslmode=…` as a client configuration. The
/// password is never part of an error text.
enum PostgresURL {
    static func configuration(_ text: String) throws -> PostgresClient.Configuration {
        guard let url = URLComponents(string: text), let scheme = url.scheme,
              scheme == "postgres" || scheme == "postgresql", let host = url.host, !host.isEmpty else {
            throw PostgresStoreError("the PostgreSQL URL must look like postgres://user:password@host:5432/database")
        }
        let user = url.user.flatMap { $0.removingPercentEncoding } ?? "postgres"
        let password = url.password.flatMap { $0.removingPercentEncoding }
        let path = url.path.hasPrefix("/") ? String(url.path.dropFirst()) : url.path
        let database = path.isEmpty ? user : path
        let mode = url.queryItems?.first { $0.name == "sslmode" }?.value ?? (Self.isLoopback(host) ? "disable" : "prefer")
        // As libpq: prefer and require encrypt without checking the certificate, verify-full
        // checks it against the system's trust roots and the host name.
        var unchecked = TLSConfiguration.makeClientConfiguration()
        unchecked.certificateVerification = .none
        let tls: PostgresClient.Configuration.TLS
        switch mode {
        case "disable": tls = .disable
        case "prefer", "allow": tls = .prefer(unchecked)
        case "require": tls = .require(unchecked)
        case "verify-ca", "verify-full": tls = .require(.makeClientConfiguration())
        default: throw PostgresStoreError("unknown sslmode \(mode) (disable, prefer, require or verify-full)")
        }
        var configuration = PostgresClient.Configuration(host: host, port: url.port ?? 5432, username: user,
                                                         password: password, database: database, tls: tls)
        configuration.options.maximumConnections = 32
        return configuration
    }

    /// The `schema` query parameter, if any.
    static func schema(_ text: String) -> String? {
        URLComponents(string: text)?.queryItems?.first { $0.name == "schema" }?.value.flatMap { $0.isEmpty ? nil : $0 }
    }

    static func isLoopback(_ host: String) -> Bool {
        host == "localhost" || host == "::1" || host.hasPrefix("127.")
    }
}
