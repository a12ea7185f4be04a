#!/usr/bin/env python3
"""Scripted sessions of Python's imaplib that follow what common clients do.

Usage: imaplib_clients.py SCENARIO PORT TLS_PORT USER PASSWORD
Exits 0 when every check holds; prints what failed otherwise. Run by IMAPServerTests.
"""
import imaplib
import os
import re
import socket
import ssl
import sys
import time

from imap_checks import check, ok, tls_context

imaplib.Commands.setdefault("ID", ("NONAUTH", "AUTH", "SELECTED"))
scenario, port, tls_port, user, password = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4], sys.argv[5]


def message(subject, body="Hello from imaplib"):
    return (f"From: Wang <wang@example.org>\r\nTo: {user}\r\nSubject: {subject}\r\n"
            f"Date: Mon, 2 Nov 2026 10:00:00 +0800\r\n\r\n{body}\r\n").encode()


def foxmail():
    """ID + LOGIN + LIST + SELECT + UID FETCH 1:* (UID FLAGS RFC822.SIZE), over implicit TLS."""
    m = imaplib.IMAP4_SSL("127.0.0.1", tls_port, ssl_context=tls_context())
    check("ID" in m.capabilities, "ID capability")
    typ, data = m._simple_command("ID", '("name" "Foxmail" "version" "7.2.25" "vendor" "Tencent")')
    check(typ == "OK", f"ID: {typ}")
    ok(m.login(user, password), "LOGIN")
    folders = ok(m.list('""', "*"), "LIST")
    names = [f.decode() for f in folders]
    check(any(n.endswith(' INBOX') for n in names), f"INBOX listed: {names}")
    check(any("\\Sent" in n for n in names), f"Sent special-use: {names}")
    data = ok(m.select("INBOX"), "SELECT")
    count = int(data[0])
    check(count == 2, f"2 messages, got {count}")
    data = ok(m.uid("FETCH", "1:*", "(UID FLAGS RFC822.SIZE)"), "UID FETCH")
    check(len(data) == 2, f"two FETCH lines: {data}")
    check(all(re.search(rb"UID \d+ FLAGS \(.*\) RFC822.SIZE \d+", d) for d in data), f"fetch items: {data}")
    typ, data = m.uid("FETCH", "1", "(BODY.PEEK[])")
    check(typ == "OK" and b"Subject: First" in data[0][1], f"BODY.PEEK[]: {data}")
    m.logout()


def iphone_idle():
    """SELECT, IDLE, and a message appended by another connection wakes it (STARTTLS connection)."""
    m = imaplib.IMAP4("127.0.0.1", port)
    m.starttls(ssl_context=tls_context())
    ok(m.login(user, password), "LOGIN")
    ok(m.select("INBOX"), "SELECT")
    tag = m._new_tag()
    m.send(tag + b" IDLE\r\n")
    line = m.readline()
    check(line.startswith(b"+"), f"IDLE continuation: {line}")
    other = imaplib.IMAP4("127.0.0.1", port)
    ok(other.login(user, password), "LOGIN 2")
    ok(other.append("INBOX", None, None, message("Pushed")), "APPEND from another connection")
    other.logout()
    m.sock.settimeout(10)
    line = m.readline()
    check(re.match(rb"\* 3 EXISTS", line), f"EXISTS while idling: {line}")
    line = m.readline()
    check(re.match(rb"\* 3 RECENT", line), f"the idling session takes the new message as \\Recent: {line}")
    m.send(b"DONE\r\n")
    line = m.readline()
    check(line.startswith(tag + b" OK"), f"IDLE ends: {line}")
    m.logout()


