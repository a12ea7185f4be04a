#!/usr/bin/python3
"""The shared-mailbox permission matrix (issue 8, SPEC section S) through every door.

One table — SPEC's — and one loop: for each permission × each action × each door the grantee
tries the action on a fresh message of the shared mailbox, and the owner's side is then checked
independently (through the owner's own API session) to see whether it happened. A cell passes when
an allowed action took effect, and when a refused action was refused the way the door refuses
(API 403, IMAP `NO [NOPERM]`, SMTP `550 5.7.1`, webmail: the button is absent and the form's direct
POST is refused) and changed nothing. A failing cell names its door, permission and action.

Doors: the JSON API (urllib), IMAP (Python imaplib), SMTP submission (Python smtplib), the
webmail pages (headless Chromium through Selenium). Starts `mailward serve --demo` on free ports:
office@demo.test is the shared mailbox, alice its grantee, bob an outside recipient.

Run: /usr/bin/python3 Tests/e2e/shared_matrix_test.py   (MAILWARD_BIN overrides the binary)
"""
import email
import email.policy
import imaplib
import os
import smtplib
import sys
import traceback
import uuid

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import ApiError, Mailward  # noqa: E402

OWNER, GRANTEE, OUTSIDER = "office@demo.test", "alice@demo.test", "bob@demo.test"
PERMISSIONS = ["read_only", "send_on_behalf", "send_as"]

# SPEC section S, row by row. "delete" also stands for expunge; "move" and "flag" (other flags)
# follow the delete row; "send" is forward / reply / compose from the shared address.
TABLE = {
    "view":          {"read_only": True,  "send_on_behalf": True,  "send_as": True},
    "change_unread": {"read_only": False, "send_on_behalf": False, "send_as": True},
    "flag":          {"read_only": False, "send_on_behalf": False, "send_as": True},
    "delete":        {"read_only": False, "send_on_behalf": False, "send_as": True},
    "move":          {"read_only": False, "send_on_behalf": False, "send_as": True},
    "send":          {"read_only": False, "send_on_behalf": True,  "send_as": True},
}


class Refused(Exception):
    """The door refused the action the way it should (a 403, NO [NOPERM], 550 5.7.1...)."""


class Cell:
    """One fresh message in the owner's INBOX and the owner's independent view of it."""

    def __init__(self, world, door, permission, action):
        self.world, self.door, self.permission, self.action = world, door, permission, action
        self.token = f"cell-{door}-{permission}-{action}-{uuid.uuid4().hex[:8]}"
        world.deliver(OWNER, self.token)

    def owner_copy(self):
        """The message as the owner sees it in INBOX, or None when it is no longer there."""
        return self.world.find(self.world.owner_api, self.world.owner_inbox, self.token)


class World:
    def __init__(self, server):
        self.server = server
        self.owner_api = server.api_client(OWNER)
        self.grantee_api = server.api_client(GRANTEE)
        self.outsider_api = server.api_client(OUTSIDER)
        boxes = self.owner_api("GET", "/mailboxes")
        self.owner_api("POST", "/mailboxes", {"name": "Projects"})
        self.owner_inbox = next(b["id"] for b in boxes if b.get("special_use") == "inbox")
        share = self.owner_api("POST", "/shares", {"grantee": GRANTEE, "permission": "read_only"})
        self.share_id = share["id"]

    def grant(self, permission):
        self.permission = permission
        self.owner_api("PATCH", f"/shares/{self.share_id}", {"permission": permission})

    def deliver(self, to, token):
        with smtplib.SMTP("127.0.0.1", self.server.ports["SMTP_PORT"], timeout=20) as smtp:
            smtp.sendmail("sender@example.org", [to],
                          f"From: sender@example.org\r\nTo: {to}\r\nSubject: {token}\r\n\r\nbody {token}\r\n".encode())

    @staticmethod
    def find(api, mailbox_id, token):
        listing = api("GET", f"/mailboxes/{mailbox_id}/messages?limit=200")
        return next((m for m in listing["messages"] if m["subject"] == token), None)

    def received_by_outsider(self, token):
        """The raw headers of the message with `token` in bob's INBOX (None when it never came)."""
        imap = imaplib.IMAP4("127.0.0.1", self.server.ports["IMAP_PORT"])
        try:
            imap.login(OUTSIDER, self.server.passwords[OUTSIDER])
            imap.select("INBOX", readonly=True)
            _, data = imap.uid("SEARCH", None, "SUBJECT", f'"{token}"')
            uids = data[0].split()
            if not uids:
                return None
            _, fetched = imap.uid("FETCH", uids[-1], "(BODY.PEEK[HEADER])")
            return email.message_from_bytes(fetched[0][1], policy=email.policy.default)
        finally:
            imap.logout()


