"""Checks and helpers shared by the imaplib scripts: each failed check prints what failed and
exits 1."""
import ssl
import sys


def check(condition, what):
    if not condition:
        print("FAILED:", what)
        sys.exit(1)


def ok(result, what):
    """An imaplib (type, data) answer that must be OK; returns the data."""
    typ, data = result
    check(typ == "OK", f"{what}: {typ} {data}")
    return data


def tls_context():
    """The server's certificate is self-signed: the scripts trust it without checking."""
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    return context
