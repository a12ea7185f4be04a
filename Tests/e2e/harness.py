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


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class ApiError(Exception):
    def __init__(self, status, body):
        super().__init__(f"HTTP {status}: {body}")
        self.status, self.body = status, body


class Mailward:
    """`mailward serve --demo` in a fresh data folder; `passwords` has the demo users' passwords."""

    def __init__(self, name):
        self.data = tempfile.mkdtemp(prefix=f"mailward-{name}-e2e-")
        self.port = free_port()
        self.ports = {key: free_port() for key in PORT_KEYS}
        self.log_path = os.path.join(self.data, "server.log")
        self.process = None

    def start(self):
        env = dict(os.environ, MAILWARD_HTTP_PORT=str(self.port))
        env.update({"MAILWARD_" + key: str(port) for key, port in self.ports.items()})
        self.log = open(self.log_path, "w")
        self.process = subprocess.Popen([BIN, "serve", "--demo", "--data", self.data], stdout=self.log,
                                        stderr=subprocess.STDOUT, env=env)
        deadline = time.time() + 60
        while time.time() < deadline:
            text = open(self.log_path, encoding="utf-8").read()
            passwords = dict(re.findall(r"(\w+@demo\.test)\s+password: (\S+)", text))
            lowered = text.lower()
            if len(passwords) >= 3 and all(f"{door} listening" in lowered for door in ("http", "imap", "submission")):
                self.passwords = passwords
                return
            if self.process.poll() is not None:
                break
            time.sleep(0.2)
        raise AssertionError("mailward serve --demo did not come up; log:\n" + open(self.log_path).read())

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=40)
        self.log.close()

    def url(self, path):
        return f"http://127.0.0.1:{self.port}{path}"

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