# ---------------------------------------------------------------------------------------------
# The doors. Each `act_<action>` performs the action as the grantee and raises Refused when the
# door refuses it (any other outcome of a refusal is a failure of the cell).

class ApiDoor:
    name = "api"

    def __init__(self, world):
        self.world = world
        self.api = world.grantee_api

    def shared_boxes(self):
        return self.api("GET", "/mailboxes?account=" + OWNER)

    def message(self, cell):
        inbox = next(b["id"] for b in self.shared_boxes() if b.get("special_use") == "inbox")
        found = self.world.find(self.api, inbox, cell.token)
        assert found is not None, "the grantee does not see the message in the shared INBOX"
        return found["id"]

    def call(self, method, path, body=None):
        try:
            return self.api(method, path, body)
        except ApiError as error:
            if error.status == 403:
                raise Refused(error.body)
            raise

    def act_view(self, cell):
        body = self.call("GET", f"/messages/{self.message(cell)}")
        assert cell.token in (body.get("text") or ""), "the message text is not shown"

    def act_change_unread(self, cell):
        self.call("PATCH", f"/messages/{self.message(cell)}", {"seen": True})

    def act_flag(self, cell):
        self.call("PATCH", f"/messages/{self.message(cell)}", {"flagged": True})

    def act_delete(self, cell):
        self.call("DELETE", f"/messages/{self.message(cell)}")

    def act_move(self, cell):
        projects = next(b["id"] for b in self.shared_boxes() if b["name"] == "Projects")
        self.call("POST", f"/messages/{self.message(cell)}/move", {"mailbox_id": projects})

    def act_send(self, cell):
        self.call("POST", "/messages/send", {"from": OWNER, "to": [OUTSIDER], "subject": cell.token, "text": "sent"})


class ImapDoor:
    name = "imap"
    shared_inbox = f'"Shared/{OWNER}/INBOX"'

    def __init__(self, world):
        self.world = world

    def session(self, cell):
        imap = imaplib.IMAP4("127.0.0.1", self.world.server.ports["IMAP_PORT"])
        imap.login(GRANTEE, self.world.server.passwords[GRANTEE])
        # Only send as may change the mailbox: the others get it [READ-ONLY] (which imaplib
        # refuses to SELECT read-write), so they EXAMINE — as a real client would.
        read_only = self.world.permission != "send_as"
        status, _ = imap.select(self.shared_inbox, readonly=read_only)
        assert status == "OK", f"SELECT {self.shared_inbox} failed"
        _, data = imap.uid("SEARCH", None, "SUBJECT", f'"{cell.token}"')
        uids = data[0].split()
        assert len(uids) == 1, "the grantee does not see the message in the shared INBOX"
        return imap, uids[0].decode()

    @staticmethod
    def expect_ok(result):
        status, data = result
        if status == "OK":
            return data
        text = b" ".join(d for d in data if isinstance(d, bytes)).decode(errors="replace")
        if "[NOPERM]" in text:
            raise Refused(text)
        raise AssertionError(f"{status} without [NOPERM]: {text}")

    def run(self, cell, *command):
        imap, uid = self.session(cell)
        try:
            try:
                return self.expect_ok(imap.uid(*[uid if part == "UID" else part for part in command]))
            except imaplib.IMAP4.error as error:  # imaplib raises on NO for some commands
                if "[NOPERM]" in str(error):
                    raise Refused(str(error))
                raise
        finally:
            imap.logout()

    def act_view(self, cell):
        data = self.run(cell, "FETCH", "UID", "(BODY[])")
        assert any(isinstance(part, tuple) and cell.token.encode() in part[1] for part in data), "no body"

    def act_change_unread(self, cell):
        self.run(cell, "STORE", "UID", "+FLAGS", "(\\Seen)")

    def act_flag(self, cell):
        self.run(cell, "STORE", "UID", "+FLAGS", "(\\Flagged)")

    def act_delete(self, cell):
        imap, uid = self.session(cell)
        try:
            self.expect_ok(imap.uid("STORE", uid, "+FLAGS", "(\\Deleted)"))
            self.expect_ok(imap.expunge())
        finally:
            imap.logout()

    def act_move(self, cell):
        self.run(cell, "MOVE", "UID", f'"Shared/{OWNER}/Projects"')


