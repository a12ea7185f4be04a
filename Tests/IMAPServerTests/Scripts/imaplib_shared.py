#!/usr/bin/env python3
"""Python's imaplib as a grantee of a shared mailbox, with the owner sharing through SETACL.

Usage: imaplib_shared.py PORT TLS_PORT OWNER GRANTEE PASSWORD
The owner's INBOX holds two unread messages, "Budget" and "Plan". Exits 0 when every check
holds; prints what failed otherwise. Run by IMAPServerTests (RealClientTests).
"""
import imaplib
import sys

from imap_checks import check, ok, tls_context

port, tls_port, owner, grantee, password = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5]
shared_inbox = f'"Shared/{owner}/INBOX"'


def refused(result, code, what):
    typ, data = result
    check(typ == "NO" and code.encode() in data[0], f"{what} refused with {code}: {typ} {data}")


boss = imaplib.IMAP4("127.0.0.1", port)
ok(boss.login(owner, password), "owner LOGIN")
ok(boss.setacl("INBOX", grantee, "lr"), "owner SETACL lr")
acl = ok(boss.getacl("INBOX"), "owner GETACL")
check(f"{grantee} lr".encode() in acl[0], f"GETACL lists the grantee: {acl}")

li = imaplib.IMAP4_SSL("127.0.0.1", tls_port, ssl_context=tls_context())
ok(li.login(grantee, password), "grantee LOGIN")
namespace = ok(li.namespace(), "NAMESPACE")
check(b'(("Shared/" "/"))' in namespace[0], f"shared namespace announced: {namespace}")
folders = [f.decode() for f in ok(li.list('""', '"Shared/*"'), "LIST")]
check(any(f.endswith(f"Shared/{owner}/INBOX") for f in folders), f"shared INBOX listed: {folders}")
check(any("\\Noselect" in f and f.endswith(f"Shared/{owner}") for f in folders), f"owner folder is \\Noselect: {folders}")

# Read only: imaplib's select() insists on a writable mailbox and says so.
try:
    li.select(shared_inbox)
    check(False, "SELECT of a read-only shared mailbox answers [READ-ONLY]")
except li.readonly:
    pass
data = ok(li.select(shared_inbox, readonly=True), "EXAMINE")
check(int(data[0]) == 2, f"two messages: {data}")
rights = ok(li.myrights(shared_inbox), "MYRIGHTS")
check(rights[0].endswith(b" lr"), f"MYRIGHTS lr: {rights}")
data = ok(li.fetch("1", "(BODY[])"), "FETCH BODY[]")
check(b"Subject: Budget" in data[0][1], f"body read: {data}")
data = ok(li.fetch("1", "(FLAGS)"), "FETCH FLAGS")
check(b"\\Seen" not in data[0], f"reading did not mark it read: {data}")
data = ok(boss.select("INBOX", readonly=True), "owner EXAMINE")
data = ok(boss.search(None, "UNSEEN"), "owner SEARCH UNSEEN")
check(data[0] == b"1 2", f"still unread for the owner: {data}")
ok(boss.unselect(), "owner UNSELECT")

# send as: the grantee may flag and mark read once the mailbox is selected read-write.
ok(boss.setacl("INBOX", grantee, "lrswite"), "owner SETACL lrswite")
data = ok(li.select(shared_inbox), "SELECT read-write")
ok(li.store("1", "+FLAGS", "(\\Seen \\Flagged)"), "STORE as send-as grantee")

# Back to read only while selected: the next STORE is refused.
ok(boss.setacl("INBOX", grantee, "lr"), "owner SETACL lr again")
refused(li.store("2", "+FLAGS", "(\\Flagged)"), "[NOPERM]", "STORE after the downgrade")

# Revoked while selected: the next command fails and the mailbox is closed.
ok(boss.deleteacl("INBOX", grantee), "owner DELETEACL")
refused(li.noop(), "[NOPERM]", "NOOP after the revoke")
check("CLOSED" in li.untagged_responses or any(b"[CLOSED]" in r for r in li.untagged_responses.get("OK", [])),
      f"told the mailbox is closed: {li.untagged_responses}")
folders = [f.decode() for f in ok(li.list('""', "*"), "LIST after the revoke")]
check(not any("Shared" in f for f in folders), f"no shared folders any more: {folders}")
li.logout()
boss.logout()
print("OK shared")
