#!/usr/bin/env python3
"""legacy-notes: a small notes service from another era, treated as unmodifiable.

It speaks plain HTTP on 127.0.0.1 only, keeps its notes in a Redis-protocol store at one fixed address,
and reports on itself in its own plain-text format. Everything it knows comes from its environment:
  BIND, PORT    where it serves (default 127.0.0.1:8080)
  STORE         the one store address it talks to (default 127.0.0.1:6379): host:port, RESP protocol
  KEY_PREFIX    prefix of its keys in the store (default "note:")

It answers:
  GET /               a one-line help text
  PUT /notes/<name>   stores the request body under <name>: 201, or 502 when the store fails
  GET /notes/<name>   the note: 200, 404 when there is none, 502 when the store fails
  GET /status         its own status page: one "Name: number" line per figure (not Prometheus)
  GET /healthz        "ok"
/status and /healthz are not counted as requests.
"""
import os
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

BIND = os.environ.get("BIND", "127.0.0.1")
PORT = int(os.environ.get("PORT", "8080"))
STORE = os.environ.get("STORE", "127.0.0.1:6379")
PREFIX = os.environ.get("KEY_PREFIX", "note:")
STARTED = time.monotonic()


class StoreError(Exception):
    """The store answered with an error reply."""


class Store:
    """One persistent RESP connection to STORE, reconnected when it breaks."""

    def __init__(self, address):
        host, port = address.rsplit(":", 1)
        self.address = (host, int(port))
        self.sock = None
        self.reader = None
        self.lock = threading.Lock()

    def command(self, *args):
        parts = [a if isinstance(a, bytes) else str(a).encode() for a in args]
        payload = b"*%d\r\n" % len(parts) + b"".join(b"$%d\r\n%s\r\n" % (len(p), p) for p in parts)
        with self.lock:
            for attempt in (1, 2):
                try:
                    if self.sock is None:
                        self.sock = socket.create_connection(self.address, timeout=3)
                        self.reader = self.sock.makefile("rb")
                    self.sock.sendall(payload)
                    return self._reply()
                except (OSError, ConnectionError):
                    self._close()
                    if attempt == 2:
                        raise

    def _reply(self):
        line = self.reader.readline()
        if not line.endswith(b"\r\n"):
            raise ConnectionError("the store closed the connection")
        kind, rest = line[:1], line[1:-2]
        if kind == b"+":
            return rest.decode()
        if kind == b"-":
            raise StoreError(rest.decode())
        if kind == b":":
            return int(rest)
        if kind == b"$":
            size = int(rest)
            return None if size < 0 else self.reader.read(size + 2)[:-2]
        raise ConnectionError(f"unexpected reply from the store: {line[:40]!r}")

    def _close(self):
        try:
            if self.sock is not None:
                self.sock.close()
        finally:
            self.sock = self.reader = None


store = Store(STORE)
counts = {"Requests": 0, "Notes written": 0, "Notes read": 0, "Store errors": 0}
counts_lock = threading.Lock()


def count(name):
    with counts_lock:
        counts[name] += 1


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "legacy-notes/1.0"

    def reply(self, status, body, ctype="text/plain; charset=utf-8"):
        data = body if isinstance(body, bytes) else body.encode()
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def note(self):
        name = self.path[len("/notes/"):]
        return name if self.path.startswith("/notes/") and name and "/" not in name else None

    def do_GET(self):
        if self.path == "/healthz":
            return self.reply(200, "ok\n")
        if self.path == "/status":
            with counts_lock:
                figures = dict(counts)
            lines = [f"legacy-notes {self.server_version.split('/')[1]} status", f"Uptime seconds: {int(time.monotonic() - STARTED)}"]
            lines += [f"{k}: {v}" for k, v in figures.items()]
            return self.reply(200, "\n".join(lines) + "\n")
        count("Requests")
        name = self.note()
        if name is None:
            return self.reply(200, "legacy-notes: PUT /notes/<name> to write a note, GET /notes/<name> to read it\n")
        try:
            value = store.command("GET", PREFIX + name)
        except (OSError, ConnectionError, StoreError) as e:
            count("Store errors")
            return self.reply(502, f"store {STORE}: {e}\n")
        count("Notes read")
        return self.reply(404, "no such note\n") if value is None else self.reply(200, value)

    def do_PUT(self):
        count("Requests")
        name = self.note()
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        if name is None:
            return self.reply(404, "PUT /notes/<name>\n")
        try:
            store.command("SET", PREFIX + name, body)
        except (OSError, ConnectionError, StoreError) as e:
            count("Store errors")
            return self.reply(502, f"store {STORE}: {e}\n")
        count("Notes written")
        return self.reply(201, f"stored {name}\n")

    def log_message(self, *args):
        if os.environ.get("LOG_REQUESTS"):
            super().log_message(*args)


if __name__ == "__main__":
    server = ThreadingHTTPServer((BIND, PORT), Handler)
    server.daemon_threads = True
    print(f"legacy-notes listening on http://{BIND}:{PORT}, store at {STORE}", flush=True)
    server.serve_forever()
