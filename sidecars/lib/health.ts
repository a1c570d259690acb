// The health probe: `<sidecar> healthcheck [--ready]`, and the image's HEALTHCHECK, which runs the same code
// from its own small bundle (dist/health.mjs) so that a probe loads nothing else. It asks the admin port, from
// its env var, for /healthz (or /readyz) over one raw HTTP/1.0 exchange on Bun's own socket: the engine runs it
// every 2 s in every sidecar, and on Bun loading node:http or node:net costs several times the whole probe.
// It imports nothing, so its bundle is this file and the sidecar's parameter table.

interface RawSocket {
  write(data: string): number;
  end(): void;
}
interface BunConnect {
  connect(o: {
    hostname: string;
    port: number;
    socket: { open(s: RawSocket): void; data(s: RawSocket, chunk: Uint8Array): void; close(): void; error(): void };
  }): Promise<RawSocket>;
}

/** What the probe needs of a sidecar's spec. */
interface Probed {
  prefix: string;
  params: { adminPort: { default?: number } };
}

/** The admin port the probe asks: the sidecar's ADMIN_PORT env var, or the table's default. */
export function adminPort(spec: Probed, env: NodeJS.ProcessEnv): number {
  const set = env[`${spec.prefix}_ADMIN_PORT`];
  return set ? Number(set) : Number(spec.params.adminPort.default);
}

/** True when GET `path` on 127.0.0.1:`port` answers 200 within `timeoutMs`, whatever the server trickles. */
export async function probe200(port: number, path: string, timeoutMs = 2000): Promise<boolean> {
  const bun = (globalThis as { Bun?: BunConnect }).Bun;
  if (!bun) throw new Error('the health probe runs on Bun');
  if (!Number.isInteger(port) || port < 1 || port > 65535) return false;
  let head = '';
  let settle: (ok: boolean) => void = () => undefined;
  const answer = new Promise<boolean>((resolve) => (settle = resolve));
  const deadline = setTimeout(() => settle(false), timeoutMs);
  const decode = new TextDecoder();
  const connected = bun
    .connect({
      hostname: '127.0.0.1',
      port,
      socket: {
        open: (s) => void s.write(`GET ${path} HTTP/1.0\r\nHost: 127.0.0.1:${port}\r\n\r\n`),
        data: (_s, chunk) => {
          head += decode.decode(chunk, { stream: true });
          const eol = head.indexOf('\r\n');
          if (eol >= 0 || head.length > 256) settle(/^HTTP\/1\.[01] 200 /.test(head.slice(0, eol >= 0 ? eol : 256)));
        },
        close: () => settle(false),
        error: () => settle(false),
      },
    })
    .catch(() => {
      settle(false);
      return undefined;
    });
  const ok = await answer;
  clearTimeout(deadline);
  void connected.then((s) => s?.end());
  return ok;
}

/** How long the image's probe waits for the answer: within the engine's 10 s HEALTHCHECK timeout, so that the
 * probe, not the engine, ends a slow exchange, and long enough that a machine busy with other containers is not
 * read as a dead sidecar (a 2 s wait turned a loaded CI host's slowness into unhealthy parts). */
export const PROBE_TIMEOUT_MS = 8000;

/** `healthcheck [--ready]`: the exit code, 0 when the admin port answers 200. */
export async function healthcheck(spec: Probed, argv: string[], env: NodeJS.ProcessEnv): Promise<number> {
  return (await probe200(adminPort(spec, env), argv.includes('--ready') ? '/readyz' : '/healthz', PROBE_TIMEOUT_MS)) ? 0 : 1;
}
