#!/usr/bin/env python3
"""legacy-mesh-backend: a plain-HTTP service of the service-mesh scenario (treated as unmodifiable).

It binds to loopback only: in its pod, the mesh sidecar is the way in (mTLS outside, plain HTTP to the app)
and the way out (plain-HTTP listeners on 127.0.0.1). Its one piece of mesh-awareness: it forwards the
traceparent and tracestate headers of a request on the call it makes while serving it. Environment:
  BIND, PORT     the service (default 127.0.0.1:8080); CONTROL_PORT: faults and stats, on BIND (default 8081)
  REPLICA        its name in answers (default: the host name)
  CHAIN_URL      what GET /chain calls (default http://127.0.0.1:15002/work: the sidecar's way to ledger)
  CHAIN_TIMEOUT  seconds that call may take (default 10); DRAIN_TIMEOUT: see SIGTERM (default 5)
Service (PORT):
  GET|POST|PUT|DELETE /work  200 {"replica", "caller": X-Forwarded-Client-Cert or null, "method",
                             "traceparent": or null}; a request body is read and discarded
  GET /chain                 GETs CHAIN_URL, traceparent and tracestate forwarded: 200 {"replica", "downstream":
                             its JSON}, or 502 {"replica", "error", "status": its status or null}
  GET /healthz               "ok": never faulted, not counted. Anything else: 404 (405: not GET /chain), counted
Faults apply to /work and /chain, in this order: hang (the connection is held, never answered, and closed
when the client goes or the fault is cleared); latency (a delay before answering); error_rate (exactly
round(k * error_rate) of the first k requests since the fault was set answer 503 {"error": "injected"}).
Control (CONTROL_PORT), driven from the command line by /opt/app/ctl (docker exec <container> /opt/app/ctl):
  POST /fault        {"error_rate": 0..1, "latency_ms": integer >= 0, "hang": bool}, a missing key 0/false:
                     200 the new fault, or 400 with a one-line reason and the fault unchanged
  GET  /fault        the current fault
  GET  /stats        {"requests": all but /healthz, "by_method", "by_path", "errors_injected", "hung"}
  POST /stats/reset  zeroes them: 200 the zeroed stats
Logs: one JSON line on stdout per start, stop and fault change. SIGTERM (or SIGINT): stops listening, lets
in-flight requests finish for at most DRAIN_TIMEOUT seconds (held connections are let go at once), exits 0.
"""
import http.client
import json
import math
import os
import select
import signal
import socket
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

BIND = os.environ.get("BIND", "127.0.0.1")
PORT = int(os.environ.get("PORT", "8080"))
CONTROL_PORT = int(os.environ.get("CONTROL_PORT", "8081"))
REPLICA = os.environ.get("REPLICA", "") or socket.gethostname()
CHAIN_URL = os.environ.get("CHAIN_URL", "") or "http://127.0.0.1:15002/work"
CHAIN_TIMEOUT = float(os.environ.get("CHAIN_TIMEOUT", "10"))
DRAIN_TIMEOUT = float(os.environ.get("DRAIN_TIMEOUT", "5"))
NO_FAULT = {"error_rate": 0.0, "latency_ms": 0, "hang": False}


def log(msg, **fields):
    ts = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())  # one line: {"ts", "app", "replica", "msg", ...}
    print(json.dumps({"ts": ts, "app": "legacy-mesh-backend", "replica": REPLICA, "msg": msg, **fields}), flush=True)


FAULT_KEYS = {  # key: (is it a good value, what a good value is)
    "error_rate": (lambda v: type(v) in (int, float) and 0 <= v <= 1, "a number from 0 to 1"),
    "latency_ms": (lambda v: type(v) is int and 0 <= v <= 3_600_000, "an integer from 0 to 3600000"),
    "hang": (lambda v: type(v) is bool, "true or false"),
}


