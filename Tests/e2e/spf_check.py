"""SPF results of pyspf (a third-party implementation of RFC 7208) for the checks the Swift
tests make, asking the tests' private DNS server.

    python3 Tests/e2e/spf_check.py DNS_PORT < cases

Each input line is `ip sender helo` (sender `-` for a bounce's empty MAIL FROM); each output
line is pyspf's result for it (pass, fail, softfail, neutral, none, temperror, permerror)."""
import sys

import dns.resolver
import spf


def main() -> int:
    resolver = dns.resolver.Resolver(configure=False)
    resolver.nameservers = ["127.0.0.1"]
    resolver.port = int(sys.argv[1])
    resolver.timeout = resolver.lifetime = 5
    dns.resolver.default_resolver = resolver
    for line in sys.stdin:
        if not line.strip():
            continue
        ip, sender, helo = line.split()
        result, _ = spf.check2(i=ip, s="" if sender == "-" else sender, h=helo, timeout=10)
        print(result)
    return 0


if __name__ == "__main__":
    sys.exit(main())