def outlook_search():
    """UID SEARCH by flags, text and dates; STORE; EXPUNGE."""
    m = imaplib.IMAP4("127.0.0.1", port)
    ok(m.login(user, password), "LOGIN")
    ok(m.select("INBOX"), "SELECT")
    data = ok(m.uid("SEARCH", None, "UNDELETED"), "UID SEARCH UNDELETED")
    uids = data[0].split()
    check(len(uids) == 2, f"two UIDs: {data}")
    data = ok(m.uid("SEARCH", "CHARSET", "UTF-8", "SUBJECT", "Second"), "UID SEARCH SUBJECT")
    check(data[0].split() == [uids[1]], f"SUBJECT Second: {data}")
    data = ok(m.uid("SEARCH", None, "SINCE", "1-Jan-2000", "UNSEEN"), "UID SEARCH SINCE UNSEEN")
    check(len(data[0].split()) == 2, f"SINCE: {data}")
    ok(m.uid("STORE", uids[0], "+FLAGS", "(\\Seen)"), "UID STORE")
    data = ok(m.uid("SEARCH", None, "SEEN"), "UID SEARCH SEEN")
    check(data[0].split() == [uids[0]], f"SEEN: {data}")
    data = ok(m.uid("SEARCH", None, "OR", "FROM", "wang", "BODY", "nothing-like-this"), "OR search")
    check(len(data[0].split()) == 2, f"OR: {data}")
    ok(m.uid("STORE", uids[0], "+FLAGS", "(\\Deleted)"), "UID STORE Deleted")
    ok(m.expunge(), "EXPUNGE")
    data = ok(m.uid("SEARCH", None, "ALL"), "UID SEARCH ALL")
    check(data[0].split() == [uids[1]], f"after EXPUNGE: {data}")
    m.logout()


def append_chinese():
    """Chinese folder names (modified UTF-7), APPEND with flags and date, STATUS."""
    m = imaplib.IMAP4("127.0.0.1", port)
    ok(m.login(user, password), "LOGIN")
    name = "&XeVPXA-/&mHl27g-"  # 工作/项目
    ok(m.create(name), "CREATE 工作/项目")
    date = imaplib.Time2Internaldate(time.mktime((2026, 11, 2, 10, 0, 0, 0, 0, -1)))
    data = ok(m.append(name, "(\\Seen $Important)", date, message("报告", "附件见内")), "APPEND")
    check(b"APPENDUID" in data[0], f"APPENDUID: {data}")
    data = ok(m.status(name, "(MESSAGES UNSEEN)"), "STATUS")
    check(b"MESSAGES 1" in data[0] and b"UNSEEN 0" in data[0], f"STATUS: {data}")
    folders = [f.decode() for f in ok(m.list('""', "*"), "LIST")]
    check(any(f.endswith('"/" &XeVPXA-/&mHl27g-') for f in folders), f"listed: {folders}")
    ok(m.select(name), "SELECT 工作/项目")
    data = ok(m.fetch("1", "(FLAGS INTERNALDATE)"), "FETCH")
    check(b"$Important" in data[0] and b"\\Seen" in data[0], f"flags kept: {data}")
    m.logout()


def cached_resync():
    """A client with a cache (QRESYNC, as Thunderbird and iOS Mail use it): it keeps UIDVALIDITY,
    HIGHESTMODSEQ and its UIDs; while it is away another connection reads one message, expunges
    the other and one arrives; one SELECT (QRESYNC ...) tells it all, and expunges come as VANISHED."""
    first = imaplib.IMAP4("127.0.0.1", port)
    check("QRESYNC" in first.capabilities, f"QRESYNC capability: {first.capabilities}")
    ok(first.login(user, password), "LOGIN")
    ok(first.enable("QRESYNC"), "ENABLE QRESYNC")
    ok(first.select("INBOX"), "SELECT")
    uidvalidity = int(first.response("UIDVALIDITY")[1][0])
    modseq = int(first.response("HIGHESTMODSEQ")[1][0])
    uids = ok(first.uid("SEARCH", None, "ALL"), "UID SEARCH")[0].split()
    check(uids == [b"1", b"2"], f"UIDs: {uids}")
    first.logout()

    other = imaplib.IMAP4("127.0.0.1", port)
    ok(other.login(user, password), "LOGIN 2")
    ok(other.select("INBOX"), "SELECT 2")
    ok(other.uid("STORE", "2", "+FLAGS", "(\\Seen)"), "STORE Seen")
    ok(other.uid("STORE", "1", "+FLAGS", "(\\Deleted)"), "STORE Deleted")
    ok(other.expunge(), "EXPUNGE")
    ok(other.append("INBOX", None, None, message("Third")), "APPEND")

    again = imaplib.IMAP4("127.0.0.1", port)
    ok(again.login(user, password), "LOGIN again")
    ok(again.enable("QRESYNC"), "ENABLE QRESYNC again")
    typ, data = again._simple_command("SELECT", f"INBOX (QRESYNC ({uidvalidity} {modseq} 1:2))")
    check(typ == "OK", f"SELECT (QRESYNC): {typ} {data}")
    again.state = "SELECTED"  # what imaplib's select() sets; it has no way to send the parameter
    vanished = again.response("VANISHED")[1]
    check(vanished == [b"(EARLIER) 1"], f"VANISHED (EARLIER): {vanished}")
    fetches = again.response("FETCH")[1]
    check(len(fetches) == 2, f"two changed: {fetches}")
    check(any(b"UID 2 " in f and b"\\Seen" in f and b"MODSEQ" in f for f in fetches), f"UID 2 read: {fetches}")
    check(any(b"UID 3 " in f for f in fetches), f"UID 3 new: {fetches}")

    ok(other.uid("STORE", "3", "+FLAGS", "(\\Deleted)"), "STORE Deleted 3")
    ok(other.expunge(), "EXPUNGE 3")
    other.logout()
    ok(again.noop(), "NOOP")
    vanished = again.response("VANISHED")[1]
    check(vanished == [b"3"], f"VANISHED at NOOP: {vanished}")
    check(again.response("EXPUNGE")[1] == [None], "no EXPUNGE once QRESYNC is on")
    ok(again.uid("FETCH", "1:*", "(FLAGS)", f"(CHANGEDSINCE {modseq} VANISHED)"), "UID FETCH VANISHED")
    vanished = again.response("VANISHED")[1]
    check(vanished == [b"(EARLIER) 1,3"], f"UID FETCH VANISHED: {vanished}")
    again.logout()


