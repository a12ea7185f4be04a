import Foundation
import Logging
@testable import MailwardNet
import MailwardTesting
import NIOCore
import NIOPosix
import NIOSSL
import ServiceLifecycle
import Synchronization
import Testing

/// The shared connection layer, driven by a tiny line protocol over real sockets.
@Suite struct TCPListenerTests {
    static func tlsContext() throws -> NIOSSLContext {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("mw-net-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let files = try SelfSignedCertificate.ensure(in: folder, hostname: "localhost")
        return try ServerCertificate(certificatePath: files.certificatePath, keyPath: files.keyPath).makeContext()
    }

    /// Echoes lines in upper case; STARTTLS upgrades; WAKE wakes the session's own next read
    /// (twice: the two collapse into one `.wake`); QUIT ends.
    static func echoSession(tls: NIOSSLContext?, idle: TimeAmount) -> TCPListener.Session {
        { connection in
            try? await connection.write("* hello tls=\(connection.isTLS) loopback=\(connection.isLoopback)\r\n")
            var pending = ""
            while true {
                switch await connection.read(timeout: idle) {
                case .data(let buffer):
                    pending += String(buffer: buffer)
                    while let range = pending.range(of: "\r\n") {
                        let line = String(pending[..<range.lowerBound])
                        pending = String(pending[range.upperBound...])
                        if line == "QUIT" {
                            try? await connection.write("BYE\r\n")
                            return
                        }
                        if line == "FLOOD" {  // 64 MB in 1 MB writes, for a client that does not read
                            let chunk = String(repeating: String(repeating: "f", count: 1022) + "\r\n", count: 1024)
                            for _ in 0..<64 {
                                do { try await connection.write(chunk) } catch { return }
                            }
                            continue
                        }
                        if line == "WAKE" {
                            connection.wake()
                            connection.wake()
                            continue
                        }
                        if line == "STARTTLS", let tls {
                            pending = ""
                            try? await connection.startTLS(context: tls, response: ByteBuffer(string: "OK go\r\n"))
                            break
                        }
                        try? await connection.write(line.uppercased() + " tls=\(connection.isTLS)\r\n")
                    }
                case .timeout:
                    try? await connection.write("TIMEOUT\r\n")
                    return
                case .shutdown:
                    try? await connection.write("SHUTDOWN\r\n")
                    return
                case .closed:
                    return
                case .wake:
                    try? await connection.write("* woken\r\n")
                }
            }
        }
    }

    /// Runs a listener in a service group for the body, then shuts it down.
    func withListener(implicitTLS: Bool = false, maxPerIP: Int = 50, idle: TimeAmount = .seconds(60),
                      handshakeTimeout: TimeAmount = .seconds(30),
                      _ body: @Sendable (Int, ServiceGroup) async throws -> Void) async throws {
        let tls = try Self.tlsContext()
        let ports = AsyncStream<Int>.makeStream()
        var configuration = TCPListener.Configuration(name: "echo", host: "127.0.0.1", port: 0, implicitTLS: implicitTLS ? tls : nil,
                                                      maxConnectionsPerIP: maxPerIP, overLimitReply: "BUSY\r\n", shutdownGrace: .seconds(2))
        configuration.tlsHandshakeTimeout = handshakeTimeout
        let listener = TCPListener(
            configuration: configuration,
            logger: Logger(label: "test"), onListening: { ports.continuation.yield($0) },
            session: Self.echoSession(tls: tls, idle: idle))
        try await run(listener, ports: ports.stream, body)
    }

    /// Runs `listener` in a service group, hands the body its port (the first `ports` tells),
    /// then shuts it down (again, if the body did).
    func run(_ listener: TCPListener, ports: AsyncStream<Int>, _ body: @Sendable (Int, ServiceGroup) async throws -> Void) async throws {
        let group = ServiceGroup(configuration: .init(services: [.init(service: listener)], logger: Logger(label: "test")))
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            var iterator = ports.makeAsyncIterator()
            let port = try #require(await iterator.next())
            try await body(port, group)
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
    }

    @Test func echoesOverPlainTCP() async throws {
        try await withListener { port, _ in
            let client = try await LineClient.connect(port: port)
            #expect(try await client.readLine() == "* hello tls=false loopback=true")
            try await client.send("abc\r\ndef\r\n")
            #expect(try await client.readLine() == "ABC tls=false")
            #expect(try await client.readLine() == "DEF tls=false")
            try await client.send("QUIT\r\n")
            #expect(try await client.readLine() == "BYE")
            #expect(await client.waitForClose())
        }
    }

    /// IMAP IDLE waits for the client and for mailbox changes in one read: wakes that arrive
    /// before the session reads again are delivered once.
    @Test func wakeInterruptsTheSessionsRead() async throws {
        try await withListener { port, _ in
            let client = try await LineClient.connect(port: port)
            _ = try await client.readLine()
            try await client.send("WAKE\r\n")
            #expect(try await client.readLine() == "* woken")
            try await client.send("after\r\n")
            #expect(try await client.readLine() == "AFTER tls=false")
            try await client.send("QUIT\r\n")
            #expect(try await client.readLine() == "BYE")
        }
    }

    @Test func startTLSUpgradesAndDropsInjectedPlaintext() async throws {
        try await withListener { port, _ in
            let client = try await LineClient.connect(port: port)
            _ = try await client.readLine()
            // A pipelined command after STARTTLS must never run (CVE-2011-0411 style injection).
            try await client.send("STARTTLS\r\nINJECTED\r\n")
            #expect(try await client.readLine() == "OK go")
            try await client.startTLS()
            try await client.send("secret\r\n")
            #expect(try await client.readLine() == "SECRET tls=true")
            try await client.send("QUIT\r\n")
            #expect(try await client.readLine() == "BYE")
        }
    }

    @Test func implicitTLS() async throws {
        try await withListener(implicitTLS: true) { port, _ in
            let client = try await LineClient.connect(port: port, tls: true)
            #expect(try await client.readLine() == "* hello tls=true loopback=true")
            try await client.send("x\r\nQUIT\r\n")
            #expect(try await client.readLine() == "X tls=true")
        }
    }

    /// A client that opens the implicit-TLS port and never finishes (or starts) its handshake
    /// loses the connection at the handshake deadline, not at the session's idle timeout.
    @Test func stalledTLSHandshakeIsClosed() async throws {
        // Bounds far apart, so a loaded test run cannot blur them: a 1 s deadline against an hour.
        try await withListener(implicitTLS: true, idle: .seconds(3600), handshakeTimeout: .seconds(1)) { port, _ in
            let started = ContinuousClock.now
            let client = try await LineClient.connect(port: port, timeout: .seconds(300))
            #expect(await client.waitForClose())
            #expect(ContinuousClock.now - started < .seconds(300))
        }
    }

    @Test func perIPLimitRefusesPolitely() async throws {
        try await withListener(maxPerIP: 2) { port, _ in
            let a = try await LineClient.connect(port: port)
            let b = try await LineClient.connect(port: port)
            _ = try await a.readLine()
            _ = try await b.readLine()
            let c = try await LineClient.connect(port: port)
            #expect(try await c.readLine() == "BUSY")
            #expect(await c.waitForClose())
            try await a.send("QUIT\r\n")
            _ = try await a.readLine()
            _ = await a.waitForClose()
            // The listener notices the closed connection on its own time: retry until it did.
            var greeting = ""
            for _ in 0..<300 {
                let d = try await LineClient.connect(port: port)
                greeting = try await d.readLine()
                await d.close()
                if greeting != "BUSY" { break }
                try await Task.sleep(for: .milliseconds(100))
            }
            #expect(greeting.hasPrefix("* hello"))
        }
    }

    @Test func idleReadTimesOut() async throws {
        try await withListener(idle: .milliseconds(500)) { port, _ in
            let client = try await LineClient.connect(port: port)
            _ = try await client.readLine()
            #expect(try await client.readLine() == "TIMEOUT")
            #expect(await client.waitForClose())
        }
    }

    /// A client that stops reading is let go like one that stops sending: a write it does not
    /// take within the session's read timeout closes the connection (the soak audit's IMAP and
    /// POP3 clients that stopped reading mid-FETCH or mid-RETR were held for good).
    @Test func aClientThatStopsReadingIsLetGo() async throws {
        try await withListener(idle: .milliseconds(500)) { port, _ in
            // A client that reads nothing (autoRead off): the server's writes fill the buffers.
            let counter = ByteCounter()
            let client = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .channelOption(ChannelOptions.autoRead, value: false)
                .channelInitializer { $0.pipeline.addHandler(counter) }
                .connect(host: "127.0.0.1", port: port).get()
            try await client.writeAndFlush(ByteBuffer(string: "FLOOD\r\n"))
            try await Task.sleep(for: .seconds(3))
            // Now read what there is, to the end.
            try await client.setOption(ChannelOptions.autoRead, value: true).get()
            client.read()
            try await client.closeFuture.get()
            let received = counter.bytes.withLock { $0 }
            #expect(received < 64 * 1024 * 1024, "the flood was cut off when the client stopped taking it: \(received)")
            #expect(!counter.text.withLock { $0 }.contains("TIMEOUT"), "closed at the stalled write, not at the next read")
        }
    }

    @Test func floodIsBoundedAndStillServed() async throws {
        try await withListener { port, _ in
            let client = try await LineClient.connect(port: port)
            _ = try await client.readLine()
            let line = String(repeating: "a", count: 1000) + "\r\n"
            try await client.send(String(repeating: line, count: 2000))  // 2 MB at once
            for _ in 0..<2000 { _ = try await client.readLine() }
            try await client.send("QUIT\r\n")
            #expect(try await client.readLine() == "BYE")
        }
    }

    @Test func gracefulShutdownTellsSessions() async throws {
        let client = Mutex<LineClient?>(nil)
        try await withListener { port, group in
            let c = try await LineClient.connect(port: port)
            _ = try await c.readLine()
            client.withLock { $0 = c }
            await group.triggerGracefulShutdown()
            #expect(try await c.readLine() == "SHUTDOWN")
        }
    }

    /// A connection from a load balancer that has not sent its PROXY header yet is closed when
    /// the door shuts down, in both modes, instead of holding the stop for the header's whole
    /// time limit (10 minutes here; the old code waited it out).
    @Test(.timeLimit(.minutes(1)), arguments: [false, true])
    func aShutdownDoesNotWaitForAProxyHeader(pipeline: Bool) async throws {
        let ports = AsyncStream<Int>.makeStream()
        var configuration = TCPListener.Configuration(name: "balanced", host: "127.0.0.1", port: 0, overLimitReply: "BUSY\r\n",
                                                      shutdownGrace: .seconds(300))
        configuration.sendsProxyHeader = { _ in true }
        configuration.proxyHeaderTimeout = .minutes(10)
        let listening: @Sendable (Int) async -> Void = { ports.continuation.yield($0) }
        let listener = pipeline
            ? TCPListener(configuration: configuration, logger: Logger(label: "test"), onListening: listening,
                          pipeline: { _, _, _ in })
            : TCPListener(configuration: configuration, logger: Logger(label: "test"), onListening: listening,
                          session: Self.echoSession(tls: try Self.tlsContext(), idle: .seconds(60)))
        try await run(listener, ports: ports.stream) { port, group in
            let client = try await LineClient.connect(port: port)
            try await Task.sleep(for: .milliseconds(100))  // accepted, waiting for its header
            await group.triggerGracefulShutdown()
            #expect(await client.waitForClose())
        }
    }

    /// Replies are small and each waits for the client: accepted connections send without
    /// Nagle's delay, and nothing else is switched on by mistake (`SO_DEBUG` has
    /// `TCP_NODELAY`'s number at the socket level). Both modes share the listening socket's
    /// options; the pipeline mode lets the test see the accepted channel.
    @Test func acceptedConnectionsSendWithoutDelay() async throws {
        let seen = Mutex<(noDelay: Int, debug: Int)?>(nil)
        let ports = AsyncStream<Int>.makeStream()
        let configuration = TCPListener.Configuration(name: "probe", host: "127.0.0.1", port: 0, overLimitReply: "BUSY\r\n",
                                                      shutdownGrace: .seconds(1))
        let listener = TCPListener(configuration: configuration, logger: Logger(label: "test"),
                                   onListening: { ports.continuation.yield($0) }, pipeline: { channel, _, _ in
            let options = channel.syncOptions
            let noDelay = (try? options?.getOption(ChannelOptions.tcpOption(.tcp_nodelay))) ?? -1
            let debug = (try? options?.getOption(ChannelOptions.socketOption(NIOBSDSocket.Option(rawValue: SO_DEBUG)))) ?? -1
            seen.withLock { $0 = (noDelay, debug) }
        })
        try await run(listener, ports: ports.stream) { port, _ in
            let client = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .connect(host: "127.0.0.1", port: port).get()
            for _ in 0..<200 where seen.withLock({ $0 == nil }) { try await Task.sleep(for: .milliseconds(10)) }
            let options = try #require(seen.withLock { $0 })
            #expect(options.noDelay != 0)
            #expect(options.debug == 0)
            try? await client.close()
        }
    }

    /// A door that receives messages reads into buffers of at least `minimumReadSize`; the
    /// others keep NIO's adaptive default (2 KiB at first).
    @Test(arguments: [(Int?.none, 2_048), (8_192, 8_192)])
    func readsStartAtTheConfiguredSize(minimum: Int?, expected: Int) async throws {
        let seen = Mutex<Int?>(nil)
        let ports = AsyncStream<Int>.makeStream()
        var configuration = TCPListener.Configuration(name: "probe", host: "127.0.0.1", port: 0, overLimitReply: "BUSY\r\n",
                                                      shutdownGrace: .seconds(1))
        configuration.minimumReadSize = minimum
        let listener = TCPListener(configuration: configuration, logger: Logger(label: "test"),
                                   onListening: { ports.continuation.yield($0) }, pipeline: { channel, _, _ in
            let allocator = try channel.syncOptions?.getOption(ChannelOptions.recvAllocator)
            seen.withLock { $0 = allocator?.nextBufferSize() ?? -1 }
        })
        try await run(listener, ports: ports.stream) { port, _ in
            let client = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .connect(host: "127.0.0.1", port: port).get()
            for _ in 0..<200 where seen.withLock({ $0 == nil }) { try await Task.sleep(for: .milliseconds(10)) }
            #expect(seen.withLock { $0 } == expected)
            try? await client.close()
        }
    }

    /// The certificate in service is checked for its end date (said at start and after a
    /// reload), and unusable files are named: which one, and why.
    @Test func serverCertificateWarnsAndNamesBadFiles() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("mw-cert-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let tenYears: TimeInterval = 10 * 365 * 86_400
        let (pem, key) = try SelfSignedCertificate.make(hostname: "mail.example", now: Date().addingTimeInterval(-tenYears + 5 * 86_400))
        try pem.write(toFile: folder + "/c.pem", atomically: true, encoding: .utf8)
        try key.write(toFile: folder + "/k.pem", atomically: true, encoding: .utf8)
        let certificate = try ServerCertificate(certificatePath: folder + "/c.pem", keyPath: folder + "/k.pem")
        #expect(certificate.warnings().first?.contains("expires on") == true)
        #expect(certificate.warnings(now: Date().addingTimeInterval(6 * 86_400)).first?.contains("expired on") == true)
        #expect(certificate.warnings(now: Date().addingTimeInterval(-30 * 86_400)).isEmpty)
        // A key of another certificate, a missing file, garbage: each error names its file.
        let (_, otherKey) = try SelfSignedCertificate.make(hostname: "other.example", now: Date())
        try otherKey.write(toFile: folder + "/other.pem", atomically: true, encoding: .utf8)
        #expect(throws: TLSFileError.self) { try ServerCertificate(certificatePath: folder + "/c.pem", keyPath: folder + "/other.pem") }
        do { _ = try ServerCertificate(certificatePath: folder + "/c.pem", keyPath: folder + "/other.pem") } catch {
            #expect("\(error)".contains("does not belong to the certificate"))
        }
        do { _ = try ServerCertificate(certificatePath: folder + "/missing.pem", keyPath: folder + "/k.pem") } catch {
            #expect("\(error)".contains("missing.pem") && "\(error)".contains("no such file"))
        }
        try "garbage".write(toFile: folder + "/g.pem", atomically: true, encoding: .utf8)
        do { _ = try ServerCertificate(certificatePath: folder + "/c.pem", keyPath: folder + "/g.pem") } catch {
            #expect("\(error)".contains("g.pem") && "\(error)".contains("not a PEM private key"))
        }
        // A failed reload keeps the pair in service.
        try "garbage".write(toFile: folder + "/k.pem", atomically: true, encoding: .utf8)
        #expect(throws: TLSFileError.self) { try certificate.reload() }
        #expect(certificate.warnings().first?.contains("expires on") == true)  // still the pair read first
        _ = try certificate.makeContext()
    }

    /// A certificate that does not name the configured hostname is reported (clients connecting
    /// to that name warn their users); names match as TLS clients match them.
    @Test func certificateNotNamingTheHostnameIsReported() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("mw-cert-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let (pem, key) = try SelfSignedCertificate.make(hostname: "mail.example.cn", now: Date())
        try pem.write(toFile: folder + "/c.pem", atomically: true, encoding: .utf8)
        try key.write(toFile: folder + "/k.pem", atomically: true, encoding: .utf8)
        let certificate = try ServerCertificate(certificatePath: folder + "/c.pem", keyPath: folder + "/k.pem")
        #expect(certificate.warnings(hostname: "mail.example.cn").isEmpty)
        #expect(certificate.warnings(hostname: "MAIL.Example.CN.").isEmpty)
        #expect(certificate.warnings(hostname: "localhost").isEmpty)
        let warning = try #require(certificate.warnings(hostname: "imap.example.cn").first)
        #expect(warning.contains("mail.example.cn, localhost") && warning.contains("not for the hostname imap.example.cn"))

        #expect(ServerCertificate.names(["*.example.cn"], cover: "mail.example.cn"))
        #expect(!ServerCertificate.names(["*.example.cn"], cover: "example.cn"))
        #expect(!ServerCertificate.names(["*.example.cn"], cover: "a.mail.example.cn"))
        #expect(!ServerCertificate.names(["mail.example.cn"], cover: "mail.example.com"))
    }

    /// The self-signed pair is kept across starts, and made again for a new hostname.
    @Test func selfSignedCertificateFollowsTheHostname() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("mw-cert-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let files = try SelfSignedCertificate.ensure(in: folder, hostname: "localhost")
        let first = try String(contentsOfFile: files.certificatePath, encoding: .utf8)
        _ = try SelfSignedCertificate.ensure(in: folder, hostname: "localhost")
        #expect(try String(contentsOfFile: files.certificatePath, encoding: .utf8) == first)
        _ = try SelfSignedCertificate.ensure(in: folder, hostname: "mail.example.cn")
        #expect(try String(contentsOfFile: files.certificatePath, encoding: .utf8) != first)
        #expect(ServerCertificate.file(files.certificatePath, names: "mail.example.cn"))
        #expect(try ServerCertificate(certificatePath: files.certificatePath, keyPath: files.keyPath)
            .warnings(hostname: "mail.example.cn").isEmpty)
    }

