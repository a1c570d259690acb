#!/usr/bin/env python3
"""legacy-logger: an app that writes log lines into a file, for a log shipper to ship (treated as unmodifiable).

Everything it knows comes from its environment:
  LOG_FILE       the file it appends to (O_APPEND, one write per line or record, so nothing waits in a
                 buffer); unset or "-": stdout
  SOURCE         its name, written in every line (default legacy-logger)
  BIND, PORT     where it takes orders (default 127.0.0.1:8080): plain HTTP, for its pod only
  DRAIN_TIMEOUT  seconds it goes on writing what is queued after SIGTERM (default 5)

A normal line is one JSON object:
  {"ts": "2026-11-22T15:00:00.123Z", "level": "info", "source": SOURCE, "seq": N, "msg": "line N xxx..."}
seq is 1, 2, 3... across everything it writes (lines and tracebacks alike), in the order they are in the
file: a seq is given when the order is taken, and orders are written one after the other. When it starts
and LOG_FILE (or the file its stdout is redirected to) already ends with one of its lines, it goes on from
that line's seq: a restart continues the count instead of starting again at 1. Otherwise it starts at 1.

It answers:
  POST /write?count=N&rate=R&bytes=B   queues N lines (N >= 1), R a second (0, the default: as fast as it
                                       can), each B bytes long without its newline (default 120; msg is
                                       padded with x; a line is never shorter than its unpadded self,
                                       about 90 bytes): 202 at once, {"from": first seq, "to": last seq}.
                                       A /write while another runs is written after it.
  POST /trace                          queues one multi-line record: the line
                                       "YYYY-MM-DD HH:MM:SS,mmm ERROR source=S seq=N request failed"
                                       and a Python traceback under it (4 to 6 more lines): 200 once it is
                                       written, {"seq": N, "lines": lines in the record} (202 with the same
                                       body and "queued": true if it still waits after 10 s)
  POST /reopen                         reopens LOG_FILE, as SIGHUP does: 200 {"file": LOG_FILE}
  GET  /status                         {"source", "seq": the last seq written, "writing": true while
                                       anything is queued, "pending": lines still to write,
                                       a traceback counting one}
  GET  /healthz                        "ok"
A bad parameter is 400, an unknown path 404; an order taken while it is stopping is 503.

Signals: SIGHUP reopens LOG_FILE (after a rotation by rename, the next line goes to a new file at that
path). SIGTERM stops taking orders, writes what is queued as fast as it can (for at most DRAIN_TIMEOUT
seconds; the rate no longer applies), and exits 0 after one last line on stderr:
  legacy-logger: stopped: last seq written N (M lines not written)
so that "every line written before the app exited" is well defined: every seq up to N.
"""
import json
import os
import queue
import signal
import stat
import sys
import threading
import time
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

LOG_FILE = os.environ.get("LOG_FILE", "") or "-"
SOURCE = os.environ.get("SOURCE", "") or "legacy-logger"
BIND = os.environ.get("BIND", "127.0.0.1")
PORT = int(os.environ.get("PORT", "8080"))
DRAIN_TIMEOUT = float(os.environ.get("DRAIN_TIMEOUT", "5"))
MAX_COUNT = 10_000_000
MAX_BYTES = 1_000_000


def log(text):
    sys.stderr.write(f"legacy-logger: {text}\n")
    sys.stderr.flush()


class Output:
    """LOG_FILE, opened for appending; reopened on demand (after a rotation by rename)."""

    def __init__(self, path):
        self.path = path
        self.lock = threading.Lock()
        self.fd = self._open()

    def _open(self):
        if self.path == "-":
            return sys.stdout.fileno()
        return os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_CLOEXEC, 0o644)

    def write(self, data):
        """One write(2) per record, all of it: a record is never split between two files or two writes."""
        with self.lock:
            view = memoryview(data)
            while view:
                view = view[os.write(self.fd, view) :]

    def reopen(self):
        if self.path == "-":
            return
        with self.lock:
            fd = self._open()
            os.close(self.fd)
            self.fd = fd

    def close(self):
        with self.lock:
            if self.path != "-":
                os.close(self.fd)


def last_seq(path):
    """The seq of the last line of ours at the end of the file at path (0 if none): where a restart goes on.
    For stdout, the file it is redirected to (sh -c '... >>file'), if it is one."""
    if path == "-":
        try:
            if not stat.S_ISREG(os.fstat(sys.stdout.fileno()).st_mode):
                return 0
        except OSError:
            return 0
        path = "/proc/self/fd/1"
    try:
        with open(path, "rb") as f:
            f.seek(0, os.SEEK_END)
            size = f.tell()
            f.seek(max(0, size - 65536))
            tail = f.read().decode("utf-8", "replace").splitlines()
    except OSError:
        return 0
    for line in reversed(tail):
        if line.startswith("{"):
            try:
                seq = json.loads(line).get("seq")
            except ValueError:
                continue
            if isinstance(seq, int) and seq > 0:
                return seq
        elif " seq=" in line:
            value = line.split(" seq=", 1)[1].split(" ", 1)[0]
            if value.isdigit():
                return int(value)
    return 0