def webmail_sort():
    """SORT and THREAD (RFC 5256) as Roundcube and mutt use them: a folder sorted by date,
    sender, subject and size, with UID SORT and search keys, instead of fetching every envelope;
    then threaded."""
    m = imaplib.IMAP4("127.0.0.1", port)
    ok(m.login(user, password), "LOGIN")
    check("SORT" in m.capabilities and "SORT=DISPLAY" in m.capabilities, f"SORT capability: {m.capabilities}")
    ok(m.create("Sorted"), "CREATE")

    def put(sender, subject, date, body, arrived):
        text = (f"From: {sender}\r\nTo: {user}\r\nSubject: {subject}\r\nDate: {date}\r\n\r\n{body}\r\n").encode()
        when = imaplib.Time2Internaldate(time.mktime((2026, 11, arrived, 10, 0, 0, 0, 0, -1)))
        ok(m.append("Sorted", None, when, text), "APPEND")

    put("Zhao <zhao@example.org>", "Re: [team] budget", "Tue, 3 Nov 2026 09:00:00 +0800", "short", 10)
    put("Yu <an@example.org>", "Agenda", "Sun, 1 Nov 2026 09:00:00 +0800", "x" * 2000, 5)
    put("bai@example.org", "=?UTF-8?B?5Zue5aSNOiBCdWRnZXQ=?=", "Mon, 2 Nov 2026 09:00:00 +0800", "y" * 500, 7)
    ok(m.select("Sorted"), "SELECT")

    def order(criteria, *keys, uid=False):
        if uid:
            data = ok(m.uid("SORT", criteria, "UTF-8", *keys), f"UID SORT {criteria}")
        else:
            data = ok(m.sort(criteria, "UTF-8", *keys), f"SORT {criteria}")
        return data[0].decode().split()

    check(order("(REVERSE DATE)", "ALL") == ["1", "3", "2"], f"REVERSE DATE: {order('(REVERSE DATE)', 'ALL')}")
    check(order("(ARRIVAL)", "ALL") == ["2", "3", "1"], "ARRIVAL")
    check(order("(FROM)", "ALL") == ["2", "3", "1"], "FROM: an, bai, zhao")
    check(order("(DISPLAYFROM)", "ALL") == ["3", "2", "1"], "DISPLAYFROM: bai@…, Yu, Zhao")
    # Base subjects: "budget", "Agenda", "Budget" (回复: removed) — equal ones in mailbox order.
    check(order("(SUBJECT)", "ALL") == ["2", "1", "3"], f"SUBJECT: {order('(SUBJECT)', 'ALL')}")
    check(order("(SUBJECT REVERSE SIZE)", "ALL") == ["2", "3", "1"], "SUBJECT then REVERSE SIZE")
    check(order("(SIZE)", "NOT", "FROM", "zhao") == ["3", "2"], "SIZE of the ones not from zhao")
    uids = order("(ARRIVAL)", "ALL", uid=True)
    check(order("(REVERSE ARRIVAL)", "SUBJECT", "budget", uid=True) == [uids[2], uids[1]], "UID SORT with a search key")
    check(order("(DATE)", "FROM", "nobody") == [], "no match: an empty SORT")
    typ, data = m.sort("(DATE)", "KOI8-R", "ALL")
    check(typ == "NO" and b"BADCHARSET" in data[0], f"unknown charset: {typ} {data}")

    # ESORT (RFC 5267), which Roundcube uses when offered: the answer as ESEARCH, in sort order.
    check("ESORT" in m.capabilities, f"ESORT capability: {m.capabilities}")
    typ, data = m._simple_command("SORT", "RETURN", "(MIN MAX ALL COUNT)", "(SUBJECT)", "UTF-8", "ALL")
    check(typ == "OK", f"SORT RETURN: {typ} {data}")
    esort = m._untagged_response(typ, data, "ESEARCH")[1][0].decode()
    check(esort.endswith(" MIN 2 MAX 3 ALL 2,1,3 COUNT 3"), f"SORT RETURN: {esort}")

    # THREAD (RFC 5256) as Roundcube's threaded list asks for it.
    check("THREAD=REFERENCES" in m.capabilities, f"THREAD capability: {m.capabilities}")
    reply = (f"From: {user}\r\nTo: an@example.org\r\nSubject: Re: Agenda\r\n"
             "Date: Wed, 4 Nov 2026 09:00:00 +0800\r\nMessage-ID: <reply@example.org>\r\n"
             "In-Reply-To: <agenda@example.org>\r\nReferences: <agenda@example.org>\r\n\r\nyes\r\n").encode()
    ok(m.append("Sorted", None, None, reply), "APPEND reply")
    ok(m.select("Sorted"), "SELECT again")
    threads = ok(m.thread("REFERENCES", "UTF-8", "ALL"), "THREAD REFERENCES")[0].decode()
    # The agenda has no Message-ID, so the reply finds it by subject; the two budget messages
    # share a base subject and sit under a missing parent.
    check(threads == "(2 4)((3)(1))", f"THREAD REFERENCES: {threads}")
    ordered = ok(m.thread("ORDEREDSUBJECT", "UTF-8", "ALL"), "THREAD ORDEREDSUBJECT")[0].decode()
    check(ordered == "(2 4)(3 1)", f"THREAD ORDEREDSUBJECT: {ordered}")
    m.logout()


