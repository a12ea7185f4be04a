#!/usr/bin/python3
"""Driver of scripts/bench/web: starts `mailward serve --demo` on free ports in a temporary data
folder, has bob send alice N messages through the API, signs alice in, then runs wrk against the
list page and the list API with her session cookie and prints one Markdown table row per target."""
import argparse
import datetime
import http.cookiejar
import json
import os
import re
import shutil
import socket
import subprocess
import tempfile
import time
import urllib.request


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def client(base, address, password):
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))

    def call(method, path, body=None, token=None):
        request = urllib.request.Request(base + "/api/v1" + path, method=method,
                                         data=json.dumps(body).encode() if body is not None else None)
        request.add_header("Content-Type", "application/json")
        if token:
            request.add_header("X-CSRF-Token", token)
        with opener.open(request, timeout=30) as response:
            return json.loads(response.read() or b"null")

    token = call("POST", "/session", {"username": address, "password": password})["csrf_token"]
    cookie = next(c for c in jar if c.name == "mw_session")
    return (lambda method, path, body=None: call(method, path, body, token)), f"mw_session={cookie.value}"


def wrk(url, cookie, connections, duration):
    out = subprocess.run(["wrk", "-t2", f"-c{connections}", f"-d{duration}s", "--timeout", "30s", "--latency",
                          "-H", f"Cookie: {cookie}", url],
                         capture_output=True, text=True, check=True).stdout
    p50 = re.search(r"^\s+50%\s+(\S+)", out, re.M).group(1)
    p99 = re.search(r"^\s+99%\s+(\S+)", out, re.M).group(1)
    rps = re.search(r"Requests/sec:\s+(\S+)", out).group(1)
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    socket_errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    failed = (int(errors.group(1)) if errors else 0) + (sum(map(int, socket_errors.groups())) if socket_errors else 0)
    return p50, p99, rps, failed


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--bin", required=True)
    parser.add_argument("--build", default="release")
    parser.add_argument("--connections", type=int, default=100)
    parser.add_argument("--duration", type=int, default=15)
    parser.add_argument("--messages", type=int, default=300)
    args = parser.parse_args()

    data = tempfile.mkdtemp(prefix="mailward-bench-")
    port = free_port()
    env = dict(os.environ, MAILWARD_HTTP_PORT=str(port))
    for key in ["SMTP_PORT", "SMTP_SUBMISSION_PORT", "SMTP_SUBMISSION_TLS_PORT", "IMAP_PORT", "IMAP_TLS_PORT",
                "POP3_PORT", "POP3_TLS_PORT"]:
        env["MAILWARD_" + key] = str(free_port())
    log_path = os.path.join(data, "server.log")
    log = open(log_path, "w")
    server = subprocess.Popen([args.bin, "serve", "--demo", "--data", data], stdout=log, stderr=subprocess.STDOUT, env=env)
    try:
        deadline = time.time() + 60
        passwords = {}
        while time.time() < deadline and len(passwords) < 2:
            passwords = dict(re.findall(r"(\w+@demo\.test)\s+password: (\S+)", open(log_path, encoding="utf-8").read()))
            time.sleep(0.2)
        base = f"http://127.0.0.1:{port}"
        bob, _ = client(base, "bob@demo.test", passwords["bob@demo.test"])
        for n in range(args.messages):
            bob("POST", "/messages/send", {"to": "alice@demo.test", "subject": f"测试邮件 {n} benchmark",
                                           "text": "这是一封用于性能测试的邮件。" * 20})
        alice, cookie = client(base, "alice@demo.test", passwords["alice@demo.test"])
        inbox = next(m["id"] for m in alice("GET", "/mailboxes") if m["name"] == "INBOX")
        targets = [("list page `/mail` (25 a page)", f"{base}/mail"),
                   ("list API `/mailboxes/{inbox}/messages?limit=50`", f"{base}/api/v1/mailboxes/{inbox}/messages?limit=50")]
        print(f"| date | build | target | INBOX | connections | p50 | p99 | requests/s | errors |")
        print("|---|---|---|---|---|---|---|---|---|")
        for name, url in targets:
            p50, p99, rps, errors = wrk(url, cookie, args.connections, args.duration)
            print(f"| {datetime.date.today()} | {args.build} | {name} | {args.messages + 4} | {args.connections} | {p50} | {p99} | {rps} | {errors} |")
    finally:
        server.terminate()
        server.wait(timeout=60)
        log.close()
        shutil.rmtree(data, ignore_errors=True)


if __name__ == "__main__":
    main()