class Writer:
    """Takes orders (a number of lines, or one traceback), gives each its seqs, writes them in order."""

    def __init__(self, output):
        self.output = output
        self.orders = queue.Queue()
        self.lock = threading.Lock()
        self.written = last_seq(output.path)  # the last seq written
        self.next_seq = self.written + 1  # the next seq an order will be given
        self.pending = 0  # lines ordered and not yet written
        self.draining = threading.Event()  # SIGTERM: the rate no longer applies
        self.stopped = False  # the drain is over: nothing more is written
        self.thread = threading.Thread(target=self._run, name="writer", daemon=True)
        self.thread.start()

    def order_lines(self, count, rate, size):
        with self.lock:
            first = self.next_seq
            self.next_seq += count
            self.pending += count
            self.orders.put(("lines", first, count, rate, size, None))
        return first, first + count - 1

    def order_trace(self):
        done = threading.Event()
        with self.lock:
            seq = self.next_seq
            self.next_seq += 1
            self.pending += 1
            record = trace_record(seq)
            self.orders.put(("trace", seq, 1, 0, 0, (record, done)))
        return seq, record.count("\n"), done

    def status(self):
        with self.lock:
            return {"source": SOURCE, "seq": self.written, "writing": self.pending > 0, "pending": self.pending}

    def _put(self, data, seq):
        """Writes one line or record, unless stopped; the bookkeeping moves with the write, under the lock."""
        with self.lock:
            if self.stopped:
                return
            try:
                self.output.write(data)
                self.written = seq
            except OSError as e:
                log(f"seq {seq} not written: {e}")
            self.pending -= 1

    def _run(self):
        while True:
            kind, first, count, rate, size, extra = self.orders.get()
            if kind == "trace":
                record, done = extra
                self._put(record.encode(), first)
                done.set()
                continue
            start = time.monotonic()
            for i in range(count):
                if self.stopped:
                    break
                if rate > 0 and not self.draining.is_set():
                    delay = start + i / rate - time.monotonic()
                    if delay > 0:
                        self.draining.wait(delay)
                self._put(json_line(first + i, size), first + i)

    def drain(self, timeout):
        """SIGTERM: writes what is queued without the rate for at most timeout seconds, then stops writing.
        Returns the last seq written and the number of lines not written."""
        self.draining.set()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.lock:
                if self.pending <= 0:
                    break
            time.sleep(0.01)
        with self.lock:  # no write is under way while the lock is held, and none starts after this
            self.stopped = True
            return self.written, self.pending


def now():
    return datetime.now(timezone.utc)


def json_line(seq, size):
    """One JSON line of about size bytes (without its newline): msg is padded to get there."""
    t = now()
    ts = t.strftime("%Y-%m-%dT%H:%M:%S.") + f"{t.microsecond // 1000:03d}Z"
    text = f"line {seq}"
    line = {"ts": ts, "level": "info", "source": SOURCE, "seq": seq, "msg": text}
    bare = len(json.dumps(line, ensure_ascii=False).encode())
    if size > bare:
        line["msg"] = text + " " + "x" * (size - bare - 1) if size - bare > 1 else text + " "
    return (json.dumps(line, ensure_ascii=False) + "\n").encode()


TRACES = [
    [
        '  File "/opt/app/handlers.py", line 42, in handle',
        "    order = parse_order(request.body)",
        "ValueError: invalid literal for int() with base 10: 'A-{seq}'",
    ],
    [
        '  File "/opt/app/handlers.py", line 42, in handle',
        "    order = parse_order(request.body)",
        '  File "/opt/app/orders.py", line 117, in parse_order',
        "    raise ValueError(f\"unknown order kind: {{kind!r}}\")",
        "ValueError: unknown order kind: 'refund-{seq}'",
    ],
    [
        '  File "/opt/app/handlers.py", line 42, in handle',
        "    result = self.store.get(order_id)",
        "KeyError: 'order-{seq}'",
    ],
]


def trace_record(seq):
    """A multi-line record: a log4j-style first line, then a Python traceback; ends with a newline."""
    t = now()
    head = t.strftime("%Y-%m-%d %H:%M:%S,") + f"{t.microsecond // 1000:03d} ERROR source={SOURCE} seq={seq} request failed"
    body = ["Traceback (most recent call last):"] + [line.format(seq=seq) for line in TRACES[seq % len(TRACES)]]
    return "\n".join([head, *body]) + "\n"


class BadRequest(Exception):
    pass


