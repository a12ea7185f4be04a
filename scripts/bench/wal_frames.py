#!/usr/bin/python3
"""What one delivery writes to SQLite's WAL, B-tree by B-tree (a benchmark aid, not a test).

Copies a Mailward database (one left by `scripts/bench/smtp-ingest --only mailward --keep`, which
holds the bench account's INBOX), then replays the statements of a delivery's transaction
(`SQLiteStore.insertCopies` with the `messages_inserted` trigger, as of the twenty-fourth
session's main) for N messages of 10 KB, five per transaction like the group commit under
20 sessions, with automatic checkpoints off. It reads the WAL's frame headers, maps each page
number to the table or index that owns it (`dbstat`), and prints frames per message by B-tree,
the process's CPU per message and what the checkpoint then costs.

Variants, to weigh a change of the storage layout before making it (`--variants a,b,...`):
  current   the schema as it is;
  intref    `messages.blob_id` names the body's `blobs.rowid` (an integer, in insert order)
            instead of its 64-character hash, so the trigger and `messages_blob` stop touching a
            random leaf per message;
  nobody    the body is not in the row (as if written to a file elsewhere).
The CPU includes Python's own work per statement: only differences between variants count, and
only within one run (the machine's speed moves from hour to hour).

  /usr/bin/python3 scripts/bench/wal_frames.py /var/tmp/mailward-ingest-mailward-*/mailward/mailward.sqlite
"""
import argparse
import collections
import hashlib
import json
import os
import resource
import sqlite3
import struct
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench_servers  # noqa: E402

PER_TRANSACTION = 5
BODY = (b"0123456789abcdef" * 640)  # 10 240 bytes
SUMMARY = json.dumps({"subject": "s" * 40, "fromAddress": "sender@example.org", "to": "bench@bench.test",
                      "preview": "p" * 200, "hasAttachments": False})


def cpu_seconds():
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def wal_pages(path):
    """Page numbers of the WAL's frames, in order."""
    with open(path + "-wal", "rb") as wal:
        data = wal.read()
    page_size = struct.unpack(">I", data[8:12])[0]
    pages, offset = [], 32
    while offset + 24 + page_size <= len(data):
        pages.append(struct.unpack(">I", data[offset:offset + 4])[0])
        offset += 24 + page_size
    return pages


def replay(source, variant, count, folder):
    path = os.path.join(folder, f"{variant}.sqlite")
    with sqlite3.connect(source) as original, sqlite3.connect(path) as copy:
        original.backup(copy)
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA journal_mode = WAL")
    db.execute("PRAGMA synchronous = FULL")
    db.execute("PRAGMA wal_autocheckpoint = 0")
    db.execute("PRAGMA temp_store = MEMORY")  # as InsertBatcher does for its groups
    if variant == "intref":
        db.execute("DROP TRIGGER messages_inserted")
        db.execute("""CREATE TRIGGER messages_inserted AFTER INSERT ON messages BEGIN
                          UPDATE blobs SET refcount = refcount + 1 WHERE rowid = NEW.blob_id;
                          UPDATE quotas SET used_bytes = used_bytes + NEW.size WHERE account_id = NEW.account_id;
                      END""")
    mailbox, account = db.execute(
        "SELECT id, account_id FROM mailboxes WHERE name = 'INBOX' ORDER BY id DESC LIMIT 1").fetchone()
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    body = None if variant == "nobody" else BODY
    start = cpu_seconds()
    for group in range(count // PER_TRANSACTION):
        db.execute("BEGIN IMMEDIATE")
        for k in range(PER_TRANSACTION):
            blob = hashlib.sha256(b"%s-%d" % (variant.encode(), group * PER_TRANSACTION + k)).hexdigest()
            db.execute("SAVEPOINT delivery")
            db.execute("SELECT account_id FROM mailboxes WHERE id = ?", (mailbox,)).fetchone()
            db.execute("SELECT limit_bytes, used_bytes FROM quotas WHERE account_id = ?", (account,)).fetchone()
            db.execute("INSERT INTO blobs (id, size, refcount, summary, parsed, body) VALUES (?, ?, 0, ?, '', ?) "
                       "ON CONFLICT (id) DO NOTHING", (blob, len(BODY), SUMMARY, body))
            rowid = db.execute("SELECT last_insert_rowid()").fetchone()[0]
            db.execute("INSERT INTO blob_text_pending (rowid) VALUES (?)", (rowid,))
            uid, modseq = db.execute(
                "UPDATE mailboxes SET uid_next = uid_next + 1, highest_modseq = highest_modseq + 1 WHERE id = ? "
                "RETURNING uid_next - 1, highest_modseq", (mailbox,)).fetchone()
            db.execute("INSERT INTO messages (mailbox_id, account_id, uid, modseq, flags, seen, deleted, internal_date, "
                       "size, blob_id) VALUES (?, ?, ?, ?, '', 0, 0, ?, ?, ?)",
                       (mailbox, account, uid, modseq, time.time(), len(BODY), rowid if variant == "intref" else blob))
            db.execute("RELEASE delivery")
        db.execute("COMMIT")
    delivered = count // PER_TRANSACTION * PER_TRANSACTION
    cpu = (cpu_seconds() - start) / delivered
    owners = {page: name for name, page in db.execute("SELECT name, pageno FROM dbstat")}
    frames = collections.Counter(owners.get(page, "(free list)") for page in wal_pages(path))
    start = cpu_seconds()
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
    checkpoint = (cpu_seconds() - start) / delivered
    db.close()
    return delivered, cpu, checkpoint, frames


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("database", help="a mailward.sqlite with the bench account's INBOX")
    parser.add_argument("--messages", type=int, default=4000)
    parser.add_argument("--variants", default="current,intref,nobody")
    args = parser.parse_args()
    folder = bench_servers.make_work_folder("mailward-wal-frames-")
    try:
        for variant in args.variants.split(","):
            delivered, cpu, checkpoint, frames = replay(args.database, variant, args.messages, folder)
            total = sum(frames.values()) / delivered
            print(f"{variant}: {total:.2f} WAL frames per message, CPU {1000 * cpu:.3f} ms per message "
                  f"(with Python's), checkpoint {1000 * checkpoint:.3f} ms per message")
            for name, n in frames.most_common():
                print(f"    {name:32} {n / delivered:5.2f}")
    finally:
        bench_servers.remove_work_folder(folder)


if __name__ == "__main__":
    main()
