#!/usr/bin/env python3
"""HAProxy (Debian's haproxy) in front of Mailward's MX and IMAP doors, the way a multi-node
installation runs it: `send-proxy` (PROXY protocol v1) to the MX door, `send-proxy-v2` to IMAP.
Started by ProxyProtocolTests as `python3 haproxy_front.py SMTP_PORT IMAP_PORT PASSWORD`: writes a
private configuration, starts haproxy in the foreground, sends one message with smtplib and signs
in with imaplib — both from the source address 127.0.0.3, so that the server can only know it
from HAProxy's header — then stops haproxy and prints "haproxy-ok"."""
import imaplib
import os
import shutil
import smtplib
import socket
import subprocess
import sys
import tempfile
import time

from harness import free_ports

smtp_port, imap_port, password = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
CLIENT = "127.0.0.3"


def wait_for(port):
    for _ in range(200):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.05)
    raise SystemExit(f"haproxy does not listen on {port}")


class FromClientAddress(imaplib.IMAP4):
    """imaplib connecting from CLIENT (it has no source-address argument of its own)."""

    def _create_socket(self, timeout):
        return socket.create_connection((self.host, self.port), timeout, source_address=(CLIENT, 0))


haproxy = shutil.which("haproxy") or "/usr/sbin/haproxy"
work = tempfile.mkdtemp(prefix="mailward-haproxy-")
front_smtp, front_imap = free_ports(2)
config = os.path.join(work, "haproxy.cfg")
with open(config, "w") as f:
    f.write(f"""global
    log stderr format short local0 warning
defaults
    mode tcp
    timeout connect 5s
    timeout client 60s
    timeout server 60s
frontend smtp
    bind 127.0.0.1:{front_smtp}
    default_backend mailward_smtp
backend mailward_smtp
    server mx 127.0.0.1:{smtp_port} send-proxy
frontend imap
    bind 127.0.0.1:{front_imap}
    default_backend mailward_imap
backend mailward_imap
    server imap 127.0.0.1:{imap_port} send-proxy-v2
""")
process = subprocess.Popen([haproxy, "-f", config, "-db"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
try:
    wait_for(front_smtp)
    wait_for(front_imap)
    with smtplib.SMTP("127.0.0.1", front_smtp, timeout=20, source_address=(CLIENT, 0)) as s:
        s.ehlo("relay.example")
        refused = s.sendmail("carol@elsewhere.test", ["alice@example.test"],
                             b"From: carol@elsewhere.test\r\nSubject: through haproxy\r\n\r\nbody\r\n")
        assert refused == {}, refused
    imap = FromClientAddress("127.0.0.1", front_imap, timeout=20)
    typ, _ = imap.login("alice@example.test", password)
    assert typ == "OK", typ
    typ, data = imap.select("INBOX")
    assert typ == "OK" and int(data[0]) == 1, data
    imap.logout()
finally:
    process.kill()
    log = process.communicate()[0].decode(errors="replace")
    if log.strip():
        print(log, file=sys.stderr)
    shutil.rmtree(work, ignore_errors=True)
print("haproxy-ok")
