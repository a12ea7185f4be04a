"""Servers the benchmarks start and stop: Mailward from the built binary, and the Debian
reference servers (Postfix, Dovecot) as private instances — own configuration folder, state in a
temporary folder, loopback and free high ports — that never touch the system's own
configuration or services. Used by scripts/bench/smtp_ingest_bench.py and scripts/bench/imap.

Postfix's `postfix` command and `master` are reserved for the super-user, so the Postfix
instance needs root (its daemons still drop to the `postfix` user). Dovecot runs as whoever
starts it; started as root it keeps its usual privilege separation and stores mail as `nobody`.
"""
import os
import pwd
import grp
import resource
import shutil
import socket
import subprocess
import time

# The work folders live on disk, not in a tmpfs, so fsync costs what it costs in production.
# BENCH_WORK_PARENT moves them, for experiments (a tmpfs bounds what the file system costs).
WORK_PARENT = os.environ.get("BENCH_WORK_PARENT", "/var/tmp")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_port(port, what, timeout=60, log=None):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.05)
    tail = ""
    if log and os.path.exists(log):
        tail = "\n" + open(log, errors="replace").read()[-3000:]
    raise SystemExit(f"{what} did not start listening on 127.0.0.1:{port}{tail}")


def raise_open_files_limit():
    """Lets this process (and the servers it starts) hold thousands of sockets."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    return resource.getrlimit(resource.RLIMIT_NOFILE)[0]


def _proc_kib(path, field):
    """The KiB value of `field:` in a /proc file (0 if the process is gone)."""
    try:
        with open(path) as f:
            for line in f:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def rss_kib(pid):
    """Resident set size of one process in KiB (0 if it is gone)."""
    return _proc_kib(f"/proc/{pid}/status", "VmRSS")


def pss_kib(pid):
    """Proportional set size in KiB: shared pages divided among the processes sharing them."""
    return _proc_kib(f"/proc/{pid}/smaps_rollup", "Pss")


def _process_stats():
    """Every live process as (pid, command name, the fields of /proc/PID/stat after the name)."""
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                stat = f.read()
        except OSError:
            continue
        yield int(entry), stat[stat.index("(") + 1:stat.rindex(")")], stat[stat.rindex(")") + 2:].split()


def children(pid):
    """Direct child processes of `pid` as (pid, command name) pairs."""
    return [(child, name) for child, name, fields in _process_stats() if int(fields[1]) == pid]


def family_cpu_seconds(pid):
    """User + system CPU of `pid`, of its live children, and of the children it has waited for
    (a Postfix master and its daemons, those that exited included)."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0
    for process, _, fields in _process_stats():
        # proc(5) fields 14–17 (utime, stime, cutime, cstime) are 11–14 here, counted from the state.
        if process == pid:
            total += sum(int(x) for x in fields[11:15])
        elif int(fields[1]) == pid:
            total += sum(int(x) for x in fields[11:13])
    return total / tick


