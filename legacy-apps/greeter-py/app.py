#!/usr/bin/env python3
"""A legacy HTTP-only service, treated as unmodifiable.

It knows nothing about TLS and binds to loopback only. It answers:
  GET /      JSON: a greeting, its pid, and the request headers it received
  GET /1k    1024 bytes of text (for benchmarks)
  GET /healthz  "ok"
"""
import json
import os
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

BIND = os.environ.get("BIND", "127.0.0.1")
PORT = int(os.environ.get("PORT", "8080"))
ONE_K = b"x" * 1023 + b"\n"


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "legacy-greeter/1.0"

    def do_GET(self):
        if self.path == "/1k":
            body, ctype = ONE_K, "text/plain"
        elif self.path == "/healthz":
            body, ctype = b"ok\n", "text/plain"
        else:
            body = json.dumps({
                "app": "legacy-greeter",
                "message": "hello from a legacy HTTP app",
                "path": self.path,
                "pid": os.getpid(),
                "headers": {k.lower(): v for k, v in self.headers.items()},
            }).encode() + b"\n"
            ctype = "application/json"
        self.send_response(200)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        if os.environ.get("LOG_REQUESTS"):
            super().log_message(*args)


if __name__ == "__main__":
    server = ThreadingHTTPServer((BIND, PORT), Handler)
    server.daemon_threads = True
    print(f"legacy-greeter listening on http://{BIND}:{PORT}", flush=True)
    server.serve_forever()
