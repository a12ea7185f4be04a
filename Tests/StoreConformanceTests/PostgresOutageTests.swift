import Foundation
import MailwardCore
import MailwardTesting
import Synchronization
@testable import StorePostgres
import Testing

/// The PostgreSQL server goes away while Mailward runs (here: the relay in front of it is
/// killed, closing every connection and refusing new ones, as a crashed or unreachable server
/// would). Operations must fail within the store's connection wait with
/// `StoreError.unavailable` — which the doors turn into temporary failures — instead of waiting
/// for the server for ever; once it is back, the pool reconnects and operations succeed again.
@Suite(.enabled(if: PostgresTestServer.url != nil, "needs POSTGRES_URL"))
struct PostgresOutageTests {
    /// A store on a fresh schema, reaching the test server through a relay the test can cut.
    static func storeBehindRelay(connectionWait: Duration) async throws
        -> (store: PostgresStore, relay: TCPRelay, target: (host: String, port: Int)) {
        let url = try #require(PostgresTestServer.url)
        var components = try #require(URLComponents(string: url))
        let target = (host: components.host ?? "127.0.0.1", port: components.port ?? 5432)
        let relay = try await TCPRelay.start(listenPort: 0, to: target)
        components.host = "127.0.0.1"
        components.port = relay.port
        let schema = "t_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
        let store = try await PostgresStore.open(url: try #require(components.string), schema: schema, connectionWait: connectionWait)
        return (store, relay, target)
    }

    @Test func operationsFailInTimeWhileTheServerIsAwayAndSucceedOnceItIsBack() async throws {
        // Long enough for a first connection through the relay on a machine busy with the other
        // suites (connecting, starting up, authenticating), short for a test.
        let (store, firstRelay, target) = try await Self.storeBehindRelay(connectionWait: .seconds(5))
        var relay = firstRelay
        let relayPort = relay.port
        defer { relay.stop() }
        defer { store.close() }
        try await store.insertDomain(Domain(name: "outage.test", createdAt: Date()))

        // Every connection carries the limits that end what is stuck on the server's side.
        let limits = try await store.rows("""
            SELECT current_setting('statement_timeout') AS s, current_setting('lock_timeout') AS l,
                   current_setting('idle_in_transaction_session_timeout') AS i
            """)
        #expect(try limits[0].get("s", as: String.self) == "5min")
        #expect(try limits[0].get("l", as: String.self) == "1min")
        #expect(try limits[0].get("i", as: String.self) == "5min")

        relay.stop()
        let start = ContinuousClock.now
        var unavailable = false
        // The first attempt may still meet a connection that broke under it: unavailable too.
        for _ in 0..<3 where !unavailable {
            do {
                _ = try await store.domain(named: "outage.test")
            } catch StoreError.unavailable {
                unavailable = true
            } catch {
                Issue.record("expected StoreError.unavailable, got \(error)")
            }
        }
        #expect(unavailable)
        #expect(ContinuousClock.now - start < .seconds(30), "each operation waits its five seconds, not for the server")

        // The server is reachable again at the same address: the pool connects anew.
        relay = try await TCPRelay.start(listenPort: relayPort, to: target)
        var back = false
        for _ in 0..<100 where !back {
            back = (try? await store.domain(named: "outage.test")) != nil
            if !back { try await Task.sleep(for: .milliseconds(200)) }
        }
        #expect(back)
        try await store.dropSchema()
    }

    /// An outage longer than postgres-nio's circuit breaker (60 s of failed connection attempts):
    /// from then on the pool fails every lease at once with an error of its own, which must
    /// still reach the doors as `unavailable` — the audit found IMAP, POP3 and the web answering
    /// "wrong password" a minute into an outage. (About a minute long.)
    @Test func anOutageLongerThanThePoolsCircuitBreakerIsStillUnavailable() async throws {
        // A wait longer than the breaker: the pool, not the wait, ends the first lease.
        let (store, relay, _) = try await Self.storeBehindRelay(connectionWait: .seconds(90))
        defer { relay.stop() }
        defer { store.close() }
        try await store.insertDomain(Domain(name: "outage.test", createdAt: Date()))
        relay.stop()
        let start = ContinuousClock.now
        var outcomes: [String] = []
        while ContinuousClock.now - start < .seconds(80) {
            do {
                _ = try await store.domain(named: "outage.test")
                outcomes.append("answered")
            } catch StoreError.unavailable {
                outcomes.append("unavailable")
            } catch {
                outcomes.append("\(error)")
            }
            if ContinuousClock.now - start > .seconds(61), outcomes.last == "unavailable" { break }
            try await Task.sleep(for: .milliseconds(500))
        }
        #expect(ContinuousClock.now - start > .seconds(55), "the first lease should have waited for the breaker")
        #expect(outcomes.allSatisfy { $0 == "unavailable" || $0 == "answered" }, "\(outcomes)")
        #expect(outcomes.last == "unavailable", "\(outcomes)")
    }

    /// The notifications from other nodes were interrupted (PostgreSQL restarted, a failover):
    /// once listening again, every watched mailbox is told to look, as what the other nodes changed
    /// meanwhile was never announced — an IDLE on this node would wait for the next change.
    @Test func listeningAgainTellsEveryWatchedMailboxToLook() async throws {
        let store = try await PostgresTestServer.freshStore()
        defer { store.close() }
        let events = MailboxEvents()
        let heard = Mutex<[MailboxChange]>([])
        let observation = events.observe(MailboxID(7)) { change in heard.withLock { $0.append(change) } }
        defer { observation.cancel() }
        store.relayChanges(to: events)
        // This node's listening connection, ended from another (as a server restart would).
        func listening() async throws -> Bool {
            try await !store.rows("""
                SELECT pid FROM pg_stat_activity WHERE application_name = \(store.nodeName) AND query ILIKE 'LISTEN%'
                """).isEmpty
        }
        var waited = 0
        while try await !listening(), waited < 100 {
            try await Task.sleep(for: .milliseconds(100))
            waited += 1
        }
        #expect(heard.withLock { $0 }.isEmpty, "nothing to look at while listening went on")
        _ = try await store.rows("""
            SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = \(store.nodeName) AND query ILIKE 'LISTEN%'
            """)
        waited = 0
        while heard.withLock({ $0 }).isEmpty, waited < 150 {
            try await Task.sleep(for: .milliseconds(100))
            waited += 1
        }
        #expect(heard.withLock { $0 } == [.mayHaveChanged])
    }
}