def stop_process(process, timeout=60):
    """SIGTERM, then SIGKILL if it is still there after `timeout` seconds."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def load_average():
    return os.getloadavg()


class Mailward:
    """`mailward serve` on free loopback ports with a fresh data folder, one local domain and the
    given accounts. Connection limits are raised (`connections.*`) so that thousands of loopback
    clients are admitted."""

    def __init__(self, binary, work, domain, accounts, max_connections=10_000):
        self.binary = os.path.abspath(binary)
        self.data = os.path.join(work, "mailward")
        os.makedirs(self.data)
        self.env = dict(os.environ, MAILWARD_DATA=self.data,
                        MAILWARD_CONNECTIONS_MAX=str(max_connections),
                        MAILWARD_CONNECTIONS_MAX_PER_IP=str(max_connections))
        self._run(["domain", "add", domain])
        for address, password in accounts:
            self._run(["user", "add", address, "--password-stdin"], stdin=password + "\n")
        self.ports = {}
        for key in ["HTTP_PORT", "SMTP_PORT", "SMTP_SUBMISSION_PORT", "SMTP_SUBMISSION_TLS_PORT", "IMAP_PORT",
                    "IMAP_TLS_PORT", "POP3_PORT", "POP3_TLS_PORT"]:
            self.ports[key] = free_port()
            self.env["MAILWARD_" + key] = str(self.ports[key])
        self.log_path = os.path.join(work, "mailward.log")
        self._start()

    def _start(self):
        self.log = open(self.log_path, "a")
        self.process = subprocess.Popen([self.binary, "serve"], env=self.env, stdout=self.log, stderr=subprocess.STDOUT)
        for key in ["SMTP_PORT", "IMAP_PORT"]:
            wait_for_port(self.ports[key], "mailward", log=self.log_path)

    def restart(self):
        """A fresh process on the same data folder and ports."""
        self.stop()
        self._start()

    def _run(self, arguments, stdin=None):
        subprocess.run([self.binary] + arguments, input=stdin, text=True, env=self.env, check=True,
                       capture_output=True)

    @property
    def pid(self):
        return self.process.pid

    @property
    def smtp_port(self):
        return self.ports["SMTP_PORT"]

    @property
    def imap_port(self):
        return self.ports["IMAP_PORT"]

    def stop(self):
        stop_process(self.process)
        self.log.close()


class Dovecot:
    """A private Dovecot instance (`dovecot -c FILE -F`): LMTP and/or IMAP on free loopback ports,
    one static user store whose mail is a Maildir under `work/dovecot/mail/<user>`; every
    user logs in with `password`. `settings` adds or overrides top-level settings (for example
    `imap_hibernate_timeout`)."""

    def __init__(self, work, protocols, password="unused", settings=None, imap_clients=100):
        self.work = work
        self.protocols = protocols
        self.password = password
        self.root = os.path.join(work, "dovecot")
        self.mail = os.path.join(self.root, "mail")
        for folder in ["run", "state", "mail"]:
            os.makedirs(os.path.join(self.root, folder), exist_ok=True)
        self.lmtp_port = free_port() if "lmtp" in protocols else None
        self.imap_port = free_port() if "imap" in protocols else None
        self.log_path = os.path.join(self.root, "dovecot.log")
        self._start(settings, imap_clients)

    def restart(self, settings=None, imap_clients=100):
        """Stops this instance and starts it again on the same mail and ports with other settings."""
        self.stop()
        self._start(settings, imap_clients)

    def _start(self, settings, imap_clients):
        work, protocols, password = self.work, self.protocols, self.password
        running_as_root = os.getuid() == 0
        if running_as_root:
            # Mail is stored as `nobody`; the folders above it must be traversable.
            for folder in [work, self.root]:
                os.chmod(folder, 0o755)
            nobody = pwd.getpwnam("nobody")
            os.chown(self.mail, nobody.pw_uid, nobody.pw_gid)
            owner = f"uid={nobody.pw_uid} gid={nobody.pw_gid}"
            users = ""
        else:
            me = pwd.getpwuid(os.getuid()).pw_name
            owner = f"uid={os.getuid()} gid={os.getgid()}"
            users = f"default_internal_user = {me}\ndefault_login_user = {me}\n"
        lines = {
            "instance_name": f"mailward-bench-{os.getpid()}-{self.lmtp_port or self.imap_port}",
            "base_dir": os.path.join(self.root, "run"),
            "state_dir": os.path.join(self.root, "state"),
            "protocols": " ".join(protocols),
            "listen": "127.0.0.1",
            "ssl": "no",
            "disable_plaintext_auth": "no",
            "auth_mechanisms": "plain login",
            "log_path": self.log_path,
            "mail_location": f"maildir:{self.mail}/%n",
            "mail_fsync": "optimized",
            "lmtp_save_to_detail_mailbox": "no",
            "default_process_limit": str(max(100, imap_clients + 50)),
            # anvil, auth and the other shared services hold a connection per login/imap process.
            "default_client_limit": str(max(1000, 2 * imap_clients + 1000)),
        }
        lines.update(settings or {})
        config = users + "".join(f"{k} = {v}\n" for k, v in lines.items())
        limit = max(100, imap_clients + 50)
        config += f"""
passdb {{
  driver = static
  args = password={password}
}}
userdb {{
  driver = static
  args = {owner} home={self.mail}/%n allow_all_users=yes
}}
service lmtp {{
  inet_listener lmtp {{
    address = 127.0.0.1
    port = {self.lmtp_port or 0}
  }}
  unix_listener lmtp {{
    mode = 0600
  }}
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {self.imap_port or 0}
  }}
  inet_listener imaps {{
    port = 0
  }}
  process_limit = {limit}
}}
service imap {{
  process_limit = {limit}
}}
service imap-hibernate {{
  unix_listener imap-hibernate {{
    mode = 0666
  }}
}}
"""
        self.config_path = os.path.join(self.root, "dovecot.conf")
        with open(self.config_path, "w") as f:
            f.write(config)
        self.process = subprocess.Popen(["/usr/sbin/dovecot", "-F", "-c", self.config_path],
                                        stdout=subprocess.DEVNULL, stderr=open(self.log_path + ".stderr", "w"))
        for port in [self.lmtp_port, self.imap_port]:
            if port:
                wait_for_port(port, "dovecot", log=self.log_path + ".stderr")

    @property
    def pid(self):
        return self.process.pid

    def maildir_count(self, user):
        """Messages in the user's Maildir INBOX (new/ and cur/)."""
        total = 0
        for sub in ["new", "cur"]:
            try:
                total += sum(1 for _ in os.scandir(os.path.join(self.mail, user, sub)))
            except FileNotFoundError:
                pass
        return total

    def processes(self, names):
        """(pid, name) of this instance's child processes with one of the given names."""
        return [(pid, name) for pid, name in children(self.process.pid) if name in names]

    def stop(self):
        stop_process(self.process)


