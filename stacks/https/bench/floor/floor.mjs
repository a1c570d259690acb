// The floor that bench:https weighs tls-proxy's idle memory against (issue 28): Bun and nothing else but one
// TLS listener with the same certificate, in the tls-proxy image, idle in the same pod. Run as
// `bun /etc/floor/floor.mjs`; it serves no one (its port is never used).
Bun.listen({
  hostname: '127.0.0.1',
  port: 8460,
  tls: { cert: Bun.file('/etc/tls/tls.crt'), key: Bun.file('/etc/tls/tls.key') },
  socket: { data() {} },
});
