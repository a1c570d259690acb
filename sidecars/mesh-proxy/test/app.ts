// The apps of the mesh tests, and the app side of a pod calling out: a plain-HTTP app on 127.0.0.1 that
// can be told to fail, hang or be slow and records what it gets, and plain-HTTP calls to an outbound port.
import { Agent, createServer, type IncomingHttpHeaders, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** How an app answers: 200, always 503, 503 to every other request, or never. */
export type Mode = 'ok' | 'fail' | 'half' | 'hang';

export interface Seen {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
}

export interface App {
  name: string;
  port: number;
  mode: Mode;
  /** Time before each answer. */
  delayMs: number;
  seen: Seen[];
  /** Requests received, of one method or all. */
  count(method?: string): number;
  close(): Promise<void>;
}

/** A plain-HTTP app on 127.0.0.1 that names itself in its answers (x-endpoint, and the body). */
export async function startApp(name: string): Promise<App> {
  let n = 0;
  const app: App = {
    name,
    port: 0,
    mode: 'ok',
    delayMs: 0,
    seen: [],
    count: (method) => app.seen.filter((s) => method === undefined || s.method === method).length,
    close: () =>
      new Promise((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
  const server: Server = createServer((req, res) => {
    app.seen.push({ method: req.method!, url: req.url!, headers: req.headers });
    req.resume();
    const mode = app.mode;
    if (mode === 'hang') return;
    const fail = mode === 'fail' || (mode === 'half' && n++ % 2 === 0);
    const answer = () => {
      if (fail) res.writeHead(503, { 'x-endpoint': name }).end('failing\n');
      else res.writeHead(200, { 'x-endpoint': name, 'content-type': 'text/plain' }).end(`${name} ${req.url}`);
    };
    // Once the whole request is in, as most apps do (a slow upload is then the client's time, not the app's).
    req.once('end', () => {
      if (app.delayMs > 0) setTimeout(answer, app.delayMs);
      else answer();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  app.port = (server.address() as AddressInfo).port;
  return app;
}

export interface Reply {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
  ms: number;
}

/** One plain-HTTP request to 127.0.0.1:port, as the app in the pod makes it. */
export function call(
  port: number,
  path = '/',
  o: { method?: string; headers?: Record<string, string>; body?: string; agent?: Agent } = {},
): Promise<Reply> {
  const t0 = Date.now();
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port, path, method: o.method ?? 'GET', headers: o.headers, agent: o.agent ?? false },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body, ms: Date.now() - t0 }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(o.body);
  });
}

/** n requests one after the other on a keep-alive connection. */
export async function calls(port: number, n: number, o: Parameters<typeof call>[2] = {}): Promise<Reply[]> {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  try {
    const out: Reply[] = [];
    for (let i = 0; i < n; i++) out.push(await call(port, `/${i}`, { agent, ...o }));
    return out;
  } finally {
    agent.destroy();
  }
}

/** How many of the replies came from each app, by name. */
export function tally(replies: Reply[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const r of replies) {
    const k = String(r.headers['x-endpoint'] ?? r.status);
    out[k] = (out[k] ?? 0) + 1;
  }
  return out;
}
