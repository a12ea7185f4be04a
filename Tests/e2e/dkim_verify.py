"""Verifies a message's DKIM-Signature with dkimpy (a third-party verifier), the public key
given on the command line instead of looked up in DNS.

    python3 Tests/e2e/dkim_verify.py MESSAGE_FILE "v=DKIM1; k=rsa; p=..."

Exit status 0 when the signature verifies, 1 when it does not (the reason on stderr)."""
import logging
import sys

import dkim


def main() -> int:
    message = open(sys.argv[1], "rb").read()
    record = sys.argv[2].encode()
    logging.basicConfig(stream=sys.stderr, level=logging.DEBUG)
    ok = dkim.verify(message, logger=logging.getLogger("dkim"), dnsfunc=lambda name, timeout=5: record)
    print("DKIM verified" if ok else "DKIM failed", file=sys.stderr)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
