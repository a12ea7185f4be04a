#!/usr/bin/env python3
"""A scripted SMTP peer that checks the client pipelines (RFC 2920).

    smtp_script.py OUT_DIR [--size N] [--no-8bitmime] [--smtputf8] [--drop-in-data | --stall-in-data]
                   [--drip-greeting SECONDS] [--greeting REPLY] [--starttls-closes] [--dsn]

Offers PIPELINING, 8BITMIME (unless --no-8bitmime) and SIZE (N, default no limit). After EHLO it reads MAIL, every
RCPT and DATA *before answering any of them* — a client that waits for each reply would stall
here — then answers 250 for MAIL, 550 5.1.1 for recipients whose local part starts with
"reject", 250 for the others, 354 for DATA; takes the body (or, with --drop-in-data, closes
the connection after the first bytes of it; with --stall-in-data, stops reading it for a minute
with the connection open) and records OUT_DIR/msg-N.json ({"commands": [...], "to": [...], "data":
base64}) like smtp_sink.py. --smtputf8 offers SMTPUTF8 too; --drip-greeting sends the greeting
one byte every SECONDS; --greeting replaces the 220 greeting (then reads one command and closes);
--starttls-closes offers STARTTLS and closes the connection when the client sends it (counted
in OUT_DIR/starttls-N.txt); --dsn offers DSN (RFC 3461).
"""
import argparse
import base64
import json
import os
import socket
import sys
import threading
import time


def exit_with_parent():
    parent = os.getppid()

    def watch():
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(0)

    threading.Thread(target=watch, daemon=True).start()


class Lines:
    def __init__(self, conn):
        self.conn, self.buffer = conn, b""

    def line(self):
        while b"\r\n" not in self.buffer:
            chunk = self.conn.recv(65536)
            if not chunk:
                raise EOFError
            self.buffer += chunk
        line, self.buffer = self.buffer.split(b"\r\n", 1)
        return line.decode("utf-8", "replace")

    def until_dot(self):
        while b"\r\n.\r\n" not in self.buffer:
            chunk = self.conn.recv(65536)
            if not chunk:
                raise EOFError
            self.buffer += chunk
        data, self.buffer = self.buffer.split(b"\r\n.\r\n", 1)
        return data + b"\r\n"


def session(conn, out, size, counter, eight_bit=True, drop_in_data=False, smtputf8=False, stall_in_data=False,
            drip_greeting=0.0, greeting=None, starttls_closes=False, dsn=False):
    lines = Lines(conn)
    send = lambda text: conn.sendall(text.encode() + b"\r\n")
    if greeting:
        send(greeting)
        command = lines.line()
        counter[0] += 1
        with open(os.path.join(out, "after-greeting-%d.txt" % counter[0]), "w") as f:
            f.write(command)
        send("221 bye")
        return
    if drip_greeting:
        for byte in b"220 script.test ESMTP\r\n":
            conn.sendall(bytes([byte]))
            time.sleep(drip_greeting)
    else:
        send("220 script.test ESMTP")
    while True:
        command = lines.line()
        verb = command.split(" ")[0].upper()
        if verb == "EHLO":
            send("250-script.test\r\n250-PIPELINING\r\n%s%s%s%s250 SIZE %d" % (
                "250-8BITMIME\r\n" if eight_bit else "", "250-SMTPUTF8\r\n" if smtputf8 else "",
                "250-STARTTLS\r\n" if starttls_closes else "", "250-DSN\r\n" if dsn else "", size))
        elif verb == "STARTTLS" and starttls_closes:
            counter[0] += 1
            with open(os.path.join(out, "starttls-%d.txt" % counter[0]), "w") as f:
                f.write(command)
            return
        elif verb == "MAIL":
            batch = [command]
            while not batch[-1].upper().startswith("DATA"):
                batch.append(lines.line())
            replies, accepted = ["250 2.1.0 ok"], []
            for rcpt in batch[1:-1]:
                address = rcpt.split(":", 1)[1].strip().strip("<>")
                if address.lower().startswith("reject"):
                    replies.append("550 5.1.1 rejected by script")
                else:
                    accepted.append(address)
                    replies.append("250 2.1.5 ok")
            replies.append("354 go ahead" if accepted else "554 5.5.1 no valid recipients")
            send("\r\n".join(replies))
            if accepted and drop_in_data:
                conn.recv(16)
                return
            if accepted and stall_in_data:
                time.sleep(60)
                return
            if accepted:
                data = lines.until_dot()
                counter[0] += 1
                path = os.path.join(out, "msg-%d.json" % counter[0])
                with open(path + ".tmp", "w") as f:
                    json.dump({"from": batch[0], "to": accepted, "options": batch, "tls": False,
                               "data": base64.b64encode(data.replace(b"\r\n..", b"\r\n.")).decode()}, f)
                os.rename(path + ".tmp", path)
                send("250 2.0.0 queued")
        elif verb == "QUIT":
            send("221 bye")
            return
        else:
            send("250 ok")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("out")
    parser.add_argument("--size", type=int, default=0)
    parser.add_argument("--no-8bitmime", dest="eight_bit", action="store_false")
    parser.add_argument("--drop-in-data", action="store_true")
    parser.add_argument("--stall-in-data", action="store_true")
    parser.add_argument("--smtputf8", action="store_true")
    parser.add_argument("--drip-greeting", type=float, default=0.0)
    parser.add_argument("--greeting")
    parser.add_argument("--starttls-closes", action="store_true")
    parser.add_argument("--dsn", action="store_true")
    args = parser.parse_args()
    out, size = args.out, args.size
    exit_with_parent()
    listener = socket.socket()
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if args.stall_in_data:
        # A small fixed receive buffer (no autotuning, inherited by accepted sockets): a client
        # sending a few megabytes then has to wait for this peer to read.
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 16384)
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    with open(os.path.join(out, "port.tmp"), "w") as f:
        f.write(str(listener.getsockname()[1]))
    os.rename(os.path.join(out, "port.tmp"), os.path.join(out, "port"))
    counter = [0]
    while True:
        conn, _ = listener.accept()
        conn.settimeout(10)
        try:
            session(conn, out, size, counter, args.eight_bit, args.drop_in_data, args.smtputf8, args.stall_in_data,
                    args.drip_greeting, args.greeting, args.starttls_closes, args.dsn)
        except Exception:
            pass
        finally:
            conn.close()


if __name__ == "__main__":
    main()
