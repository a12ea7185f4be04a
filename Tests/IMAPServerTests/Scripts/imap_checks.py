"""Checks shared by the imaplib scripts: each failure prints what failed and exits 1."""
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
