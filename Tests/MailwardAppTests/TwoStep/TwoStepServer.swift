import Foundation
import MailwardApp
import MailwardConfig
import MailwardCore

/// `MailwardServer` in-process on port 0 with a fresh data folder and the real outbox SMS
/// provider (unless a sender is given).
struct TwoStepServer {
    let server: MailwardServer
    let runtime: Runtime
    let running: Task<Void, any Error>
    let port: Int

    var outbox: Outbox { Outbox(path: runtime.folder.smsOutboxPath) }

    /// - Parameter clock: the server's time (a `FixedClock` moves a grace period's end closer).
    static func start(smsSender: (any SMSSender)? = nil, clock: any WallClock = SystemWallClock(),
                      configure: (inout MailwardConfiguration) -> Void = { _ in }) async throws -> TwoStepServer {
        var configuration = MailwardConfiguration()
        configuration.useEphemeralPorts()
        configure(&configuration)
        let folder = try DataFolder.prepare(try temporaryFolder())
        let runtime = try Runtime(folder: folder, configuration: configuration, clock: clock, smsSender: smsSender)
        let server = try MailwardServer(runtime: runtime)
        let running = Task { try await server.run(signals: []) }
        let port = await server.port(.http)
        return TwoStepServer(server: server, runtime: runtime, running: running, port: port)
    }

    func addUser(_ address: String, password: String = "Tea-Garden-42") async throws {
        let domain = String(address.split(separator: "@")[1])
        if try await runtime.store.domain(named: domain) == nil { try await runtime.accounts.addDomain(domain) }
        try await runtime.accounts.addAccount(address, password: password)
    }

    func client() -> APIClient { APIClient(port: port) }

    func stop() async throws {
        await server.shutdown()
        try await running.value
    }
}
