import Foundation

/// A daemon the tests start (clamd, rspamd, dnsmasq), through posix_spawn rather than
/// Foundation's `Process`: a child of `Process` inherits the test process's blocked signals (so
/// SIGTERM does not stop it), and a daemon that closes its inherited descriptors at start — as
/// dnsmasq does — looks to `Process` like an exit, after which it blocks in waitpid and every
/// later `Process` of the run hangs.
final class SpawnedProcess: @unchecked Sendable {
    let pid: pid_t
    private let lock = NSLock()
    private var exited = false

    /// Starts `arguments[0]` with default signal handling, stdin from /dev/null and stdout and
    /// stderr appended to `log`.
    init(_ arguments: [String], log: String) throws {
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
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, log, O_WRONLY | O_CREAT | O_APPEND, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        var pid: pid_t = 0
        let argv = arguments.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        let result = posix_spawn(&pid, arguments[0], &actions, &attributes, argv, environ)
        guard result == 0 else { throw PeerError("could not start \(arguments[0]): error \(result)") }
        self.pid = pid
    }

    /// Whether it still runs (reaps it once it has exited).
    var isRunning: Bool {
        lock.withLock {
            if exited { return false }
            var status: Int32 = 0
            if waitpid(pid, &status, WNOHANG) == pid { exited = true }
            return !exited
        }
    }

    func signal(_ signal: Int32) {
        if isRunning { kill(pid, signal) }
    }

    /// SIGTERM, up to five seconds for it to end, then SIGKILL; returns when it is gone.
    func stop() {
        signal(SIGTERM)
        for _ in 0..<50 where isRunning { usleep(100_000) }
        guard isRunning else { return }
        kill(pid, SIGKILL)
        lock.withLock {
            var status: Int32 = 0
            _ = waitpid(pid, &status, 0)
            exited = true
        }
    }
}
