import Foundation
import MailwardDelivery

/// dnsmasq (Debian's `dnsmasq-base`) as the DNS of the sender-check tests: authoritative for
/// `auth.test` with the records a test gives (dnsmasq configuration lines), on a loopback port
/// of its own, nothing forwarded (other names are REFUSED — a temporary DNS error).
final class DNSPeer: @unchecked Sendable {
    let process: SpawnedProcess
    let folder: URL
    let port: Int

    private init(process: SpawnedProcess, folder: URL, port: Int) {
        self.process = process
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
            let process = try FilterPeer.launch("/usr/sbin/dnsmasq", ["--keep-in-foreground", "--conf-file=\(folder.path)/dnsmasq.conf",
                                                                     "--log-facility=-"], folder: folder)
            let peer = DNSPeer(process: process, folder: folder, port: port)
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
            guard process.isRunning else { break }
            if let answer = try? await resolver.addresses("ready.auth.test"), answer == ["127.0.0.1"] { return }
            try await Task.sleep(for: .milliseconds(100))
        }
        let log = (try? String(contentsOfFile: folder.path + "/output.log", encoding: .utf8)) ?? ""
        throw PeerError("dnsmasq did not start: \(log.suffix(2000))")
    }

    /// Stops dnsmasq and removes its folder; a second call does nothing more.
    func stop() {
        process.stop()
        try? FileManager.default.removeItem(at: folder)
    }
}
