import Foundation
import MailwardDelivery

/// dnsmasq (Debian's `dnsmasq-base`) as the DNS of the sender-check tests: authoritative for
/// `auth.test` with the records a test gives (dnsmasq configuration lines), on a loopback port
/// of its own, nothing forwarded (other names are REFUSED — a temporary DNS error).
final class DNSPeer: @unchecked Sendable {
    let pid: pid_t
    let folder: URL
    let port: Int

    private init(pid: pid_t, folder: URL, port: Int) {
        self.pid = pid
        self.folder = folder
        self.port = port
    }

    /// `txt-record=` lines for a TXT record of any length (strings of at most 255 bytes).
    static func txt(_ name: String, _ text: String) -> String {
        var strings: [String] = []
        var rest = Substring(text)
        repeat {
            strings.append("\"" + rest.prefix(255) + "\"")
            rest = rest.dropFirst(255)
        } while !rest.isEmpty
        return "txt-record=\(name),\(strings.joined(separator: ","))"
    }

    static func start(_ records: [String]) async throws -> DNSPeer {
        var lastError: (any Error)?
        for _ in 0..<3 {
            let folder = try FilterPeer.makeFolder("dnsmasq")
            let port = try FilterPeer.daemonPort()
            let config = ["port=\(port)", "listen-address=127.0.0.1", "bind-interfaces", "no-resolv", "no-hosts", "no-poll",
                          "local=/auth.test/", "pid-file=", "user=\(FilterPeer.isRoot ? "root" : NSUserName())",
                          "host-record=ready.auth.test,127.0.0.1"] + records
            try (config.joined(separator: "\n") + "\n").write(to: folder.appendingPathComponent("dnsmasq.conf"), atomically: true, encoding: .utf8)
            let pid = try Self.spawn(["/usr/sbin/dnsmasq", "--keep-in-foreground", "--conf-file=\(folder.path)/dnsmasq.conf",
                                      "--log-facility=-"], log: folder.path + "/output.log")
            let peer = DNSPeer(pid: pid, folder: folder, port: port)
            do {
                try await peer.waitUntilAnswering()
                return peer
            } catch {
                lastError = error
                peer.stop()
            }
        }
        throw lastError ?? PeerError("dnsmasq did not start")
    }

    var resolver: DNSResolver {
        DNSResolver(configuration: ResolvConf(nameservers: ["127.0.0.1"], timeout: 2, attempts: 2), port: port)
    }

    private func waitUntilAnswering() async throws {
        let resolver = DNSResolver(configuration: ResolvConf(nameservers: ["127.0.0.1"], timeout: 0.5, attempts: 1), port: port)
        for _ in 0..<100 {
            guard kill(pid, 0) == 0 else { break }
            if let answer = try? await resolver.addresses("ready.auth.test"), answer == ["127.0.0.1"] { return }
            try await Task.sleep(for: .milliseconds(100))
        }
        let log = (try? String(contentsOfFile: folder.path + "/output.log", encoding: .utf8)) ?? ""
        throw PeerError("dnsmasq did not start: \(log.suffix(2000))")
    }

    private var stopped = false

    /// Kills dnsmasq and removes its folder; once (a second call does nothing).
    func stop() {
        guard !stopped else { return }
        stopped = true
        kill(pid, SIGKILL)
        var status: Int32 = 0
        _ = waitpid(pid, &status, 0)
        try? FileManager.default.removeItem(at: folder)
    }

    /// Starts a program with posix_spawn rather than Foundation's `Process`: dnsmasq closes every
    /// inherited descriptor at start, which `Process` takes for an exit (it then blocks in
    /// waitpid), and a child of this process would inherit its blocked signals (SIGTERM, SIGCHLD).
    static func spawn(_ arguments: [String], log: String) throws -> pid_t {
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var none = sigset_t()
        sigemptyset(&none)
        var all = sigset_t()
        sigfillset(&all)
        posix_spawnattr_setsigmask(&attributes, &none)
        posix_spawnattr_setsigdefault(&attributes, &all)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 1, log, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        var pid: pid_t = 0
        let argv = arguments.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        let result = posix_spawn(&pid, arguments[0], &actions, &attributes, argv, environ)
        guard result == 0 else { throw PeerError("could not start \(arguments[0]): error \(result)") }
        return pid
    }
}