def number(params, name, default, kind, low, high):
    values = params.get(name)
    if not values:
        return default
    try:
        value = kind(values[-1])
    except ValueError:
        raise BadRequest(f"{name} must be a number, got {values[-1]!r}") from None
    if value != value or not low <= value <= high:  # NaN, or out of range
        raise BadRequest(f"{name} must be between {low} and {high}, got {values[-1]!r}")
    return value


class Handler(BaseHTTPRequestHandler):
    server_version = "legacy-logger/1.0"
    protocol_version = "HTTP/1.1"
    timeout = 60  # a client that stops sending mid-request is dropped

    def log_message(self, fmt, *args):  # no access log: stderr is for the app's own news
        pass

    def reply(self, code, body):
        data = (json.dumps(body) + "\n").encode() if not isinstance(body, str) else body.encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json" if not isinstance(body, str) else "text/plain")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def handle_one(self, method):
        url = urlsplit(self.path)
        try:
            params = parse_qs(url.query, keep_blank_values=True, strict_parsing=False)
        except ValueError:
            params = None
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            self.close_connection = True
            return self.reply(400, {"error": "bad Content-Length"})
        if length > 0:
            self.rfile.read(min(length, 1 << 20))  # a body is not used; read it so the connection stays sane
        routes = {
            "/write": ("POST", self.write),
            "/trace": ("POST", self.trace),
            "/reopen": ("POST", self.reopen),
            "/status": ("GET", self.status),
            "/healthz": ("GET", self.healthz),
        }
        route = routes.get(url.path)
        if route is None:
            return self.reply(404, {"error": f"no such path: {url.path}"})
        if method != route[0]:
            return self.reply(405, {"error": f"{url.path} takes {route[0]}"})
        if params is None:
            return self.reply(400, {"error": "bad query string"})
        if method == "POST" and stopping.is_set():
            return self.reply(503, {"error": "stopping"})
        try:
            route[1](params)
        except BadRequest as e:
            self.reply(400, {"error": str(e)})

    def write(self, params):
        if "count" not in params:
            raise BadRequest("count is required")
        count = number(params, "count", 0, int, 1, MAX_COUNT)
        rate = number(params, "rate", 0.0, float, 0.0, 1_000_000.0)
        size = number(params, "bytes", 120, int, 0, MAX_BYTES)
        first, last = writer.order_lines(count, rate, size)
        self.reply(202, {"from": first, "to": last})

    def trace(self, params):
        seq, lines, done = writer.order_trace()
        if done.wait(10):
            self.reply(200, {"seq": seq, "lines": lines})
        else:
            self.reply(202, {"seq": seq, "lines": lines, "queued": True})

    def reopen(self, params):
        try:
            output.reopen()
        except OSError as e:
            log(f"cannot reopen {LOG_FILE}: {e}")
            return self.reply(500, {"error": f"cannot reopen {LOG_FILE}: {e}"})
        log(f"reopened {LOG_FILE} (POST /reopen)")
        self.reply(200, {"file": LOG_FILE})

    def status(self, params):
        self.reply(200, writer.status())

    def healthz(self, params):
        self.reply(200, "ok\n")

    def do_GET(self):
        self.safely("GET")

    def do_POST(self):
        self.safely("POST")

    def do_PUT(self):
        self.safely("PUT")

    def do_DELETE(self):
        self.safely("DELETE")

    def safely(self, method):
        try:
            self.handle_one(method)
        except (BrokenPipeError, ConnectionResetError):
            pass
        except Exception as e:  # an order must never take the app down
            log(f"error on {method} {self.path!r}: {e!r}")
            try:
                self.reply(500, {"error": "internal error"})
            except OSError:
                pass


stopping = threading.Event()

try:
    output = Output(LOG_FILE)
except OSError as e:
    sys.exit(f"legacy-logger: cannot open LOG_FILE {LOG_FILE}: {e}")
writer = Writer(output)
server = ThreadingHTTPServer((BIND, PORT), Handler)
server.daemon_threads = True


def on_hup(signum, frame):
    try:
        output.reopen()
        log(f"reopened {LOG_FILE} (SIGHUP)")
    except OSError as e:
        log(f"cannot reopen {LOG_FILE}: {e}")


def on_term(signum, frame):
    if not stopping.is_set():
        stopping.set()
        threading.Thread(target=server.shutdown, daemon=True).start()  # not from serve_forever's own thread


signal.signal(signal.SIGHUP, on_hup)
signal.signal(signal.SIGTERM, on_term)
signal.signal(signal.SIGINT, on_term)
log(f"writing to {LOG_FILE} as source {SOURCE}, from seq {writer.next_seq}; orders on http://{BIND}:{PORT}")
server.serve_forever(poll_interval=0.2)
server.server_close()
final, left = writer.drain(DRAIN_TIMEOUT)
output.close()
log(f"stopped: last seq written {final} ({left} lines not written)")
sys.exit(0)