def lingering_tls_logout():
    """A client that answers LOGOUT's BYE with nothing: it neither sends its own close_notify nor
    closes its socket (as some phone clients leave a connection). The server ends the TLS session
    and then closes the connection itself, soon: the socket is not held for long."""
    raw = socket.create_connection(("127.0.0.1", tls_port), timeout=20)
    conn = tls_context().wrap_socket(raw, server_hostname="localhost")
    reader = conn.makefile("rb")
    check(reader.readline().startswith(b"* OK"), "greeting")
    conn.sendall(f"a LOGIN {user} {password}\r\n".encode())
    while not (line := reader.readline()).startswith(b"a "):
        check(line, "LOGIN answer")
    check(line.startswith(b"a OK"), f"LOGIN: {line}")
    conn.sendall(b"b LOGOUT\r\n")
    while not (line := reader.readline()).startswith(b"b "):
        check(line, "LOGOUT answer")
    check(line.startswith(b"b OK"), f"LOGOUT: {line}")
    answered = time.monotonic()
    try:  # the server's close_notify: a clean end of its TLS stream
        check(conn.recv(1) == b"", "nothing after LOGOUT's OK but close_notify")
    except ssl.SSLError as error:
        check(False, f"the server's TLS stream ended uncleanly: {error}")
    # Below TLS, on a second handle of the same socket: wait for the server's FIN without
    # answering its close_notify and without closing.
    below = socket.socket(fileno=os.dup(conn.fileno()))
    below.settimeout(20)
    try:
        tail = below.recv(64)
    except ConnectionResetError:
        tail = b""
    held = time.monotonic() - answered
    check(tail == b"", f"the connection ends, got {tail!r}")
    # NIOSSL's default wait for the client's close_notify was 5 s; the server now waits 1 s.
    check(held < 3.5, f"the server closed the connection {held:.1f} s after LOGOUT's OK")
    below.close()
    conn.close()


{"foxmail": foxmail, "iphone_idle": iphone_idle, "outlook_search": outlook_search,
 "append_chinese": append_chinese, "cached_resync": cached_resync,
 "webmail_sort": webmail_sort, "lingering_tls_logout": lingering_tls_logout}[scenario]()
print("OK", scenario)
