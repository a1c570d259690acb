// An in-process mesh for the end-to-end tests: a PKI, one plain-HTTP app per backend pod on 127.0.0.1,
// backend mesh-proxies in front of them on 127.0.0.2, .3, .4 (one inbound port for all, as pods of one
// service have), and frontend mesh-proxies whose outbound listener leads to `backend`, resolved by a
// resolver the test controls. Everything runs in this process, through start() with parsed parameters.
import { mkdtempSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { suite } from 'uvu';
import { createLogger } from '../../lib/log.js';
import { parseMetrics, Registry } from '../../lib/metrics.js';
import { parse } from '../../lib/parse.js';
import type { Running } from '../../lib/run.js';
import { freePort, within } from '../../lib/test-support/wait.js';
import { spec } from '../src/params.js';
import { type Deps, start } from '../src/start.js';
import type { App, Reply } from './app.js';
import { startApp } from './app.js';
import { makeMeshPki, type MeshPki } from './pki.js';

export { freePort, until, within } from '../../lib/test-support/wait.js';
export * from './app.js';

export type MeshProxy = Running & {
  name: string;
  metrics: Registry;
  logs: string[];
  /** The sum of a metric's samples whose labels include these. */
  metric(name: string, labels?: Record<string, string>): number;
};

/** Starts mesh-proxy in this process from flags, through the real parser; admin port and address are picked. */
export async function startMeshProxy(name: string, flags: string[], deps: Deps = {}): Promise<MeshProxy> {
  const argv = [
    '--namespace',
    'test',
    '--admin-port',
    String(await freePort()),
    '--admin-address',
    '127.0.0.1',
    '--reload-interval',
    '1h',
    ...flags,
  ];
  const params = parse(spec, argv, {});
  const logs: string[] = [];
  const metrics = new Registry('mesh_proxy');
  const running = await start({ params, metrics, log: createLogger('mesh-proxy', 'debug', (l) => logs.push(l)) }, deps);
  return Object.assign(running, {
    name,
    metrics,
    logs,
    metric: (n: string, labels?: Record<string, string>) => metricSum(metrics.render(), n, labels),
  });
}

/** The sum of a metric's samples in a /metrics text whose labels include these. */
export function metricSum(text: string, name: string, labels: Record<string, string> = {}): number {
  let sum = 0;
  for (const [sample, v] of parseMetrics(text)) {
    const m = /^([^{]+)(?:\{(.*)\})?$/.exec(sample)!;
    if (m[1] !== `mesh_proxy_${name}`) continue;
    const has = Object.entries(labels).every(([k, val]) => (m[2] ?? '').includes(`${k}="${val}"`));
    if (has) sum += v;
  }
  return sum;
}

export type Frontend = MeshProxy & { port: number };

export interface MeshOptions {
  /** Flags of every backend mesh-proxy. */
  backend?: string[];
  /** Backend pods (at most 3: 127.0.0.2, .3, .4). */
  size?: number;
}

export interface Mesh {
  pki: MeshPki;
  /** The mesh CA's certificate. */
  ca: Buffer;
  apps: App[];
  backends: MeshProxy[];
  /** The backends' identity directories. */
  backendDirs: string[];
  frontendDir: string;
  /** The backends' inbound addresses, in the order of apps and backends. */
  addresses: string[];
  inboundPort: number;
  /** What the resolver answers for `backend` now; `dnsDown` makes it fail instead. */
  answer: string[];
  dnsDown: boolean;
  /** A frontend mesh-proxy with an outbound listener to backend (port), closed by closeFrontends. */
  frontend(flags?: string[], deps?: Deps): Promise<Frontend>;
  /** The app whose answer this was. */
  appOf(r: Reply): App;
  /** Every app answers 200 at once again, with no request seen; the resolver answers every backend. */
  reset(): void;
  closeFrontends(): Promise<void>;
  close(): Promise<void>;
}

export const BACKEND_ADDRESSES = ['127.0.0.2', '127.0.0.3', '127.0.0.4'];

export async function startMesh(o: MeshOptions = {}): Promise<Mesh> {
  const pki = makeMeshPki();
  const addresses = BACKEND_ADDRESSES.slice(0, o.size ?? 3);
  const inboundPort = await freePort();
  const apps: App[] = [];
  const backends: MeshProxy[] = [];
  const backendDirs: string[] = [];
  const frontends: Frontend[] = [];
  const frontendDir = pki.identity('frontend');
  for (const [i, address] of addresses.entries()) {
    const app = await startApp(`b${i + 1}`);
    apps.push(app);
    const dir = pki.identity('backend', { into: mkdtempSync(join(pki.dir, `backend-${i + 1}-`)) });
    backendDirs.push(dir);
    const flags = ['--service', 'backend', '--identity-dir', dir, '--inbound-port', String(inboundPort), '--inbound-address', address];
    backends.push(
      await startMeshProxy(`backend ${address}`, [...flags, '--app-port', String(app.port), '--allow', 'frontend', ...(o.backend ?? [])]),
    );
  }
  const mesh: Mesh = {
    pki,
    ca: readFileSync(pki.caFile),
    apps,
    backends,
    backendDirs,
    frontendDir,
    addresses,
    inboundPort,
    answer: [...addresses],
    dnsDown: false,
    async frontend(flags = [], deps = {}) {
      const port = await freePort();
      const resolve = async (name: string) => {
        if (mesh.dnsDown) throw Object.assign(new Error(`queryA EAI_AGAIN ${name}`), { code: 'EAI_AGAIN' });
        if (name !== 'backend') throw Object.assign(new Error(`queryA ENOTFOUND ${name}`), { code: 'ENOTFOUND' });
        return [...mesh.answer];
      };
      const argv = [
        '--service',
        'frontend',
        '--identity-dir',
        frontendDir,
        '--inbound-address',
        '127.0.0.1',
        '--inbound-port',
        String(await freePort()),
      ];
      argv.push('--app-port', String(await freePort()), '--outbound', `backend:${inboundPort}=${port}`, '--dns-refresh', '200ms', ...flags);
      const fe = Object.assign(await startMeshProxy('frontend', argv, { resolve, ...deps }), { port });
      frontends.push(fe);
      return fe;
    },
    appOf(r) {
      const app = apps.find((a) => a.name === r.headers['x-endpoint']);
      if (!app) throw new Error(`an answer from no app: ${r.status} ${r.body}`);
      return app;
    },
    reset() {
      for (const a of apps) {
        a.mode = 'ok';
        a.delayMs = 0;
        a.seen.length = 0;
      }
      mesh.answer = [...addresses];
      mesh.dnsDown = false;
    },
    async closeFrontends() {
      for (const fe of frontends.splice(0)) await within(5000, 'a frontend to drain', fe.drain());
    },
    async close() {
      // Apps first: a hanging request would hold a drain open.
      for (const a of apps) await a.close();
      await mesh.closeFrontends();
      for (const b of backends) await within(5000, `${b.name} to drain`, b.drain());
      pki.cleanup();
    },
  };
  return mesh;
}

/** A suite whose context is a mesh, started before its tests and closed after them; each test starts from reset(). */
export function meshSuite(name: string, o: MeshOptions = {}) {
  const test = suite<{ mesh: Mesh }>(name, { mesh: undefined as unknown as Mesh });
  test.before(async (ctx) => {
    ctx.mesh = await startMesh(o);
  });
  test.before.each(({ mesh }) => mesh.reset());
  test.after.each(({ mesh }) => mesh.closeFrontends());
  test.after(({ mesh }) => mesh?.close());
  return test;
}
