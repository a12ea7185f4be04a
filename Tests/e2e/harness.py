"""What the end-to-end tests share: a `mailward serve --demo` process on free loopback ports and
a JSON API client for its demo users. Not a test itself (the runner picks up `*_test.py`)."""
import http.cookiejar
import json
import os
import re
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BIN = os.environ.get("MAILWARD_BIN", os.path.join(ROOT, ".build", "debug", "mailward"))
PORT_KEYS = ["SMTP_PORT", "SMTP_SUBMISSION_PORT", "SMTP_SUBMISSION_TLS_PORT", "IMAP_PORT", "IMAP_TLS_PORT",
             "POP3_PORT", "POP3_TLS_PORT"]


PORT_TROUBLE = re.compile(r"address already in use|port is in use|needs a port of its own", re.IGNORECASE)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def free_ports(count):
    """`count` different free loopback ports. The sockets stay bound until all are chosen: one
    `free_port()` after another may hand out the same port twice (a CI run once failed so)."""
    sockets = [socket.socket() for _ in range(count)]
    try:
        for s in sockets:
            s.bind(("127.0.0.1", 0))
        return [s.getsockname()[1] for s in sockets]
    finally:
        for s in sockets:
            s.close()


class ApiError(Exception):
    def __init__(self, status, body):
        super().__init__(f"HTTP {status}: {body}")
        self.status, self.body = status, body


class Mailward:
    """`mailward serve` in a fresh data folder on free ports. With `demo`, the demo users and their
    mail are seeded and `passwords` holds the demo users' passwords."""

    def __init__(self, name, demo=True):
        self.demo = demo
        self.passwords = {}
        self.data = tempfile.mkdtemp(prefix=f"mailward-{name}-e2e-")
        self.choose_ports()
        self.log_path = os.path.join(self.data, "server.log")
        self.process = None

    def choose_ports(self):
        http_port, *door_ports = free_ports(1 + len(PORT_KEYS))
        self.port = http_port
        self.ports = dict(zip(PORT_KEYS, door_ports))

    def cli(self, *args):
        """Runs `mailward ARGS --data DIR` (works while the server runs); returns its output."""
        result = subprocess.run([BIN, *args, "--data", self.data], capture_output=True, text=True)
        assert result.returncode == 0, f"mailward {' '.join(args)} failed: {result.stderr}"
        return result.stdout

    def start(self):
        """Starts the server. A port chosen free can be taken by another process before the server
        binds it; then the server exits at once, and it is started again on other ports."""
        for attempt in range(3):
            if self.start_once() or attempt == 2:
                break
            self.log.close()
            self.choose_ports()
        if self.process.poll() is not None:
            raise AssertionError("mailward serve did not come up; log:\n" + open(self.log_path).read())

    def start_once(self):
        """True when the server came up; False when it exited over a port someone else holds."""
        env = dict(os.environ, MAILWARD_HTTP_PORT=str(self.port))
        env.update({"MAILWARD_" + key: str(port) for key, port in self.ports.items()})
        self.log = open(self.log_path, "w")
        command = [BIN, "serve", "--data", self.data] + (["--demo"] if self.demo else [])
        self.process = subprocess.Popen(command, stdout=self.log, stderr=subprocess.STDOUT, env=env)
        deadline = time.time() + 60
        while time.time() < deadline:
            text = open(self.log_path, encoding="utf-8").read()
            lowered = text.lower()
            doors_up = all(f"{door} listening" in lowered for door in ("http", "imap", "submission", "pop3"))
            passwords = dict(re.findall(r"(\w+@demo\.test)\s+password: (\S+)", text))
            if doors_up and (not self.demo or len(passwords) >= 3):
                self.passwords = passwords
                return True
            if self.process.poll() is not None:
                return not PORT_TROUBLE.search(text)
            time.sleep(0.2)
        raise AssertionError("mailward serve did not come up; log:\n" + open(self.log_path).read())

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=40)
        self.log.close()

    def url(self, path):
        return f"http://127.0.0.1:{self.port}{path}"

    def outbox(self):
        """The SMS outbox file's lines (SPEC: one JSON object per message)."""
        path = os.path.join(self.data, "sms-outbox.jsonl")
        if not os.path.exists(path):
            return []
        with open(path, encoding="utf-8") as f:
            return [json.loads(line) for line in f if line.strip()]

    def api_client(self, address, password=None):
        """Signs `address` in; returns `call(method, path, body=None)` that raises ApiError on 4xx/5xx."""
        jar = http.cookiejar.CookieJar()
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))

        def call(method, path, body=None, token=None):
            data = json.dumps(body).encode() if body is not None else None
            request = urllib.request.Request(self.url("/api/v1" + path), data=data, method=method)
            request.add_header("Content-Type", "application/json")
            if token:
                request.add_header("X-CSRF-Token", token)
            try:
                with opener.open(request, timeout=30) as response:
                    return json.loads(response.read() or b"null")
            except urllib.error.HTTPError as error:
                raw = error.read()
                try:
                    payload = json.loads(raw)
                except ValueError:
                    payload = raw.decode(errors="replace")
                raise ApiError(error.code, payload) from None

        signed_in = call("POST", "/session", {"username": address, "password": password or self.passwords[address]})
        token = signed_in["csrf_token"]
        client = lambda method, path, body=None: call(method, path, body, token)  # noqa: E731
        client.jar = jar
        client.csrf_token = token
        return client
