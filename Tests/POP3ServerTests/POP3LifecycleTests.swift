import Foundation
import Logging
import MailwardNet
import MailwardTesting
import NIOCore
import POP3Server
import Testing

/// How sessions end other than by QUIT: idle timeout and server shutdown (no UPDATE state).
@Suite struct POP3LifecycleTests {
    /// A door of its own over the fixture's store, with a short autologout timer and no TLS
    /// context, listening; stop it by cancelling the task.
    func shortTimerDoor(_ fixture: POP3Fixture) async throws -> (door: POP3Door, port: Int, running: Task<Void, any Error>) {
        let runtime = fixture.server.runtime
        var logger = Logger(label: "pop3-idle-test")
        logger.logLevel = .warning
        let door = POP3Door(
            configuration: .init(session: .init(hostname: "idle.test"), idleTimeout: .seconds(2)),
            authenticator: runtime.authenticator, mail: runtime.mail, tlsContext: nil, logger: logger)
        let (ports, portSink) = AsyncStream<Int>.makeStream()
        let listener = TCPListener(
            configuration: .init(name: "POP3 idle test", host: "127.0.0.1", port: 0, overLimitReply: "-ERR busy\r\n"),
            logger: logger,
            onListening: { portSink.yield($0) },
            session: { await door.serve($0) })
        let running = Task { try await listener.run() }
        var iterator = ports.makeAsyncIterator()
        return (door, try #require(await iterator.next()), running)
    }

    @Test func idleSessionIsLoggedOutWithoutCommitting() async throws {
        let fixture = try await POP3Fixture.start()
        let (door, port, running) = try await shortTimerDoor(fixture)
        defer { running.cancel() }

        // One pipelined batch: the server only waits (and the timer only runs) once it is answered,
        // so a loaded machine cannot trip the short timer between commands.
        let client = try await LineClient.connect(port: port)
        try await client.send("CAPA\r\nSTLS\r\nUSER \(POP3Fixture.address)\r\nPASS \(POP3Fixture.password)\r\nDELE 1\r\n")
        #expect(try await client.readLine().hasPrefix("+OK idle.test"))
        #expect(try await client.readLine().hasPrefix("+OK"))
        #expect(!(try await client.multiline()).contains("STLS"))
        #expect(try await client.readLine().hasPrefix("-ERR"))
        #expect(try await client.readLine().hasPrefix("+OK"))
        #expect(try await client.readLine().hasPrefix("+OK Maildrop locked"))
        #expect(try await client.readLine() == "+OK Message 1 deleted")
        #expect(try await client.readLine() == "-ERR Autologout: idle for too long")
        #expect(await client.waitForClose())
        #expect(try await fixture.inbox().count == 3)
        for _ in 0..<1500 where door.lockedMaildrops > 0 { try await Task.sleep(for: .milliseconds(20)) }
        #expect(door.lockedMaildrops == 0)
        try await fixture.stop()
    }

    /// The autologout timer counts per command line, not per read: a client that sends a byte
    /// now and then, never a whole line, is logged out all the same.
    @Test func aCommandSentAByteAtATimeIsTimedOut() async throws {
        let fixture = try await POP3Fixture.start()
        let (_, port, running) = try await shortTimerDoor(fixture)
        defer { running.cancel() }
        let client = try await LineClient.connect(port: port)
        #expect(try await client.readLine().hasPrefix("+OK idle.test"))
        let started = ContinuousClock.now
        let dripping = Task {
            for byte in String(repeating: "NOOP", count: 100).utf8 {
                try await client.send([byte])
                try await Task.sleep(for: .milliseconds(300))
            }
        }
        defer { dripping.cancel() }
        #expect(try await client.readLine() == "-ERR Autologout: idle for too long")
        #expect(await client.waitForClose())
        // Two seconds' timer; generous for a loaded machine, well short of the 2 minutes the drip lasts.
        #expect(ContinuousClock.now - started < .seconds(30))
        try await fixture.stop()
    }

    @Test func shutdownSaysSysTempAndKeepsMarkedMessages() async throws {
        let fixture = try await POP3Fixture.start()
        let client = try await fixture.loggedInClient()
        #expect(try await client.command("DELE 2").hasPrefix("+OK"))
        try await fixture.stop()
        #expect(try await client.readLine() == "-ERR [SYS/TEMP] Server shutting down, try again later")
        #expect(await client.waitForClose())
        #expect(try await fixture.inbox().count == 3)
    }

    /// Two server nodes over one store (here: a second door over the same store, with its own
    /// process-local locks): a login on the second while the first holds the maildrop gets
    /// `[IN-USE]` from the lease in the store, and succeeds once the first session ended.
    @Test func aSecondNodeSeesTheMaildropInUse() async throws {
        let fixture = try await POP3Fixture.start()
        let runtime = fixture.server.runtime
        var logger = Logger(label: "pop3-second-node")
        logger.logLevel = .warning
        let otherNode = POP3Door(configuration: .init(session: .init(hostname: "node2.test")),
                                 authenticator: runtime.authenticator, mail: runtime.mail, tlsContext: nil, logger: logger)
        let (ports, portSink) = AsyncStream<Int>.makeStream()
        let listener = TCPListener(
            configuration: .init(name: "POP3 second node", host: "127.0.0.1", port: 0, overLimitReply: "-ERR busy\r\n"),
            logger: logger, onListening: { portSink.yield($0) }, session: { await otherNode.serve($0) })
        let running = Task { try await listener.run() }
        defer { running.cancel() }
        var iterator = ports.makeAsyncIterator()
        let port = try #require(await iterator.next())

        let first = try await fixture.loggedInClient()
        let second = try await LineClient.connect(port: port)
        #expect(try await second.readLine().hasPrefix("+OK node2.test"))
        _ = try await second.command("USER \(POP3Fixture.address)")
        #expect(try await second.command("PASS \(POP3Fixture.password)").hasPrefix("-ERR [IN-USE]"))
        #expect(otherNode.lockedMaildrops == 0, "the refused login keeps no lock of its own")

        #expect(try await first.command("QUIT").hasPrefix("+OK"))
        #expect(await first.waitForClose())
        var answer = ""
        for _ in 0..<100 {
            _ = try await second.command("USER \(POP3Fixture.address)")
            answer = try await second.command("PASS \(POP3Fixture.password)")
            if !answer.hasPrefix("-ERR [IN-USE]") { break }
            try await Task.sleep(for: .milliseconds(50))  // the first session gives its lease up as it ends
        }
        #expect(answer.hasPrefix("+OK"))
        #expect(try await second.command("STAT").hasPrefix("+OK 3 "))
        #expect(try await second.command("QUIT").hasPrefix("+OK"))
        try await fixture.stop()
    }
}
