#!/usr/bin/env python3
"""A receiving SMTP peer for Mailward's outbound delivery tests (aiosmtpd on loopback).

    smtp_sink.py OUT_DIR [--mode accept|tempfail|tempfail-first|reject] [--starttls] [--delay SECONDS] [--max-rcpt N]
                 [--auth LOGIN:PASSWORD [--mechanisms PLAIN,LOGIN]] [--cert FILE --key FILE] [--implicit-tls]

Listens on a free port of 127.0.0.1 and writes it to OUT_DIR/port once listening. Every
accepted message becomes OUT_DIR/msg-N.json: {"from", "to", "tls", "data" (base64 of the
bytes received after DATA, dot-unstuffed, CRLF kept)}.
Modes: accept; tempfail (451 at RCPT, always); tempfail-first (451 for the first
transaction, then accept); reject (550 5.1.1 at RCPT).
With --auth the peer is a relay that wants a login first (aiosmtpd's own AUTH, over TLS only,
the mechanisms limited to --mechanisms); each message then records the "login" it came with.
--cert/--key serve that certificate instead of a throw-away self-signed one; --implicit-tls
speaks TLS from the first byte (port 465 style) instead of offering STARTTLS.
"""
import argparse
import asyncio
import base64
import json
import os
import ssl
import subprocess
import tempfile
import threading
import time

from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword


class Sink:
    def __init__(self, out, mode, delay=0.0, max_rcpt=0):
        self.out = out
        self.mode = mode
        self.delay = delay
        self.max_rcpt = max_rcpt
        self.transactions = 0
        self.count = 0

    async def handle_MAIL(self, server, session, envelope, address, mail_options):
        self.transactions += 1
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 2.1.0 OK"

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.mode == "reject":
            return "550 5.1.1 No such user here"
        if self.mode == "tempfail" or (self.mode == "tempfail-first" and self.transactions == 1):
            return "451 4.3.0 Try again later"
        if self.max_rcpt and len(envelope.rcpt_tos) >= self.max_rcpt:
            return "452 4.5.3 Too many recipients"  # RFC 5321 4.5.3.1.10: the rest in the next transaction
        envelope.rcpt_tos.append(address)
        return "250 2.1.5 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.delay:
            await asyncio.sleep(self.delay)  # a slow peer: keeps a queue in flight long enough to crash into
        self.count += 1
        record = {
            "from": envelope.mail_from,
            "to": envelope.rcpt_tos,
            "options": envelope.mail_options,
            # session.ssl is set by STARTTLS only; the transport knows about implicit TLS too.
            "tls": session.ssl is not None or server.transport.get_extra_info("ssl_object") is not None,
            "login": session.auth_data.decode() if session.authenticated and isinstance(session.auth_data, bytes) else None,
            "data": base64.b64encode(envelope.original_content).decode("ascii"),
        }
        path = os.path.join(self.out, "msg-%d.json" % self.count)
        with open(path + ".tmp", "w") as f:
            json.dump(record, f)
        os.rename(path + ".tmp", path)
        return "250 2.0.0 Queued as sink-%d" % self.count


class Authenticator:
    """Accepts exactly one login and password (PLAIN or LOGIN, as aiosmtpd decodes them)."""

    def __init__(self, login, password):
        self.login = login.encode()
        self.password = password.encode()

    def __call__(self, server, session, envelope, mechanism, auth_data):
        ok = isinstance(auth_data, LoginPassword) and auth_data.login == self.login and auth_data.password == self.password
        return AuthResult(success=ok, auth_data=auth_data.login if ok else None)


def tls_context(cert=None, key=None):
    if cert is None:
        folder = tempfile.mkdtemp()
        cert, key = os.path.join(folder, "cert.pem"), os.path.join(folder, "key.pem")
        subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                        "-subj", "/CN=sink.test", "-keyout", key, "-out", cert],
                       check=True, capture_output=True)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    return context


def exit_with_parent():
    """Ends this peer when the test process that started it is gone (even after a crash)."""
    parent = os.getppid()

    def watch():
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(0)

    threading.Thread(target=watch, daemon=True).start()


async def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("out")
    parser.add_argument("--mode", default="accept", choices=["accept", "tempfail", "tempfail-first", "reject"])
    parser.add_argument("--starttls", action="store_true")
    parser.add_argument("--delay", type=float, default=0.0, help="seconds to wait before answering DATA")
    parser.add_argument("--max-rcpt", type=int, default=0, help="recipients per transaction (452 4.5.3 beyond)")
    parser.add_argument("--auth", help="LOGIN:PASSWORD the peer requires before MAIL")
    parser.add_argument("--mechanisms", default="PLAIN,LOGIN", help="SASL mechanisms offered with --auth")
    parser.add_argument("--cert")
    parser.add_argument("--key")
    parser.add_argument("--implicit-tls", action="store_true")
    args = parser.parse_args()
    exit_with_parent()
    sink = Sink(args.out, args.mode, args.delay, args.max_rcpt)
    context = tls_context(args.cert, args.key) if args.starttls or args.implicit_tls else None
    auth = {}
    if args.auth:
        login, password = args.auth.split(":", 1)
        offered = set(args.mechanisms.upper().split(","))
        auth = dict(authenticator=Authenticator(login, password), auth_required=True,
                    # Over implicit TLS the whole session is encrypted; aiosmtpd only knows STARTTLS.
                    auth_require_tls=not args.implicit_tls,
                    auth_exclude_mechanism=[m for m in ("PLAIN", "LOGIN") if m not in offered])
    loop = asyncio.get_running_loop()
    server = await loop.create_server(
        lambda: SMTP(sink, hostname="sink.test", tls_context=None if args.implicit_tls else context,
                     require_starttls=False, enable_SMTPUTF8=True, decode_data=False, **auth),
        "127.0.0.1", 0, ssl=context if args.implicit_tls else None)
    port = server.sockets[0].getsockname()[1]
    with open(os.path.join(args.out, "port.tmp"), "w") as f:
        f.write(str(port))
    os.rename(os.path.join(args.out, "port.tmp"), os.path.join(args.out, "port"))
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    asyncio.run(main())