class SmtpDoor:
    name = "smtp"

    def __init__(self, world):
        self.world = world

    def act_send(self, cell):
        message = f"From: {OWNER}\r\nTo: {OUTSIDER}\r\nSubject: {cell.token}\r\nSender: forged@example.org\r\n\r\nsent\r\n"
        with smtplib.SMTP("127.0.0.1", self.world.server.ports["SMTP_SUBMISSION_PORT"], timeout=20) as smtp:
            smtp.login(GRANTEE, self.world.server.passwords[GRANTEE])
            try:
                smtp.sendmail(OWNER, [OUTSIDER], message.encode())
            except smtplib.SMTPSenderRefused as error:
                if error.smtp_code == 550 and b"5.7.1" in error.smtp_error:
                    raise Refused(error.smtp_error.decode())
                raise


# ---------------------------------------------------------------------------------------------
# What "it happened" means, seen from the owner's side (and bob's for sending).

def verify(world, cell, allowed, refused):
    copy = cell.owner_copy()
    action, permission = cell.action, cell.permission
    if action == "view":
        assert not refused, "viewing was refused"
        assert copy is not None
        if permission in ("read_only", "send_on_behalf"):
            assert not copy["seen"], "reading as a grantee without the unread right marked it read for the owner"
        return
    if not allowed:
        assert refused, "the door did not refuse"
        assert copy is not None, "a refused action removed the message"
        assert not copy["seen"] and not copy["flagged"], "a refused action changed the owner's flags"
        if action == "send":
            assert world.received_by_outsider(cell.token) is None, "a refused send was delivered"
        return
    assert not refused, "the door refused an allowed action"
    if action == "change_unread":
        assert copy is not None and copy["seen"], "the message is not marked read for the owner"
    elif action == "flag":
        assert copy is not None and copy["flagged"], "the flag is not set"
    elif action in ("delete", "move"):
        assert copy is None, "the message is still in the owner's INBOX"
        if action == "move":
            projects = next(b["id"] for b in world.owner_api("GET", "/mailboxes") if b["name"] == "Projects")
            assert world.find(world.owner_api, projects, cell.token) is not None, "not in the owner's Projects"
    elif action == "send":
        received = world.received_by_outsider(cell.token)
        assert received is not None, "the recipient never got it"
        assert OWNER in str(received["From"]), f"From is {received['From']}"
        sender = received["Sender"]
        if permission == "send_on_behalf":
            assert sender is not None and GRANTEE in str(sender), f"on behalf needs Sender: {GRANTEE}, got {sender}"
        else:
            assert sender is None, f"send as must have no Sender:, got {sender}"


def main():
    server = Mailward("matrix")
    server.start()
    results = []
    try:
        world = World(server)
        doors = [ApiDoor(world), ImapDoor(world), SmtpDoor(world)]
        try:
            from webmail_door import WebmailDoor  # the browser cells (needs Selenium + Chromium)
            doors.append(WebmailDoor(world, server))
        except ImportError as error:
            print(f"shared_matrix_test: webmail door unavailable: {error}")
        for permission in PERMISSIONS:
            world.grant(permission)
            for action, row in TABLE.items():
                for door in doors:
                    act = getattr(door, "act_" + action, None)
                    if act is None:
                        continue  # e.g. IMAP has no sending, SMTP no flags
                    cell = Cell(world, door.name, permission, action)
                    allowed = row[permission]
                    refused = False
                    try:
                        try:
                            act(cell)
                        except Refused:
                            refused = True
                        verify(world, cell, allowed, refused)
                        results.append((door.name, permission, action, allowed, None))
                    except Exception as error:  # noqa: BLE001 - every failure becomes a named cell
                        detail = f"{type(error).__name__}: {error}"
                        if not isinstance(error, AssertionError):
                            detail += "\n" + traceback.format_exc()
                        results.append((door.name, permission, action, allowed, detail))
        for door in doors:
            if hasattr(door, "close"):
                door.close()
    finally:
        server.stop()

    failures = [r for r in results if r[4]]
    print(f"{'door':8} {'permission':15} {'action':14} expected  result")
    for door, permission, action, allowed, failure in results:
        print(f"{door:8} {permission:15} {action:14} {'allowed ' if allowed else 'refused '}  {'FAIL' if failure else 'ok'}")
    for door, permission, action, allowed, failure in failures:
        print(f"\nFAILED cell door={door} permission={permission} action={action} "
              f"(expected {'allowed' if allowed else 'refused'}): {failure}")
    print(f"\n{len(results) - len(failures)} of {len(results)} cells pass")
    if failures:
        print("server log:", server.log_path)
        sys.exit(1)


if __name__ == "__main__":
    main()
