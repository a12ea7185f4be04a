#!/usr/bin/env python3
"""Python poplib against Mailward's POP3 door: STLS (certificate verified against the server's
self-signed certificate) and implicit TLS; STAT, LIST, UIDL, RETR, TOP, DELE, RSET, QUIT.

Usage: pop3_poplib.py HOST STLS_PORT TLS_PORT USER PASSWORD CERT_FILE
Expects an INBOX of exactly 3 messages, the second containing "Line three".
Exits 0 on success; prints what failed otherwise. Deletes message 1 (committed by QUIT).
"""
import poplib
import ssl
import sys


def check(condition, what):
    if not condition:
        print("FAIL:", what)
        sys.exit(1)


def main():
    host, stls_port, tls_port, user, password, cert = sys.argv[1:7]
    context = ssl.create_default_context(cafile=cert)  # verifies chain and 127.0.0.1 against the SAN

    # --- STLS on the plain port ------------------------------------------------------------
    pop = poplib.POP3(host, int(stls_port), timeout=20)
    check(pop.getwelcome().startswith(b"+OK"), "greeting")
    capa = pop.capa()
    check("STLS" in capa and "UIDL" in capa and "TOP" in capa and "PIPELINING" in capa, f"CAPA before TLS: {capa}")
    pop.stls(context=context)
    capa = pop.capa()
    check("STLS" not in capa and "USER" in capa, f"CAPA after STLS: {capa}")
    pop.user(user)
    pop.pass_(password)
    count, size = pop.stat()
    check(count == 3, f"STAT count {count}")
    resp, listing, _ = pop.list()
    sizes = [int(line.split()[1]) for line in listing]
    check(len(sizes) == 3 and sum(sizes) == size, f"LIST {listing} vs STAT {size}")
    resp, uids, _ = pop.uidl()
    uid_map = dict(line.split() for line in uids)
    check(len(uid_map) == 3, f"UIDL {uids}")
    single = pop.uidl(2).split()
    check(single[0] == b"+OK" and single[2] == uid_map[b"2"], f"UIDL 2 {single}")
    resp, lines, octets = pop.retr(2)
    check(resp.startswith(b"+OK") and b"Line three" in lines, f"RETR 2 {resp} {lines}")
    check(octets - 2 * len(lines) <= sizes[1] <= octets, f"RETR octets {octets} vs LIST {sizes[1]}")
    resp, lines, _ = pop.top(2, 1)
    check(lines[-1] == b"Line one" and b"Line two" not in lines, f"TOP 2 1 {lines}")
    check(pop.dele(1).startswith(b"+OK"), "DELE 1")
    try:
        pop.retr(1)
        check(False, "RETR of a deleted message succeeded")
    except poplib.error_proto as error:
        check(str(error).startswith("b'-ERR"), f"RETR deleted: {error}")
    check(pop.rset().startswith(b"+OK"), "RSET")
    check(pop.stat()[0] == 3, "STAT after RSET")
    check(pop.dele(1).startswith(b"+OK"), "DELE 1 again")
    check(pop.quit().startswith(b"+OK"), "QUIT")

    # --- implicit TLS ----------------------------------------------------------------------
    pop = poplib.POP3_SSL(host, int(tls_port), context=context, timeout=20)
    pop.user(user)
    pop.pass_(password)
    count, _ = pop.stat()
    check(count == 2, f"STAT after DELE+QUIT: {count}")
    resp, uids_after, _ = pop.uidl()
    after = set(line.split()[1] for line in uids_after)
    check(after == {uid_map[b"2"], uid_map[b"3"]}, f"UIDL stable across sessions: {uids_after} vs {uids}")
    try:
        pop.user("again")
        check(False, "USER accepted after login")
    except poplib.error_proto:
        pass
    pop.quit()

    # --- wrong password: -ERR [AUTH] ---------------------------------------------------------
    pop = poplib.POP3_SSL(host, int(tls_port), context=context, timeout=20)
    pop.user(user)
    try:
        pop.pass_(password + "-wrong")
        check(False, "wrong password accepted")
    except poplib.error_proto as error:
        check("[AUTH]" in str(error), f"wrong password answer: {error}")
    pop.quit()
    print("poplib: all checks passed")


if __name__ == "__main__":
    main()
