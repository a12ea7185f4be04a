import Glibc
import Logging
import MailwardConfig

/// The process's open-files limit against what the doors admit. Every connection is a file
/// descriptor, and the common soft limit is 1 024 — under `connections.max` of one port alone —
/// so a server started by hand (or by a unit without `LimitNOFILE`) would fail to accept, on
/// every door at once, long before its own limits refuse anybody. At start the soft limit is
/// raised as far as the hard limit allows (as nginx's `worker_rlimit_nofile`, or Go's runtime,
/// do), and a limit still too low is said in the log with the number to set.
public enum OpenFilesLimit {
    /// Descriptors beside the doors' connections: the store's files, outbound SMTP and DNS,
    /// certificates, logs.
    static let reserve = 256

    /// Descriptors the configured limits may use at once: `connections.max` on each of the seven
    /// mail ports, `http.max-connections`, and ``reserve``.
    public static func needed(by configuration: MailwardConfiguration) -> Int {
        7 * configuration.connections.max + configuration.http.maxConnections + reserve
    }

    /// Raises the soft limit towards ``needed(by:)`` (never lowers it); returns the limit in force.
    @discardableResult
    public static func raise(for configuration: MailwardConfiguration, logger: Logger = Logger(label: "mailward")) -> Int {
        let needed = rlim_t(needed(by: configuration))
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return Int(clamping: needed) }
        let before = limit.rlim_cur
        if before < needed {
            limit.rlim_cur = min(needed, limit.rlim_max)
            if setrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) != 0 { limit.rlim_cur = before }
        }
        let inForce = limit.rlim_cur
        if inForce < needed {
            logger.warning("the open-files limit is below what the connection limits admit: doors will fail to accept before their own limits", metadata: [
                "limit": "\(inForce)", "needed": "\(needed)",
                "fix": "raise the hard limit (systemd LimitNOFILE=\(needed) or more) or lower connections.max / http.max-connections",
            ])
        } else if inForce > before {
            logger.info("raised the open-files limit", metadata: ["from": "\(before)", "to": "\(inForce)"])
        }
        return Int(clamping: inForce)
    }
}
