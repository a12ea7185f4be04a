"""A small raw IMAP client for the benchmarks: one blocking socket, commands as text, responses
read line by line with literals (`{n}`) taken whole. Leaner than `imaplib` (the client shares two
cores with the server under test), and it can hold IDLE open, which `imaplib` cannot before
Python 3.14. Not a general client: it trusts the server it talks to."""
import socket


class IMAPError(Exception):
    pass


class IMAPConnection:
    def __init__(self, port, host="127.0.0.1", timeout=120):
        self.sock = socket.create_connection((host, port), timeout=timeout)
        self.reader = self.sock.makefile("rb", buffering=65536)
        self.counter = 0
        greeting = self.reader.readline()
        if not greeting.startswith(b"* OK"):
            raise IMAPError(f"greeting: {greeting!r}")

    def _line(self):
        """One response line with any literals it announces appended (raises on a closed socket)."""
        line = self.reader.readline()
        if not line:
            raise IMAPError("connection closed")
        while line.endswith(b"}\r\n"):
            start = line.rfind(b"{")
            count = int(line[start + 1:-3].rstrip(b"+"))
            line += self.reader.read(count) + self.reader.readline()
        return line

    def _tag(self):
        self.counter += 1
        return b"a%d" % self.counter

    def _finish(self, tag, check):
        untagged = []
        while True:
            line = self._line()
            if line.startswith(tag + b" "):
                status = line[len(tag) + 1:].split(b" ", 1)[0]
                if check and status != b"OK":
                    raise IMAPError(line.decode(errors="replace").strip())
                return status, untagged
            untagged.append(line)

    def command(self, text, check=True):
        """Sends one command; returns (status, untagged lines). Raises unless OK when `check`."""
        tag = self._tag()
        self.sock.sendall(tag + b" " + text.encode() + b"\r\n")
        return self._finish(tag, check)

    def login(self, user, password):
        return self.command(f'LOGIN "{user}" "{password}"')

    def append(self, mailbox, message, flags=""):
        """APPEND with a synchronizing literal (every server supports it)."""
        tag = self._tag()
        flag_list = f" ({flags})" if flags else ""
        self.sock.sendall(tag + f" APPEND {mailbox}{flag_list} {{{len(message)}}}\r\n".encode())
        line = self._line()
        if not line.startswith(b"+"):
            raise IMAPError(f"APPEND refused: {line!r}")
        self.sock.sendall(message + b"\r\n")
        return self._finish(tag, True)

    def start_idle(self):
        """Sends IDLE and waits for the continuation; the connection then sits in IDLE."""
        tag = self._tag()
        self.sock.sendall(tag + b" IDLE\r\n")
        while True:
            line = self._line()
            if line.startswith(b"+"):
                return tag
            if line.startswith(tag + b" "):
                raise IMAPError(f"IDLE refused: {line!r}")

    def stop_idle(self, tag):
        self.sock.sendall(b"DONE\r\n")
        return self._finish(tag, True)

    def idle_round(self):
        """Enters IDLE and leaves it again: what a phone does each time it wakes."""
        return self.stop_idle(self.start_idle())

    def status_messages(self, mailbox="INBOX"):
        _, untagged = self.command(f"STATUS {mailbox} (MESSAGES)")
        for line in untagged:
            if line.startswith(b"* STATUS") and b"MESSAGES" in line:
                return int(line.rsplit(b"MESSAGES", 1)[1].strip(b" )\r\n").split()[0])
        raise IMAPError(f"no STATUS answer: {untagged!r}")

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass
