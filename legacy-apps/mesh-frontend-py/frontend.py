#!/usr/bin/env python3
"""legacy-mesh-frontend: the front service of the service-mesh scenario (treated as unmodifiable).

It binds to loopback only and reaches the backend only through BACKEND_URL: in its pod, a plain-HTTP
listener of the mesh sidecar on 127.0.0.1. Its one piece of mesh-awareness: it forwards the traceparent and
tracestate headers of a request on the calls it makes while serving it. Environment:
  BIND, PORT              where it serves (default 127.0.0.1:8080)
  BACKEND_URL             the backend (default http://127.0.0.1:15001: the sidecar's way to the backend)
  BACKEND_TIMEOUT         seconds a call may take (default 10)
  DRAIN_TIMEOUT           seconds in-flight requests may take after SIGTERM (default 5)
  SHUTDOWN_CALL_TIMEOUT   seconds the last call, at shutdown, may take (default 3)
It answers:
  GET /         GET BACKEND_URL/work: 200 {"backend": its JSON}, or 502 {"error", "status": its status or null}
  GET /chain    GET BACKEND_URL/chain: its JSON with its status; {"error", "status"} with its status when
                that is no JSON; 502 {"error", "status": null} when there is no answer
  GET /call?n=300&concurrency=4&method=GET&path=/work
                n calls (1..10000) over `concurrency` connections at once (1..64), method GET, POST, PUT or
                DELETE (POST and PUT send a small JSON body): 200 {"n", "ok": 2xx answers, "statuses":
                {"200": k, ...}, "errors": calls with no answer, "replicas": {replica: its 2xx answers},
                "p50_ms", "p99_ms", "max_ms": over all calls, "seconds": how long it took}
  GET /load?seconds=10&rps=50&path=/work&method=GET&concurrency=32
                seconds * rps calls (seconds 0..300, rps 0..500), call i due at i / rps seconds, each made
                by the next free one of `concurrency` workers (1..64; all busy: calls start late): as /call
  GET /healthz  "ok"
A bad parameter is 400 with a one-line reason, an unknown path 404. One persistent connection per thread; a
call that fails on a reused connection before any answer is made once more on a new one.
Logs: JSON lines on stdout (start, stop). SIGTERM (or SIGINT): stops listening, waits at most DRAIN_TIMEOUT
seconds for in-flight requests (a /call or /load stops starting calls and answers what it did), then makes
one last call, GET BACKEND_URL/work?from=frontend-shutdown, logs {"msg": "shutdown call", "status": its
status or null, "error": null or why it failed}, and exits 0: the sidecar must outlive the app.
"""
import http.client
import itertools
import json
import math
import os
import re
import signal
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

BIND = os.environ.get("BIND", "127.0.0.1")
PORT = int(os.environ.get("PORT", "8080"))
BACKEND_URL = (os.environ.get("BACKEND_URL", "") or "http://127.0.0.1:15001").rstrip("/")
BACKEND = urlsplit(BACKEND_URL)
BACKEND_TIMEOUT = float(os.environ.get("BACKEND_TIMEOUT", "10"))
DRAIN_TIMEOUT = float(os.environ.get("DRAIN_TIMEOUT", "5"))
SHUTDOWN_CALL_TIMEOUT = float(os.environ.get("SHUTDOWN_CALL_TIMEOUT", "3"))
METHODS = ("GET", "POST", "PUT", "DELETE")
PARAMS = {  # name: (conversion, is it a good value, default, what a good value is)
    "n": (int, lambda v: 1 <= v <= 10000, 300, "an integer from 1 to 10000"),
    "concurrency": (int, lambda v: 1 <= v <= 64, None, "an integer from 1 to 64"),
    "method": (str.upper, lambda v: v in METHODS, "GET", "GET, POST, PUT or DELETE"),
    "path": (str, lambda v: re.fullmatch(r"/[!-~]*", v), "/work", "a path starting with /"),
    "seconds": (float, lambda v: 0 < v <= 300, 10.0, "a number of seconds from 0 to 300"),
    "rps": (float, lambda v: 0 < v <= 500, 50.0, "a number of calls a second from 0 to 500"),
}
local = threading.local()  # each thread's connection to the backend
stopping = threading.Event()
inflight = [0, threading.Condition()]


