#!/usr/bin/env python3
"""Reference reading of a MIME message with Python's stdlib `email` package.

Usage: mime_reference.py FILE

Prints JSON: {"subject": ..., "parts": [...]} where each part (depth-first, in the order
`Message.walk()` visits them, which descends into message/rfc822) is
{"content_type", "filename", "is_attachment", "text"}; "text" is the decoded content of
text/* parts (None otherwise). MailwardMIME's tests compare their own reading with this one.
"""
import email
import email.policy
import json
import sys


def text_of(part):
    try:
        content = part.get_content()
        if isinstance(content, str):
            return content
    except Exception:
        pass
    payload = part.get_payload(decode=True) or b""
    charset = part.get_content_charset() or "us-ascii"
    try:
        return payload.decode(charset, errors="replace")
    except LookupError:
        return payload.decode("utf-8", errors="replace")


def main():
    with open(sys.argv[1], "rb") as f:
        msg = email.message_from_binary_file(f, policy=email.policy.default)
    parts = []
    for part in msg.walk():
        ctype = part.get_content_type()
        entry = {"content_type": ctype, "filename": None, "is_attachment": False, "text": None}
        try:
            entry["filename"] = part.get_filename()
        except Exception:
            pass
        try:
            entry["is_attachment"] = part.is_attachment()
        except Exception:
            pass
        if part.get_content_maintype() == "text":
            entry["text"] = text_of(part)
        parts.append(entry)
    try:
        subject = str(msg.get("subject", "") or "")
    except Exception:
        subject = None
    json.dump({"subject": subject, "parts": parts}, sys.stdout, ensure_ascii=False)


if __name__ == "__main__":
    main()
