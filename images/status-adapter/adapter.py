#!/usr/bin/env python3
"""status-adapter: turns an app's own "Name: number" status page into Prometheus metrics (an adapter).

On each GET /metrics it fetches ADAPTER_SOURCE and translates every line "Some Name: 12" into a metric
<ADAPTER_PREFIX>some_name. Names listed in ADAPTER_COUNTERS (comma-separated) become counters and get
the suffix _total; the others are gauges. <prefix>up is 1 when the source answered, else 0 (and then
no other metric of the app is reported). Lines that are not "Name: number" are skipped.
  ADAPTER_SOURCE    the app's status URL (default http://127.0.0.1:8080/status)
  ADAPTER_PREFIX    metric name prefix (default app_)
  ADAPTER_COUNTERS  names that are counters (default none)
  ADAPTER_PORT      where it serves /metrics and /healthz (default 9117), on ADAPTER_ADDRESS (0.0.0.0)
"""
import os
import re
import sys
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

SOURCE = os.environ.get("ADAPTER_SOURCE", "http://127.0.0.1:8080/status")
PREFIX = os.environ.get("ADAPTER_PREFIX", "app_")
COUNTERS = {c.strip() for c in os.environ.get("ADAPTER_COUNTERS", "").split(",") if c.strip()}
PORT = int(os.environ.get("ADAPTER_PORT", "9117"))
ADDRESS = os.environ.get("ADAPTER_ADDRESS", "0.0.0.0")
LINE = re.compile(r"^\s*([A-Za-z][A-Za-z0-9 _-]*?)\s*:\s*(-?[0-9]+(?:\.[0-9]+)?)\s*$")
scrapes = {"ok": 0, "error": 0}

if not re.fullmatch(r"[a-zA-Z_:][a-zA-Z0-9_:]*", PREFIX):
    sys.exit(f"status-adapter: ADAPTER_PREFIX {PREFIX!r} is not a valid Prometheus metric name prefix")


def translate(text):
    out = []
    for raw in text.splitlines():
        m = LINE.match(raw)
        if not m:
            continue
        name, value = m.group(1), m.group(2)
        metric = PREFIX + re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")
        kind = "counter" if name in COUNTERS else "gauge"
        if kind == "counter":
            metric += "_total"
        out += [f"# HELP {metric} {name!r} from the app's status page ({SOURCE}).", f"# TYPE {metric} {kind}", f"{metric} {value}"]
    return out


def metrics():
    try:
        with urllib.request.urlopen(SOURCE, timeout=2) as res:
            lines, up = translate(res.read().decode("utf-8", "replace")), 1
        scrapes["ok"] += 1
    except OSError as e:
        print(f"status-adapter: {SOURCE}: {e}", file=sys.stderr, flush=True)
        lines, up = [], 0
        scrapes["error"] += 1
    own = [
        f"# HELP {PREFIX}up 1 when the app's status page answered this scrape.",
        f"# TYPE {PREFIX}up gauge",
        f"{PREFIX}up {up}",
        "# HELP status_adapter_scrapes_total Scrapes of the app's status page, by result.",
        "# TYPE status_adapter_scrapes_total counter",
    ] + [f'status_adapter_scrapes_total{{result="{k}"}} {v}' for k, v in scrapes.items()]
    return "\n".join(own + lines) + "\n"


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "status-adapter/1.0"

    def do_GET(self):
        if self.path == "/metrics":
            status, body, ctype = 200, metrics(), "text/plain; version=0.0.4; charset=utf-8"
        elif self.path == "/healthz":
            status, body, ctype = 200, "ok\n", "text/plain"
        else:
            status, body, ctype = 404, "GET /metrics or /healthz\n", "text/plain"
        data = body.encode()
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


if __name__ == "__main__":
    server = ThreadingHTTPServer((ADDRESS, PORT), Handler)
    server.daemon_threads = True
    print(f"status-adapter: {SOURCE} as Prometheus metrics on http://{ADDRESS}:{PORT}/metrics", flush=True)
    server.serve_forever()
