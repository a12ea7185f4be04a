#!/usr/bin/env python3
"""COMPRESS=DEFLATE (RFC 4978) as Thunderbird and K-9 Mail use it, with Python's imaplib over
TLS and zlib's raw DEFLATE (the RFC's framing: no zlib header, a sync flush after each write).

Usage: imaplib_compress.py SCENARIO PORT TLS_PORT USER PASSWORD
  session   -- a compressed session: FETCH, a 1 MiB APPEND read back, NOOPs, COMPRESS twice
  hostile   -- a compressed line of 4 MiB (4 KiB on the wire) is refused with BAD, inflated a
               part at a time so memory stays bounded; bytes that are not DEFLATE end the
               connection; the server still serves the next client
Exits 0 when every check holds; prints what failed otherwise. Run by IMAPServerTests.
"""
import imaplib
import sys
import zlib

from imap_checks import check, ok, tls_context

scenario, port, tls_port, user, password = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4], sys.argv[5]


class CompressingIMAP(imaplib.IMAP4_SSL):
    """imaplib over TLS that can turn on COMPRESS DEFLATE: once on, what it sends is deflated
    and flushed, what it reads is inflated."""

    deflater = None

    def compress(self):
        typ, data = self._simple_command("COMPRESS", "DEFLATE")
        if typ == "OK":
            self.deflater = zlib.compressobj(6, zlib.DEFLATED, -15)
            self.inflater = zlib.decompressobj(-15)
            self.inflated = b""
        return typ, data

    def send(self, data):
        if self.deflater:
            data = self.deflater.compress(data) + self.deflater.flush(zlib.Z_SYNC_FLUSH)
        super().send(data)

    def _fill(self):
        chunk = self.sock.recv(65536)
        if not chunk:
            raise imaplib.IMAP4.abort("connection closed")
        self.inflated += self.inflater.decompress(chunk)

    def readline(self):
        if not self.deflater:
            return super().readline()
        while b"\n" not in self.inflated:
            self._fill()
        end = self.inflated.index(b"\n") + 1
        line, self.inflated = self.inflated[:end], self.inflated[end:]
        return line

    def read(self, size):
        if not self.deflater:
            return super().read(size)
        while len(self.inflated) < size:
            self._fill()
        data, self.inflated = self.inflated[:size], self.inflated[size:]
        return data


imaplib.Commands.setdefault("COMPRESS", ("AUTH", "SELECTED"))


def signed_in():
    m = CompressingIMAP("127.0.0.1", tls_port, ssl_context=tls_context())
    check("COMPRESS=DEFLATE" not in m.capabilities, f"COMPRESS offered before login: {m.capabilities}")
    ok(m.login(user, password), "LOGIN")
    caps = ok(m.capability(), "CAPABILITY")[0].decode().split()
    check("COMPRESS=DEFLATE" in caps, f"COMPRESS=DEFLATE after login: {caps}")
    return m


def session():
    m = signed_in()
    ok(m.compress(), "COMPRESS DEFLATE")
    caps = ok(m.capability(), "CAPABILITY (compressed)")[0].decode().split()
    check("COMPRESS=DEFLATE" not in caps, f"COMPRESS offered again: {caps}")
    typ, data = m.compress()
    check(typ == "NO" and b"COMPRESSIONACTIVE" in data[0], f"second COMPRESS: {typ} {data}")
    ok(m.select("INBOX"), "SELECT")
    data = ok(m.fetch("1:*", "(BODY.PEEK[HEADER.FIELDS (SUBJECT)])"), "FETCH")
    subjects = [part[1].decode().strip() for part in data if isinstance(part, tuple)]
    check(subjects == ["Subject: First", "Subject: Second"], f"subjects: {subjects}")
    # A large message both ways: its literal compressed in, its bytes compressed out.
    body = "".join(f"line {n} of a long report, with some words that repeat\r\n" for n in range(20000))
    big = (f"From: Wang <wang@example.org>\r\nTo: {user}\r\nSubject: Big\r\n\r\n{body}").encode()
    ok(m.append("INBOX", None, None, big), "APPEND 1 MiB")
    data = ok(m.fetch("3", "(BODY.PEEK[])"), "FETCH the big one")
    check(data[0][1] == big, f"big message back: {len(data[0][1])} bytes of {len(big)}")
    for n in range(50):
        ok(m.noop(), f"NOOP {n}")
    m.logout()


def hostile():
    m = signed_in()
    ok(m.compress(), "COMPRESS DEFLATE")
    # One line of 4 MiB (64 times the limit) with no end, about 4 KiB once compressed.
    m.send(b"a1 NOOP " + b"x" * (4 * 1024 * 1024))
    try:
        reply = m.readline()
    except (imaplib.IMAP4.abort, OSError) as error:
        reply = str(error).encode()
    check(reply.startswith(b"a1 BAD Line too long"), f"4 MiB line: {reply[:200]}")
    m.shutdown()

    m = signed_in()
    ok(m.compress(), "COMPRESS DEFLATE")
    m.sock.sendall(b"\xff\xff\xff\xff not deflate at all\r\n")
    try:
        line = m.readline()
        check(line == b"", f"garbage answered: {line}")
    except (imaplib.IMAP4.abort, OSError):
        pass
    m.shutdown()

    # The server is fine: a plain session goes on.
    m = signed_in()
    ok(m.select("INBOX"), "SELECT after the hostile ones")
    m.logout()


{"session": session, "hostile": hostile}[scenario]()
print("OK", scenario)