def log(msg, **fields):
    ts = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())  # one line: {"ts", "app", "msg", ...}
    print(json.dumps({"ts": ts, "app": "legacy-mesh-frontend", "msg": msg, **fields}), flush=True)


def call(method, path, headers, body=None):
    """One call to the backend on this thread's connection: (status, body). OSError or HTTPException if none."""
    for attempt in (1, 2):
        conn = getattr(local, "conn", None)
        if conn is None:
            conn = local.conn = connect(BACKEND_TIMEOUT)
        reused = conn.sock is not None
        try:
            conn.request(method, BACKEND.path + path, body=body, headers=headers)
            resp = conn.getresponse()
            return resp.status, resp.read()
        except (OSError, http.client.HTTPException) as e:
            hangup()
            if attempt == 2 or not reused or not isinstance(e, (ConnectionResetError, BrokenPipeError)):
                raise


def connect(timeout):
    return http.client.HTTPConnection(BACKEND.hostname, BACKEND.port or 80, timeout=timeout)


def hangup():
    conn, local.conn = getattr(local, "conn", None), None
    if conn is not None:
        conn.close()


class Tally:
    """What a run of calls got: statuses, replicas, errors and latencies."""

    def __init__(self):
        self.lock, self.ms, self.statuses, self.replicas, self.errors = threading.Lock(), [], {}, {}, 0
        self.started = time.monotonic()

    def one(self, method, path, headers):
        body = b'{"from": "legacy-mesh-frontend"}' if method in ("POST", "PUT") else None
        if body:
            headers = {**headers, "Content-Type": "application/json"}
        t0 = time.monotonic()
        try:
            status, data = call(method, path, headers, body)
        except (OSError, http.client.HTTPException):
            status = data = None
        ms = (time.monotonic() - t0) * 1000
        replica = None
        if status is not None and 200 <= status < 300:
            try:
                replica = str(json.loads(data).get("replica"))
            except (ValueError, AttributeError):
                replica = "?"
        with self.lock:
            self.ms.append(ms)
            if status is None:
                self.errors += 1
            else:
                self.statuses[str(status)] = self.statuses.get(str(status), 0) + 1
            if replica is not None:
                self.replicas[replica] = self.replicas.get(replica, 0) + 1

    def run(self, workers, work):
        """Runs work() in `workers` threads, each with its own connection, until they all return."""
        def worker():
            try:
                work()
            finally:
                hangup()
        threads = [threading.Thread(target=worker, daemon=True) for _ in range(workers)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        ms = sorted(self.ms)
        rank = lambda q: round(ms[max(0, math.ceil(q * len(ms)) - 1)], 1) if ms else None  # nearest rank
        return {"n": len(ms), "ok": sum(n for s, n in self.statuses.items() if s.startswith("2")),
                "statuses": self.statuses, "errors": self.errors, "replicas": self.replicas, "p50_ms": rank(0.5),
                "p99_ms": rank(0.99), "max_ms": rank(1), "seconds": round(time.monotonic() - self.started, 3)}


def calls(p, headers):
    tally, nexti = Tally(), itertools.count()

    def work():
        while next(nexti) < p["n"] and not stopping.is_set():
            tally.one(p["method"], p["path"], headers)
    return tally.run(min(p["concurrency"] or 4, p["n"]), work)


def load(p, headers):
    tally, nexti, total = Tally(), itertools.count(), round(p["seconds"] * p["rps"])

    def work():
        while (i := next(nexti)) < total:
            if stopping.wait(max(0.0, tally.started + i / p["rps"] - time.monotonic())):
                return  # shutting down
            tally.one(p["method"], p["path"], headers)
    return tally.run(min(p["concurrency"] or 32, max(total, 1)), work)


def params(query, names):
    """The named parameters of a query string, defaults filled in; ValueError with a one-line reason."""
    q, names = parse_qs(query, keep_blank_values=True), names + ("concurrency", "method", "path")
    for name in q:
        if name not in names:
            raise ValueError(f"unknown parameter {name!r} (known: {', '.join(names)})")
    out = {}
    for name in names:
        convert, good, default, what = PARAMS[name]
        raw = q.get(name, [None])[-1]
        try:
            out[name] = default if raw is None else convert(raw)
        except ValueError:
            out[name] = None
        if raw is not None and (out[name] is None or not good(out[name])):
            raise ValueError(f"{name} must be {what}, not {raw!r}")
    return out


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body are two writes: no 40 ms wait for a delayed ACK between them
    server_version = "legacy-mesh-frontend/1.0"

    def reply(self, status, body, ctype="application/json"):
        if not isinstance(body, bytes):
            body = json.dumps(body).encode() + b"\n"
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        if stopping.is_set():
            self.close_connection = True
            self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        with inflight[1]:
            inflight[0] += 1
        try:
            self.route()
        finally:
            with inflight[1]:
                inflight[0] -= 1
                inflight[1].notify_all()

    def route(self):
        u = urlsplit(self.path)
        trace = {h: self.headers[h] for h in ("traceparent", "tracestate") if self.headers.get(h)}
        if u.path == "/healthz":
            return self.reply(200, b"ok\n", "text/plain")
        if u.path in ("/", "/chain"):
            try:
                status, data = call("GET", "/work" if u.path == "/" else "/chain", trace)
            except (OSError, http.client.HTTPException) as e:
                return self.reply(502, {"error": f"{BACKEND_URL}: {e or type(e).__name__}", "status": None})
            try:
                answer = json.loads(data)
            except ValueError:
                error = {"error": f"backend answered {status}, not JSON", "status": status}
                return self.reply(502 if u.path == "/" or status < 300 else status, error)
            if u.path == "/chain":
                return self.reply(status, answer)
            if 200 <= status < 300:
                return self.reply(200, {"backend": answer})
            return self.reply(502, {"error": f"backend answered {status}", "status": status, "body": answer})
        if u.path in ("/call", "/load"):
            try:
                p = params(u.query, ("n",) if u.path == "/call" else ("seconds", "rps"))
            except ValueError as e:
                return self.reply(400, f"{e}\n".encode(), "text/plain")
            return self.reply(200, (calls if u.path == "/call" else load)(p, trace))
        self.reply(404, {"error": f"no such path: {u.path}"})

    def finish(self):
        super().finish()
        hangup()

    def log_message(self, *args):
        if os.environ.get("LOG_REQUESTS"):
            super().log_message(*args)


class Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 256


def on_term(signum, frame):
    if not stopping.is_set():
        stopping.set()
        threading.Thread(target=server.shutdown, daemon=True).start()  # not from serve_forever's own thread


if __name__ == "__main__":
    server = Server((BIND, PORT), Handler)
    signal.signal(signal.SIGTERM, on_term)
    signal.signal(signal.SIGINT, on_term)
    log("started", port=PORT, backend_url=BACKEND_URL)
    server.serve_forever(poll_interval=0.2)
    server.server_close()
    with inflight[1]:
        inflight[1].wait_for(lambda: inflight[0] == 0, DRAIN_TIMEOUT)
        left = inflight[0]
    conn = connect(SHUTDOWN_CALL_TIMEOUT)
    status = error = None
    try:
        conn.request("GET", BACKEND.path + "/work?from=frontend-shutdown")
        status = conn.getresponse().status
    except (OSError, http.client.HTTPException) as e:
        error = f"{BACKEND_URL}: {e or type(e).__name__}"
    finally:
        conn.close()
    log("shutdown call", status=status, error=error)
    log("stopped", unfinished=left)
    sys.exit(0)