class Postfix:
    """A private Postfix instance (`postfix -c DIR start`): smtpd on a free loopback port; one
    virtual domain whose only mailbox is `recipient`, handed over LMTP to `lmtp_port` — or, with
    `lmtp_port=None`, put on hold in the queue as it arrives (Postfix's durable ingest alone: the
    queue file is written and fsynced before the 250, and nothing delivers it). Queue and data
    folders live under `work/postfix`. Needs root (Postfix's own rule)."""

    def __init__(self, work, domain, recipient, lmtp_port):
        if os.getuid() != 0:
            raise SystemExit("the Postfix instance needs root: postfix(1) and master(8) are reserved for the super-user")
        self.root = os.path.join(work, "postfix")
        self.config = os.path.join(self.root, "conf")
        for folder in ["conf", "queue", "data"]:
            os.makedirs(os.path.join(self.root, folder), exist_ok=True)
        # Postfix's daemons run as `postfix`: the folders above its own must be traversable.
        for folder in [work, self.root]:
            os.chmod(folder, 0o755)
        postfix = pwd.getpwnam("postfix")
        os.chown(os.path.join(self.root, "data"), postfix.pw_uid, postfix.pw_gid)
        grp.getgrnam("postdrop")  # fails clearly if the package's group is missing
        self.port = free_port()
        self.log_path = os.path.join(self.root, "postfix.log")
        main = f"""compatibility_level = 3.6
queue_directory = {self.root}/queue
data_directory = {self.root}/data
mail_owner = postfix
setgid_group = postdrop
myhostname = postfix.{domain}
mydomain = {domain}
myorigin = {domain}
mydestination =
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
mynetworks = 127.0.0.0/8
alias_maps =
alias_database =
local_recipient_maps =
relay_domains =
virtual_mailbox_domains = {domain}
virtual_mailbox_maps = inline:{{ {recipient}=mailbox }}
smtpd_peername_lookup = no
smtpd_relay_restrictions = permit_mynetworks, reject_unauth_destination
smtputf8_enable = no
biff = no
message_size_limit = 52428800
maillog_file = {self.log_path}
"""
        if lmtp_port is None:
            main += f"smtpd_recipient_restrictions = check_recipient_access inline:{{ {recipient}=HOLD }}\n"
        else:
            main += f"virtual_transport = lmtp:inet:127.0.0.1:{lmtp_port}\n"
        with open(os.path.join(self.config, "main.cf"), "w") as f:
            f.write(main)
        # The distribution's master.cf, without chroot (the queue folder is not a prepared jail)
        # and with smtpd on our loopback port.
        master = []
        for line in open("/usr/share/postfix/master.cf.dist"):
            fields = line.split()
            if line[0:1].isalpha() and len(fields) >= 8:
                if fields[0] == "smtp" and fields[1] == "inet":
                    fields[0] = f"127.0.0.1:{self.port}"
                fields[4] = "n"
                line = "  ".join(fields) + "\n"
            master.append(line)
        with open(os.path.join(self.config, "master.cf"), "w") as f:
            f.writelines(master)
        self._postfix("start")
        wait_for_port(self.port, "postfix", log=self.log_path)

    def _postfix(self, command):
        result = subprocess.run(["/usr/sbin/postfix", "-c", self.config, command], capture_output=True, text=True)
        if result.returncode != 0 and command != "stop":
            raise SystemExit(f"postfix {command} failed:\n{result.stdout}{result.stderr}")

    def cpu_seconds(self):
        """CPU time of the instance so far: master, its daemons, and those that exited."""
        with open(os.path.join(self.root, "queue", "pid", "master.pid")) as f:
            return family_cpu_seconds(int(f.read().strip()))

    def held_count(self):
        """Messages in the hold queue (each a file, written whole before it is moved there)."""
        return sum(len(files) for _, _, files in os.walk(os.path.join(self.root, "queue", "hold")))

    def queue_is_empty(self):
        for sub in ["incoming", "active", "deferred", "maildrop"]:
            folder = os.path.join(self.root, "queue", sub)
            for _, _, files in os.walk(folder):
                if files:
                    return False
        return True

    def stop(self):
        self._postfix("stop")
        # `postfix stop` returns before master has exited; wait for its pid file to go.
        pid_file = os.path.join(self.root, "queue", "pid", "master.pid")
        deadline = time.monotonic() + 30
        while os.path.exists(pid_file) and time.monotonic() < deadline:
            time.sleep(0.1)


def make_work_folder(prefix):
    import tempfile
    return tempfile.mkdtemp(prefix=prefix, dir=WORK_PARENT)


def remove_work_folder(path):
    shutil.rmtree(path, ignore_errors=True)
