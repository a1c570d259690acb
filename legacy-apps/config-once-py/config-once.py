#!/usr/bin/env python3
"""A legacy app that reads its JSON config file once, at start, and never again (standard library only).

It has no SIGHUP handler, so a SIGHUP would kill it: the only way to give it a new config is to
restart it. In stacks/config it runs under supervise.sh, which starts it again whenever it exits.
Every restart is a cold start, so it keeps its start-up small: socketserver and a few lines of HTTP,
not http.server (which pulls in http.client, ssl and email).

  GET /          JSON: version and greeting from the config, pid, start time, starts (from the supervisor), bytes
  GET /version   the config's "version", as text
  GET /healthz   "ok"
"""
import json
import os
import signal
import socketserver
import sys
import time

BIND = os.environ.get("BIND", "0.0.0.0")
PORT = int(os.environ.get("PORT", "8080"))
CONFIG = os.environ.get("CONFIG_FILE", "/config/config.json")
STARTS = int(os.environ.get("SUPERVISE_STARTS", "1"))
STARTED = time.time()


def log(msg, **fields):
    print(json.dumps({"ts": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "app": "config-once", "msg": msg, **fields}), flush=True)


try:
    with open(CONFIG, "rb") as f:
        RAW = f.read()
    CONFIG_DOC = json.loads(RAW)
    if not isinstance(CONFIG_DOC, dict):
        raise ValueError("the config is not a JSON object")
except Exception as e:
    log("cannot load config at start", file=CONFIG, error=str(e))
    sys.exit(1)


class Handler(socketserver.StreamRequestHandler):
    def handle(self):
        line = self.rfile.readline(8192).decode("latin-1").split()
        while self.rfile.readline(8192) not in (b"\r\n", b"\n", b""):
            pass  # the headers: not needed
        path = line[1] if len(line) > 1 else "/"
        if path == "/healthz":
            body, ctype = b"ok\n", "text/plain"
        elif path == "/version":
            body, ctype = f"{CONFIG_DOC.get('version', '')}\n".encode(), "text/plain"
        else:
            body, ctype = json.dumps({
                "app": "config-once", "version": CONFIG_DOC.get("version"), "greeting": CONFIG_DOC.get("greeting"),
                "pid": os.getpid(), "started_at": STARTED, "starts": STARTS, "bytes": len(RAW),
            }).encode() + b"\n", "application/json"
        head = f"HTTP/1.1 200 OK\r\nContent-Type: {ctype}\r\nContent-Length: {len(body)}\r\nConnection: close\r\n\r\n"
        self.wfile.write(head.encode() + body)


class Server(socketserver.ThreadingTCPServer):
    allow_reuse_address = True
    daemon_threads = True


def on_term(*_):
    log("SIGTERM: exiting")
    os._exit(0)


if __name__ == "__main__":
    signal.signal(signal.SIGTERM, on_term)
    server = Server((BIND, PORT), Handler)
    log("listening", url=f"http://{BIND}:{PORT}", version=CONFIG_DOC.get("version"))
    server.serve_forever()
