import Foundation
import Logging
import MailwardApp
import MailwardConfig
import MailwardCore

/// The whole server in-process on port 0 with a fresh data folder: what door tests talk to
/// over real sockets. `start()` returns once every door listens; `stop()` shuts down gracefully.
public final class TestServer: Sendable {
    public let server: MailwardServer
    public let runtime: Runtime
    private let task: Task<Void, any Error>

    /// Starts a server; `configure` may change the configuration (ports are forced to 0).
    /// `dataPath` reuses a data folder (a restart); nil makes a fresh one.
    /// `prepare` may change the runtime before the doors start (e.g. wire a recording outbound queue).
    public static func start(dataPath: String? = nil,
                             configure: @Sendable (inout MailwardConfiguration) -> Void = { _ in },
                             prepare: @Sendable (inout Runtime) -> Void = { _ in }) async throws -> TestServer {
        let path = dataPath
            ?? FileManager.default.temporaryDirectory.appendingPathComponent("mailward-server-\(UUID().uuidString)").path
        var configuration = MailwardConfiguration()
        // MAILWARD_TEST_STORE=postgres runs every door test on PostgreSQL (POSTGRES_URL), each
        // data folder with a schema of its own (a restart on the same folder finds its mail
        // again); by default the servers use SQLite.
        let environment = ProcessInfo.processInfo.environment
        if environment["MAILWARD_TEST_STORE"] == "postgres", let url = environment["POSTGRES_URL"], !url.isEmpty {
            let folderName = URL(fileURLWithPath: path).lastPathComponent.lowercased()
            let schema = "s_" + String(folderName.filter { $0.isASCII && ($0.isLetter || $0.isNumber) }.suffix(60))
            configuration.storage.postgresURL = url + (url.contains("?") ? "&" : "?") + "schema=" + schema
        }
        configure(&configuration)
        configuration.useEphemeralPorts()
        var runtime = try await Runtime.make(folder: try DataFolder.prepare(path), configuration: configuration)
        prepare(&runtime)
        var logger = Logger(label: "mailward-test")
        logger.logLevel = ProcessInfo.processInfo.environment["MAILWARD_TEST_LOG"] != nil ? .debug : .warning
        let server = try MailwardServer(runtime: runtime, logger: logger)
        let task = Task { try await server.run(signals: []) }
        _ = await server.port(.http)
        return TestServer(server: server, runtime: runtime, task: task)
    }

    private init(server: MailwardServer, runtime: Runtime, task: Task<Void, any Error>) {
        self.server = server
        self.runtime = runtime
        self.task = task
    }

    public func port(_ door: MailwardServer.Door) async -> Int {
        await server.port(door)
    }

    /// Creates `domain` (if needed) and an account with this password; returns it.
    @discardableResult
    public func addUser(_ address: String, password: String = "Tea-Garden-42", name: String? = nil) async throws -> Account {
        let domain = try EmailAddress(address).domain
        if try await runtime.store.domain(named: domain) == nil { try await runtime.accounts.addDomain(domain) }
        return try await runtime.accounts.addAccount(address, password: password, displayName: name)
    }

    public func stop() async throws {
        await server.shutdown()
        try await task.value
    }

    public var dataPath: String { runtime.folder.path }
}
