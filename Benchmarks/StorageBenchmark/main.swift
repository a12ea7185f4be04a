import Foundation
import MailwardApp
import MailwardConfig
import MailwardCore
import StorePostgres

/// Storage benchmark (issue 3): deliver N messages of about 10 KB into one fresh store, then
/// fetch them all back; prints messages/s both ways and the bytes on disk. With `--postgres URL`
/// the store is a fresh schema in that PostgreSQL database (dropped afterwards) instead of SQLite.
/// Usage: storage-bench [--count N] [--concurrency C] [--postgres URL] [--keep] [--deliver-only]
@main
struct StorageBenchmark {
    static func main() async throws {
        let arguments = CommandLine.arguments
        func value(_ name: String, _ fallback: Int) -> Int {
            guard let i = arguments.firstIndex(of: name), i + 1 < arguments.count, let v = Int(arguments[i + 1]) else { return fallback }
            return v
        }
        let count = value("--count", 10_000)
        let concurrency = max(1, value("--concurrency", 8))
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("mailward-bench-\(UUID().uuidString)").path
        var configuration = MailwardConfiguration()
        if let i = arguments.firstIndex(of: "--postgres"), i + 1 < arguments.count {
            let url = arguments[i + 1]
            let schema = "bench_" + UUID().uuidString.prefix(8).lowercased()
            configuration.storage.postgresURL = url + (url.contains("?") ? "&" : "?") + "schema=" + schema
        }
        let runtime = try await Runtime.make(folder: try DataFolder.prepare(path), configuration: configuration)
        let postgres = runtime.store as? PostgresStore
        try await runtime.accounts.addDomain("bench.test")
        let account = try await runtime.accounts.addAccount("bench@bench.test", password: "Tea-Garden-42")
        let messages = (0..<count).map(makeMessage)
        func seconds(_ d: Duration) -> Double { Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18 }
        let bytes = messages.reduce(0) { $0 + $1.count }

        let cpuBefore = processCPUSeconds()
        let start = ContinuousClock.now
        try await withThrowingTaskGroup(of: Void.self) { group in
            var next = 0
            for _ in 0..<concurrency {
                let first = next
                next += 1
                group.addTask {
                    var i = first
                    while i < count {
                        _ = try await runtime.mail.deliver(messages[i], to: [account.id])
                        i += concurrency
                    }
                }
            }
            try await group.waitForAll()
        }
        let delivered = ContinuousClock.now - start
        let deliveryCPU = processCPUSeconds() - cpuBefore
        if arguments.contains("--deliver-only") {
            print(String(format: "deliver (durable):   %.1f s, %.0f messages/s, CPU %.3f ms per delivery",
                         seconds(delivered), Double(count) / seconds(delivered), 1000 * deliveryCPU / Double(count)))
            try? FileManager.default.removeItem(atPath: path)
            try await postgres?.dropSchema()
            return
        }

        let inbox = try await runtime.mail.inbox(accountID: account.id)
        let fetchStart = ContinuousClock.now
        let records = try await runtime.store.messages(mailboxID: inbox.id)
        var fetchedBytes = 0
        for record in records { fetchedBytes += try await runtime.mail.raw(record).count }
        let fetched = ContinuousClock.now - fetchStart
        precondition(records.count == count && fetchedBytes == bytes, "fetched \(records.count) messages, \(fetchedBytes) bytes")

        let searchStart = ContinuousClock.now
        let hits = try await runtime.mail.search(accountID: account.id, query: "季度报告")
        let searched = ContinuousClock.now - searchStart
        // Two-character terms — most Chinese words — are not answered by the trigram index.
        let shortStart = ContinuousClock.now
        let shortHits = try await runtime.mail.search(accountID: account.id, query: "猫狗")
        let shortSearched = ContinuousClock.now - shortStart

        func size(_ path: String) -> Int64 {
            (try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? Int64 ?? 0
        }
        let wal = size(runtime.folder.databasePath + "-wal")
        let database = try await postgres?.diskUsage() ?? size(runtime.folder.databasePath) + wal
        let blobs = runtime.blobs.diskUsage()
        print("store:               \(postgres == nil ? "SQLite" : "PostgreSQL")")
        print("messages:            \(count) × ~\(bytes / count) B = \(bytes / 1024) KiB, \(concurrency) concurrent deliveries")
        print(String(format: "deliver (durable):   %.1f s, %.0f messages/s", seconds(delivered), Double(count) / seconds(delivered)))
        print(String(format: "  CPU per delivery:  %.3f ms (user + system, whole process", 1000 * deliveryCPU / Double(count))
              + (postgres == nil ? ")" : "; PostgreSQL's own not counted)"))
        print(String(format: "fetch all back:      %.2f s, %.0f messages/s", seconds(fetched), Double(count) / seconds(fetched)))
        print(String(format: "search (Chinese):    %.3f s, %d hits", seconds(searched), hits.count))
        print(String(format: "search (2 chars):    %.3f s (a term in no message), %d hits", seconds(shortSearched), shortHits.count))
        print("database on disk:    \(database / 1024) KiB (of which WAL \(wal / 1024) KiB)")
        print("bodies on disk:      \(blobs / 1024) KiB")
        print(String(format: "disk / raw bytes:    %.2f", Double(database + blobs) / Double(bytes)))
        if !arguments.contains("--keep") {
            try? FileManager.default.removeItem(atPath: path)
            try await postgres?.dropSchema()
        }
    }

    /// User plus system CPU time of the whole process so far.
    static func processCPUSeconds() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        func seconds(_ t: timeval) -> Double { Double(t.tv_sec) + Double(t.tv_usec) / 1e6 }
        return seconds(usage.ru_utime) + seconds(usage.ru_stime)
    }

    /// About 10 KB of mixed Chinese and English text; every message differs.
    static func makeMessage(_ i: Int) -> [UInt8] {
        var body = ""
        let lines = ["各位同事：附件是本季度报告的初稿，请在周五前反馈意见。", "The quarterly report draft is attached; comments by Friday please.",
                     "会议时间：下周三下午三点，地点：第二会议室。", "Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod."]
        var n = 0
        while body.utf8.count < 9_600 {
            body += "\(i)-\(n) " + lines[(i + n) % lines.count] + "\r\n"
            n += 1
        }
        let header = """
            From: Sender \(i % 50) <sender\(i % 50)@example.com>\r
            To: Bench <bench@bench.test>\r
            Subject: Benchmark message \(i) 季度报告\r
            Date: Sun, 29 Nov 2026 10:00:00 +0800\r
            Message-ID: <bench-\(i)@example.com>\r
            MIME-Version: 1.0\r
            Content-Type: text/plain; charset=utf-8\r
            Content-Transfer-Encoding: 8bit\r
            \r

            """
        return Array((header + body).utf8)
    }
}
