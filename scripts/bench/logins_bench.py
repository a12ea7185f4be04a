#!/usr/bin/python3
"""Driver of scripts/bench/logins: a fresh `mailward serve` with N accounts (account passwords, no
phone bound), then (1) five IMAP connections of one account log in at once, twice; (2) every
account logs in and out `--reconnects` times, from `--clients` parallel clients. Prints wall
times, sign-ins per second and the server's CPU per sign-in (scrypt dominates a first check)."""
import argparse
import os
import shutil
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench_servers  # noqa: E402
from imap_client import IMAPConnection  # noqa: E402
from smtp_ingest_bench import cpu_seconds  # noqa: E402

DOMAIN, PASSWORD = "bench.test", "Tea-Garden-42"


def login(port, user):
    connection = IMAPConnection(port)
    connection.login(user, PASSWORD)
    connection.close()


def at_once(port, users):
    """Wall seconds for one LOGIN per entry of `users`, all started together."""
    threads = [threading.Thread(target=login, args=(port, user)) for user in users]
    start = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return time.monotonic() - start


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--bin", required=True)
    parser.add_argument("--accounts", type=int, default=20)
    parser.add_argument("--reconnects", type=int, default=10)
    parser.add_argument("--clients", type=int, default=4)
    args = parser.parse_args()
    work = tempfile.mkdtemp(prefix="mw-logins-", dir="/var/tmp")
    users = [f"user{n}@{DOMAIN}" for n in range(args.accounts)]
    server = bench_servers.Mailward(args.bin, work, DOMAIN, [(user, PASSWORD) for user in users])
    try:
        port = server.imap_port
        for round_name in ["first time", "again"]:
            seconds = at_once(port, [users[0]] * 5)
            print(f"5 connections of one account at once ({round_name}): {1000 * seconds:.0f} ms")
        queue = [user for _ in range(args.reconnects) for user in users]
        lock = threading.Lock()

        def worker():
            while True:
                with lock:
                    if not queue:
                        return
                    user = queue.pop()
                login(port, user)

        cpu_before = cpu_seconds(server.pid)
        count = len(queue)
        start = time.monotonic()
        workers = [threading.Thread(target=worker) for _ in range(args.clients)]
        for thread in workers:
            thread.start()
        for thread in workers:
            thread.join()
        seconds = time.monotonic() - start
        cpu = cpu_seconds(server.pid) - cpu_before
        print(f"{count} sign-ins of {args.accounts} accounts from {args.clients} clients: {count / seconds:.0f}/s, "
              f"server CPU {1000 * cpu / count:.1f} ms per sign-in")
    finally:
        server.stop()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
