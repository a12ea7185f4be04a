"""Signs a message with dkimpy (a third-party DKIM signer) for the verifier's tests.

    python3 Tests/e2e/dkim_sign.py KEY_FILE DOMAIN SELECTOR ALGORITHM CANONICALIZATION [LENGTH] < message > signed

ALGORITHM is rsa-sha256 (KEY_FILE a PEM private key) or ed25519-sha256 (KEY_FILE the base64
32-byte seed); CANONICALIZATION is e.g. simple/simple or relaxed/relaxed; LENGTH `yes` adds
an l= tag. Prints the signed message."""
import sys

import dkim


def main() -> int:
    key_file, domain, selector, algorithm, canonicalization = sys.argv[1:6]
    length = len(sys.argv) > 6 and sys.argv[6] == "yes"
    message = sys.stdin.buffer.read()
    header, body = canonicalization.split("/")
    signature = dkim.sign(message, selector.encode(), domain.encode(), open(key_file, "rb").read().strip(),
                          canonicalize=(header.encode(), body.encode()), signature_algorithm=algorithm.encode(),
                          include_headers=[b"from", b"to", b"subject", b"date", b"message-id"], length=length)
    sys.stdout.buffer.write(signature + message)
    return 0


if __name__ == "__main__":
    sys.exit(main())