def parse_fault(body):
    """A POST /fault body as a fault, or ValueError with a one-line reason."""
    try:
        data = json.loads(body or b"{}")
    except ValueError:
        raise ValueError("the body is not JSON") from None
    if not isinstance(data, dict):
        raise ValueError("the body is not a JSON object")
    for key, value in data.items():
        if key not in FAULT_KEYS:
            raise ValueError(f"unknown key {key!r} (error_rate, latency_ms, hang)")
        if not FAULT_KEYS[key][0](value):
            raise ValueError(f"{key} must be {FAULT_KEYS[key][1]}, not {json.dumps(value)}")
    return {k: type(v)(data.get(k, v)) for k, v in NO_FAULT.items()}


class State:
    """The fault, the counts, the requests in flight and the held connections, under one lock."""

    def __init__(self):
        self.lock = threading.Condition()
        self.fault, self.seen, self.inflight = dict(NO_FAULT), 0, 0
        self.holds = set()  # write ends of the pipes held connections wait on
        self.stopping = threading.Event()
        self.get_stats(reset=True)

    def get_stats(self, reset=False):
        with self.lock:
            if reset:
                self.stats = {"requests": 0, "by_method": {}, "by_path": {}, "errors_injected": 0, "hung": 0}
            return json.loads(json.dumps(self.stats))

    def set_fault(self, fault):
        with self.lock:
            self.fault, self.seen = fault, 0  # the error pattern starts again
            if not fault["hang"]:
                self.release()
        log("fault", **fault)
        return fault

    def release(self):
        with self.lock:
            for w in self.holds:
                os.write(w, b"x")

    def begin(self, method, path, faultable):
        """Counts a request in; returns what the fault does to it: (hang, delay in seconds, fail)."""
        with self.lock:
            self.inflight += 1
            s = self.stats
            s["requests"] += 1
            s["by_method"][method] = s["by_method"].get(method, 0) + 1
            s["by_path"][path] = s["by_path"].get(path, 0) + 1
            if not faultable:
                return False, 0, False
            if self.fault["hang"]:
                s["hung"] += 1
                return True, 0, False
            self.seen += 1
            rate = self.fault["error_rate"]
            fail = math.floor(self.seen * rate + 0.5) > math.floor((self.seen - 1) * rate + 0.5)
            s["errors_injected"] += fail
            return False, self.fault["latency_ms"] / 1000, fail

    def end(self):
        with self.lock:
            self.inflight -= 1
            self.lock.notify_all()

    def hold(self, sock):
        """Waits, answering nothing, until the client closes (or sends more) or the hang is cleared."""
        r, w = os.pipe()
        try:
            with self.lock:
                if not self.fault["hang"] or self.stopping.is_set():
                    return
                self.holds.add(w)
            poll = select.poll()
            for fd in (sock, r):
                poll.register(fd, select.POLLIN)
            poll.poll()
        finally:
            with self.lock:
                self.holds.discard(w)
            os.close(r)
            os.close(w)

    def drain(self, timeout):
        """Lets held connections go and waits for the requests in flight; returns how many are left."""
        self.release()
        with self.lock:
            self.lock.wait_for(lambda: self.inflight == 0, timeout)
            return self.inflight


state = State()


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body are two writes: no 40 ms wait for a delayed ACK between them
    server_version = "legacy-mesh-backend/1.0"

    def reply(self, status, body, ctype="application/json"):
        if not isinstance(body, bytes):
            body = json.dumps(body).encode() + b"\n"
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        if state.stopping.is_set():
            self.close_connection = True
            self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(body)

    def body(self, limit):
        """Reads the request body (Content-Length or chunked), keeps limit bytes; None (after a 400) if malformed."""
        kept, chunked = b"", "chunked" in self.headers.get("Transfer-Encoding", "").lower()
        try:
            line = self.rfile.readline(100) if chunked else self.headers["Content-Length"] or "0"
            size = int(line.split(b";")[0], 16) if chunked else int(line)
            if size < 0:
                raise ValueError
            while size > 0:
                data = self.rfile.read(size)
                if len(data) < size:
                    raise ValueError
                kept += data[: max(0, limit - len(kept))]
                size = int(self.rfile.readline(100) and self.rfile.readline(100).split(b";")[0], 16) if chunked else 0
            while chunked and self.rfile.readline(1000).strip():  # the trailers, up to the empty line
                pass
        except (TypeError, ValueError):
            self.close_connection = True
            return self.reply(400, b"malformed request body\n", "text/plain")
        return kept

    def log_message(self, *args):
        if os.environ.get("LOG_REQUESTS"):
            super().log_message(*args)


