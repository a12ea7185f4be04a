import Crypto
import Foundation
import MailwardTesting

/// Real content filters from Debian, started by the tests on loopback with configurations of
/// their own: clamd with a one-signature database (no download), rspamd with its stock rules.
final class FilterPeer: @unchecked Sendable {
    let process: SpawnedProcess
    let folder: URL
    let port: Int

    private init(process: SpawnedProcess, folder: URL, port: Int) {
        self.process = process
        self.folder = folder
        self.port = port
    }

    /// Stops the daemon and the workers it forked (rspamd's would outlive a killed master).
    func stop() {
        let children = Self.children(of: process.pid)
        process.stop()
        for child in children { kill(child, SIGKILL) }
        try? FileManager.default.removeItem(at: folder)
    }

    /// Processes whose parent is `pid` (from /proc).
    static func children(of pid: Int32) -> [Int32] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.compactMap { Int32($0) }.filter { candidate in
            guard let stat = try? String(contentsOfFile: "/proc/\(candidate)/stat", encoding: .utf8),
                  let close = stat.lastIndex(of: ")") else { return false }
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            return fields.count > 1 && Int32(fields[1]) == pid
        }
    }

    static var isRoot: Bool { getuid() == 0 }

    /// The attachment clamd is told to call a virus: harmless bytes, identified by their MD5.
    static let testVirus = Array("Mailward test payload: clamd's database calls this a virus.\n".utf8)

    /// clamd whose database knows one "virus": ``testVirus`` (an MD5 signature).
    static func clamd() async throws -> FilterPeer {
        let folder = try makeFolder("clamd")
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("db"), withIntermediateDirectories: true)
        let md5 = Insecure.MD5.hash(data: testVirus).map { String(format: "%02x", $0) }.joined()
        try "\(md5):\(testVirus.count):Mailward-Test-Virus\n".write(to: folder.appendingPathComponent("db/mailward.hdb"),
                                                                    atomically: true, encoding: .utf8)
        let port = try daemonPort()
        var config = """
            DatabaseDirectory \(folder.path)/db
            TCPSocket \(port)
            TCPAddr 127.0.0.1
            Foreground yes
            LogFile \(folder.path)/clamd.log
            PidFile \(folder.path)/clamd.pid
            ScanMail yes

            """
        if isRoot { config += "User root\n" }
        try config.write(to: folder.appendingPathComponent("clamd.conf"), atomically: true, encoding: .utf8)
        let process = try launch("/usr/sbin/clamd", ["-c", folder.path + "/clamd.conf"], folder: folder)
        let peer = FilterPeer(process: process, folder: folder, port: port)
        try await peer.waitUntilAnswering(what: "clamd", request: "zPING\0", expect: "PONG")
        return peer
    }

    /// rspamd with Debian's stock configuration, its workers on loopback ports of their own, no
    /// network lookups, and one extra rule: a `Subject:` containing `junk-me` scores 8 — above
    /// "add header" (6), below "reject" (15); GTUBE still rejects.
    static func rspamd() async throws -> FilterPeer {
        let folder = try makeFolder("rspamd")
        let conf = folder.appendingPathComponent("conf")
        let copy = Process()
        copy.executableURL = URL(fileURLWithPath: "/bin/cp")
        copy.arguments = ["-r", "/etc/rspamd", conf.path]
        try copy.run()
        copy.waitUntilExit()
        for sub in ["db", "run"] {
            try FileManager.default.createDirectory(at: folder.appendingPathComponent(sub), withIntermediateDirectories: true)
        }
        let port = try daemonPort()
        let local = conf.appendingPathComponent("local.d")
        try FileManager.default.createDirectory(at: local, withIntermediateDirectories: true)
        let files: [String: String] = [
            "worker-normal.inc": "bind_socket = \"127.0.0.1:\(port)\";\ncount = 1;\n",
            "worker-controller.inc": "bind_socket = \"127.0.0.1:\(try daemonPort())\";\ncount = 1;\n",
            "worker-proxy.inc": "bind_socket = \"127.0.0.1:\(try daemonPort())\";\ncount = 1;\n",
            "options.inc": "dns { nameserver = [\"127.0.0.1:1\"]; timeout = 0.1s; retransmits = 0; }\n",
            "logging.inc": "type = \"file\"; filename = \"\(folder.path)/rspamd.log\"; level = \"error\";\n",
            "actions.conf": "reject = 15;\nadd_header = 6;\ngreylist = null;\n",
            "multimap.conf": """
                MAILWARD_TEST_JUNK {
                  type = "header"; header = "Subject"; regexp = true;
                  map = "\(folder.path)/junk.map"; score = 8.0;
                }

                """,
        ]
        for (name, text) in files { try text.write(to: local.appendingPathComponent(name), atomically: true, encoding: .utf8) }
        try "/junk-me/i\n".write(to: folder.appendingPathComponent("junk.map"), atomically: true, encoding: .utf8)
        var arguments = ["-f", "-c", conf.path + "/rspamd.conf"]
        for (name, value) in [("CONFDIR", conf.path), ("LOCAL_CONFDIR", conf.path), ("DBDIR", folder.path + "/db"),
                              ("RUNDIR", folder.path + "/run"), ("LOGDIR", folder.path)] {
            arguments += ["--var", "\(name)=\(value)"]
        }
        if isRoot { arguments += ["-i", "-u", "root", "-g", "root"] }
        let process = try launch("/usr/bin/rspamd", arguments, folder: folder)
        let peer = FilterPeer(process: process, folder: folder, port: port)
        // The normal worker answers /ping once its rules are loaded (a busy machine takes a while).
        try await peer.waitUntilAnswering(what: "rspamd", request: "GET /ping HTTP/1.0\r\n\r\n", expect: "pong")
        return peer
    }

    /// A free port below Linux's ephemeral range (32768–60999): a port taken from that range and
    /// released could be handed to another test's listener (port 0) before the daemon binds it.
    static func daemonPort() throws -> Int {
        for _ in 0..<200 {
            let port = Int.random(in: 20_000..<32_000)
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            defer { close(fd) }
            if LoopbackAddress.bind(fd, port: port) == 0 { return port }
        }
        throw PeerError("no free port between 20000 and 32000")
    }

    static func makeFolder(_ name: String) throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("mailward-\(name)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder
    }

    static func launch(_ executable: String, _ arguments: [String], folder: URL) throws -> SpawnedProcess {
        try SpawnedProcess([executable] + arguments, log: folder.path + "/output.log")
    }

    /// Polls the port until the daemon itself answers `request` with text containing `expect`
    /// (two minutes at most): something else on the port, or a daemon still loading, is not it.
    private func waitUntilAnswering(what: String, request: String, expect: String) async throws {
        for _ in 0..<600 {
            guard process.isRunning else { break }
            if let client = try? await LineClient.connect(port: port, timeout: .seconds(5)) {
                try? await client.send(request)
                let answer = (try? await client.readBytes(1)).map { String(decoding: $0, as: UTF8.self) } ?? ""
                var text = answer
                while !text.contains(expect), text.count < 4096, let more = try? await client.readBytes(1) {
                    text += String(decoding: more, as: UTF8.self)
                }
                await client.close()
                if text.contains(expect) { return }
            }
            try await Task.sleep(for: .milliseconds(200))
        }
        let log = (try? String(contentsOfFile: folder.path + "/output.log", encoding: .utf8)) ?? ""
        stop()
        throw PeerError("\(what) did not start: \(log.suffix(2000))")
    }
}

struct PeerError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