    /// A port already taken: the failure names the door and the address, not NIO's `bind(…)`.
    @Test(arguments: [false, true])
    func aTakenPortIsReportedWithTheDoorAndAddress(pipeline: Bool) async throws {
        let occupant = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .bind(host: "127.0.0.1", port: 0).get()
        defer { occupant.close(promise: nil) }
        let port = try #require(occupant.localAddress?.port)
        let configuration = TCPListener.Configuration(name: "IMAP", host: "127.0.0.1", port: port, overLimitReply: "* BYE\r\n")
        let listener = pipeline
            ? TCPListener(configuration: configuration, logger: Logger(label: "test"), onListening: { _ in }, pipeline: { _, _, _ in })
            : TCPListener(configuration: configuration, logger: Logger(label: "test"), onListening: { _ in },
                          session: Self.echoSession(tls: nil, idle: .seconds(1)))
        do {
            try await listener.run()
            Issue.record("bound a port that is taken")
        } catch let error as ListenError {
            #expect(error.description == "IMAP cannot listen on 127.0.0.1:\(port): the port is in use (another server, or Mailward already running?)")
        }
    }
}

/// Counts the bytes a test client receives, and keeps the last few hundred as text.
final class ByteCounter: ChannelInboundHandler, Sendable {
    typealias InboundIn = ByteBuffer
    let bytes = Mutex(0)
    let text = Mutex("")

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let buffer = unwrapInboundIn(data)
        bytes.withLock { $0 += buffer.readableBytes }
        text.withLock { $0 = String(($0 + String(buffer: buffer)).suffix(300)) }
    }
}