class Service(Handler):
    def do_GET(self): self.serve("GET")
    def do_POST(self): self.serve("POST")
    def do_PUT(self): self.serve("PUT")
    def do_DELETE(self): self.serve("DELETE")

    def serve(self, method):
        path = urlsplit(self.path).path
        if path == "/healthz" and method == "GET":
            return self.reply(200, b"ok\n", "text/plain")
        if self.body(0) is None:
            return
        hang, delay, fail = state.begin(method, path, path == "/work" or (path, method) == ("/chain", "GET"))
        try:
            if hang:
                self.close_connection = True
                return state.hold(self.connection)
            if delay:
                time.sleep(delay)  # the injected latency, in full (even while draining)
            if fail:
                self.reply(503, {"error": "injected"})
            elif path == "/work":
                self.reply(200, {"replica": REPLICA, "caller": self.headers.get("X-Forwarded-Client-Cert"),
                                 "method": method, "traceparent": self.headers.get("traceparent")})
            elif (path, method) == ("/chain", "GET"):
                self.chain()
            else:
                self.reply(405 if path == "/chain" else 404, {"error": f"no {method} {path} here"})
        finally:
            state.end()

    def chain(self):
        u = urlsplit(CHAIN_URL)
        headers = {h: self.headers[h] for h in ("traceparent", "tracestate") if self.headers.get(h)}
        conn, status = http.client.HTTPConnection(u.hostname, u.port or 80, timeout=CHAIN_TIMEOUT), None
        try:
            conn.request("GET", (u.path or "/") + (f"?{u.query}" if u.query else ""), headers=headers)
            resp = conn.getresponse()
            status, raw = resp.status, resp.read()
            if not 200 <= status < 300:
                raise ValueError(f"answered {status}")
            downstream = json.loads(raw)
        except (OSError, ValueError, http.client.HTTPException) as e:
            error = f"{CHAIN_URL}: {e or type(e).__name__}"
            return self.reply(502, {"replica": REPLICA, "error": error, "status": status})
        finally:
            conn.close()
        self.reply(200, {"replica": REPLICA, "downstream": downstream})


class Control(Handler):
    def do_GET(self):
        routes = {"/fault": lambda: state.fault, "/stats": state.get_stats, "/healthz": lambda: {"ok": True}}
        route = routes.get(self.path)
        if route:
            return self.reply(200, route())
        self.reply(404, {"error": f"no such path: {self.path}"})

    def do_POST(self):
        body = self.body(65536)
        if body is None:
            return
        try:
            if self.path == "/fault":
                self.reply(200, state.set_fault(parse_fault(body)))
            elif self.path == "/stats/reset":
                self.reply(200, state.get_stats(reset=True))
            else:
                self.reply(404, {"error": f"no such path: {self.path}"})
        except ValueError as e:
            self.reply(400, f"{e}\n".encode(), "text/plain")


class Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 256


def on_term(signum, frame):
    if not state.stopping.is_set():
        state.stopping.set()
        threading.Thread(target=service.shutdown, daemon=True).start()  # not from serve_forever's own thread


if __name__ == "__main__":
    service, control = Server((BIND, PORT), Service), Server((BIND, CONTROL_PORT), Control)
    threading.Thread(target=control.serve_forever, daemon=True).start()
    signal.signal(signal.SIGTERM, on_term)
    signal.signal(signal.SIGINT, on_term)
    log("started", port=PORT, control_port=CONTROL_PORT, chain_url=CHAIN_URL)
    service.serve_forever(poll_interval=0.2)
    service.server_close()
    left = state.drain(DRAIN_TIMEOUT)
    control.shutdown()
    log("stopped", unfinished=left)
    sys.exit(0)
