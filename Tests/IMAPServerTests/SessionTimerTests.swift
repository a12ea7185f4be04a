import Foundation
import IMAPServer
import Logging
import MailwardNet
import MailwardTesting
import NIOCore
import Testing

/// A connection that never logs in is ended at the login deadline, however often it sends
/// commands; one that logs in in time keeps going. A literal that stops coming ends the session
/// after the literal timeout, not the 30-minute autologout.
@Suite struct SessionTimerTests {
    /// A door of its own with short timers, on a port of its own.
    static func door(_ server: TestServer, settings: IMAPDoor.Settings) async throws -> (port: Int, running: Task<Void, any Error>) {
        var logger = Logger(label: "imap-timer-test")
        logger.logLevel = .warning
        let runtime = server.runtime
        let door = IMAPDoor(mail: runtime.mail, shares: runtime.shares, authenticator: runtime.authenticator,
                            settings: settings, logger: logger)
        let (ports, portSink) = AsyncStream<Int>.makeStream()
        let listener = TCPListener(
            configuration: .init(name: "IMAP timer test", host: "127.0.0.1", port: 0, overLimitReply: IMAPDoor.overLimitReply),
            logger: logger,
            onListening: { portSink.yield($0) },
            session: { await door.serve($0) })
        let running = Task { try await listener.run() }
        var iterator = ports.makeAsyncIterator()
        return (try #require(await iterator.next()), running)
    }

    @Test func aLiteralThatStopsComingEndsTheSession() async throws {
        let (server, _) = try await serverWithInbox([])
        defer { Task { try? await server.stop() } }
        let (port, running) = try await Self.door(server, settings: .init(hostname: "literal.test", literalTimeout: .seconds(1)))
        defer { running.cancel() }
        let client = try await LineClient.connect(port: port)
        _ = try await client.readLine()
        try await client.send("l LOGIN li@example.com Tea-Garden-42\r\na APPEND INBOX {100}\r\n")
        #expect(try await client.readLines(until: { $0.hasPrefix("l ") }).last?.hasPrefix("l OK") == true)
        #expect(try await client.readLine().hasPrefix("+ "))
        let start = ContinuousClock.now
        #expect(try await client.readLine().hasPrefix("* BYE"))
        #expect(ContinuousClock.now - start < .seconds(10))
        #expect(await client.waitForClose())
    }

    /// A literal that keeps coming, a byte at a time, is still bounded as a whole: the pause
    /// timer alone restarted with every byte.
    @Test func aLiteralTrickledAByteAtATimeEndsTheSession() async throws {
        let (server, account) = try await serverWithInbox([])
        defer { Task { try? await server.stop() } }
        let (port, running) = try await Self.door(server, settings: .init(hostname: "literal.test", literalTimeout: .seconds(2),
                                                                            maximumLiteralTransferTime: .seconds(2)))
        defer { running.cancel() }
        let client = try await LineClient.connect(port: port)
        _ = try await client.readLine()
        try await client.send("l LOGIN li@example.com Tea-Garden-42\r\na APPEND INBOX {1000}\r\n")
        #expect(try await client.readLines(until: { $0.hasPrefix("l ") }).last?.hasPrefix("l OK") == true)
        #expect(try await client.readLine().hasPrefix("+ "))
        let start = ContinuousClock.now
        let dripping = Task {
            for _ in 0..<1000 {
                try await client.send("x")
                try await Task.sleep(for: .milliseconds(300))
            }
        }
        defer { dripping.cancel() }
        #expect(try await client.readLine() == "* BYE Literal data took too long to arrive")
        #expect(ContinuousClock.now - start < .seconds(30))
        #expect(await client.waitForClose())
        #expect(try await server.runtime.store.messages(mailboxID: try await server.runtime.mail.inbox(accountID: account.id).id).isEmpty)
    }

    /// An idling client hears `* OK Still here` every keepalive interval (so a NAT keeps the
    /// connection), and the autologout still comes when the IDLE is older than the idle timeout.
    @Test func idleSessionsAreKeptAliveUntilTheAutologout() async throws {
        let (server, _) = try await serverWithInbox([sampleMessage()])
        defer { Task { try? await server.stop() } }
        let (port, running) = try await Self.door(server, settings: .init(hostname: "idle.test", idleTimeout: .seconds(3),
                                                                            idleKeepalive: .milliseconds(400)))
        defer { running.cancel() }
        let client = try await LineClient.connect(port: port)
        _ = try await client.readLine()
        try await client.send("l LOGIN li@example.com Tea-Garden-42\r\ns SELECT INBOX\r\ni IDLE\r\n")
        _ = try await client.readLines(until: { $0.hasPrefix("s ") })
        #expect(try await client.readLine().hasPrefix("+ "))
        #expect(try await client.readLine() == "* OK Still here")
        #expect(try await client.readLine() == "* OK Still here")
        try await client.send("DONE\r\n")
        #expect(try await client.readLines(until: { $0.hasPrefix("i ") }).last?.hasPrefix("i OK") == true)
        // A new IDLE, never renewed: keepalives, then BYE once it is older than the idle timeout.
        let start = ContinuousClock.now
        try await client.send("j IDLE\r\n")
        let lines = try await client.readLines(until: { $0.hasPrefix("* BYE") })
        #expect(lines.filter { $0 == "* OK Still here" }.count >= 2, "\(lines)")
        #expect(ContinuousClock.now - start >= .seconds(3))
        #expect(await client.waitForClose())
    }

    @Test func aConnectionThatNeverLogsInIsEnded() async throws {
        let (server, _) = try await serverWithInbox([sampleMessage()])
        defer { Task { try? await server.stop() } }
        let (port, running) = try await Self.door(server, settings: .init(hostname: "deadline.test", preAuthTimeout: .seconds(120),
                                                                            loginDeadline: .seconds(2)))
        defer { running.cancel() }

        let idler = try await LineClient.connect(port: port)
        let user = try await LineClient.connect(port: port)
        _ = try await idler.readLine()
        _ = try await user.readLine()
        try await user.send("l LOGIN li@example.com Tea-Garden-42\r\n")
        #expect(try await user.readLines(until: { $0.hasPrefix("l ") }).last?.hasPrefix("l OK") == true)
        let start = ContinuousClock.now
        var bye: String?
        for n in 0..<40 {
            // The BYE may come right after a NOOP's answer, and the connection close under the next.
            do { try await idler.send("n\(n) NOOP\r\n") } catch { break }
            let lines = try await idler.readLines(until: { $0.hasPrefix("n\(n) ") || $0.hasPrefix("* BYE") })
            if let last = lines.last, last.hasPrefix("* BYE") {
                bye = last
                break
            }
            try await Task.sleep(for: .milliseconds(250))
        }
        if bye == nil { bye = try? await idler.readLine() }
        #expect(bye == "* BYE Autologout; too long without logging in")
        #expect(ContinuousClock.now - start < .seconds(8))
        #expect(await idler.waitForClose())
        // The user who logged in is past the deadline and still served.
        try await user.send("s SELECT INBOX\r\n")
        #expect(try await user.readLines(until: { $0.hasPrefix("s ") }).last?.hasPrefix("s OK") == true)
        await user.close()
    }
}
