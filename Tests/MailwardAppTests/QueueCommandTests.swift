import Foundation
import MailwardApp
import MailwardConfig
import MailwardCore
import Testing

/// `mailward queue list|retry|delete` as a real process against a data folder with a queue.
@Suite(.serialized) struct QueueCommandTests {
    @Test func listRetryDelete() async throws {
        let data = try temporaryFolder()
        let runtime = try Runtime(folder: try DataFolder.prepare(data), configuration: MailwardConfiguration())
        let created = Date(timeIntervalSince1970: 1_795_000_000)
        for id in ["q-one", "q-two"] {
            try await runtime.deliveryQueue.enqueue(OutboundMessage(
                id: id, sender: "alice@demo.test", recipients: ["bob@remote.test"],
                raw: Array("Subject: \(id)\r\n\r\nhi\r\n".utf8), createdAt: created))
        }
        let claimed = try await runtime.deliveryQueue.store.claimDue(now: created, lease: 60, limit: 10)
        for message in claimed {
            try await runtime.deliveryQueue.store.record(messageID: message.id, recipientIDs: message.recipients.map(\.id),
                                                    outcome: .deferred(error: "451 4.3.0 busy", nextAttemptAt: created + 86400),
                                                    at: created)
        }
        let list = try await runMailward(["queue", "list", "--data", data])
        #expect(list.status == 0)
        #expect(list.stdout.contains("q-one\t2026-11-18T"))
        #expect(list.stdout.contains("from alice@demo.test"))
        #expect(list.stdout.contains("  bob@remote.test\tpending\tattempts 1\tnext 2026-11-19T"))
        #expect(list.stdout.contains("451 4.3.0 busy"))

        let retry = try await runMailward(["queue", "retry", "q-one", "--data", data])
        #expect(retry.status == 0 && retry.stdout == "1 recipient(s) due now\n")
        let due = try await runtime.deliveryQueue.store.message(id: "q-one")?.recipients[0].nextAttemptAt
        #expect(due.map { abs($0.timeIntervalSinceNow) < 60 } == true)

        #expect(try await runMailward(["queue", "delete", "q-two", "--data", data]).stdout == "deleted q-two\n")
        let missing = try await runMailward(["queue", "delete", "q-two", "--data", data])
        #expect(missing.status == 1 && missing.stderr.contains("no message q-two in the queue"))
        #expect(try await runMailward(["queue", "retry", "--data", data]).status == 1)
        #expect(try await runMailward(["queue", "retry", "--all", "--data", data]).stdout == "1 recipient(s) due now\n")
        #expect(try await runtime.deliveryQueue.store.allMessages().map(\.id) == ["q-one"])
        #expect(try await runMailward(["queue", "delete", "q-one", "--data", data]).status == 0)
        #expect(try await runMailward(["queue", "list", "--data", data]).stdout == "queue is empty\n")
    }
}
