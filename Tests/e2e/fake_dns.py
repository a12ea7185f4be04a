#!/usr/bin/env python3
"""A tiny authoritative-looking DNS server for Mailward's resolver tests (UDP and TCP on one
loopback port, written to OUT_DIR/port).

    fake_dns.py OUT_DIR

Zone (answers built by hand, no libraries):
  mx.test          MX 10 mail.mx.test. -- over UDP the answer is truncated (TC=1, no records),
                   so the client must ask again over TCP, which gets the full answer.
  mail.mx.test     A 127.0.0.1
  nomx.test        no MX (NOERROR, empty); A 127.0.0.1
  null.test        MX 0 .  (RFC 7505 null MX)
  spoof.test       A 127.0.0.1, but a reply with a wrong id is sent first
  txt.test         TXT "v=spf1 -all"
  anything else    NXDOMAIN
"""
import os
import socket
import struct
import sys
import threading
import time


def encode_name(name):
    out = b""
    for label in name.rstrip(".").split("."):
        if label:
            out += bytes([len(label)]) + label.encode()
    return out + b"\0"


def parse_question(data):
    qid, flags, qd = struct.unpack(">HHH", data[:6])
    offset, labels = 12, []
    while data[offset] != 0:
        n = data[offset]
        labels.append(data[offset + 1:offset + 1 + n].decode().lower())
        offset += 1 + n
    qtype, _ = struct.unpack(">HH", data[offset + 1:offset + 5])
    return qid, ".".join(labels), qtype, data[12:offset + 5]


def record(rtype, rdata):
    return b"\xc0\x0c" + struct.pack(">HHIH", rtype, 1, 60, len(rdata)) + rdata


def answer(data, transport):
    qid, name, qtype, question = parse_question(data)
    rcode, answers, truncated = 0, [], False
    if name == "mx.test" and qtype == 15:
        if transport == "udp":
            truncated = True
        else:
            answers = [record(15, struct.pack(">H", 10) + encode_name("mail.mx.test"))]
    elif name in ("mail.mx.test", "nomx.test", "spoof.test") and qtype == 1:
        answers = [record(1, socket.inet_aton("127.0.0.1"))]
    elif name in ("mail.mx.test", "nomx.test", "spoof.test", "null.test", "txt.test") or (name == "mx.test"):
        if name == "null.test" and qtype == 15:
            answers = [record(15, b"\x00\x00\x00")]
        elif name == "txt.test" and qtype == 16:
            text = b"v=spf1 -all"
            answers = [record(16, bytes([len(text)]) + text)]
    else:
        rcode = 3
    flags = 0x8180 | rcode | (0x0200 if truncated else 0)
    return struct.pack(">HHHHHH", qid, flags, 1, len(answers), 0, 0) + question + b"".join(answers), name, qid


def serve_udp(sock):
    while True:
        data, peer = sock.recvfrom(4096)
        try:
            reply, name, qid = answer(data, "udp")
        except Exception:
            continue
        if name == "spoof.test":
            sock.sendto(struct.pack(">H", (qid + 1) & 0xFFFF) + reply[2:], peer)
        sock.sendto(reply, peer)


def serve_tcp(listener):
    while True:
        conn, _ = listener.accept()
        try:
            length = struct.unpack(">H", conn.recv(2))[0]
            data = b""
            while len(data) < length:
                data += conn.recv(length - len(data))
            reply, _, _ = answer(data, "tcp")
            conn.sendall(struct.pack(">H", len(reply)) + reply)
        except Exception:
            pass
        finally:
            conn.close()


def exit_with_parent():
    """Ends this peer when the test process that started it is gone (even after a crash)."""
    parent = os.getppid()

    def watch():
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(0)

    threading.Thread(target=watch, daemon=True).start()


def main():
    out = sys.argv[1]
    exit_with_parent()
    for _ in range(50):
        udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        udp.bind(("127.0.0.1", 0))
        port = udp.getsockname()[1]
        tcp = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        tcp.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            tcp.bind(("127.0.0.1", port))
            break
        except OSError:
            udp.close()
            tcp.close()
    tcp.listen(16)
    threading.Thread(target=serve_tcp, args=(tcp,), daemon=True).start()
    with open(os.path.join(out, "port.tmp"), "w") as f:
        f.write(str(port))
    os.rename(os.path.join(out, "port.tmp"), os.path.join(out, "port"))
    serve_udp(udp)


if __name__ == "__main__":
    main()
