// What the patterns checks share: where the pod is published, the certificate the init container issued,
// HTTPS calls to the app, the app's status page, the adapter's metrics, and container timestamps.
import { mkdirSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { join } from 'node:path';
import { $ } from 'zx';
import type { StackContext } from '../../scripts/lib/lifecycle.js';
import * as docker from '../../scripts/lib/docker.js';

/** Published addresses, asked of Compose once per project: no check re-creates the pod, which owns the ports. */
export async function endpoints(ctx: StackContext): Promise<{ https: string; metrics: string }> {
  let e = published.get(ctx.project.name);
  if (!e) {
    const [tls, metrics] = await Promise.all([ctx.project.port('pod', 8443), ctx.project.port('pod', 9117)]);
    published.set(ctx.project.name, (e = { https: `https://${tls}`, metrics: `http://${metrics}/metrics` }));
  }
  return e;
}
const published = new Map<string, { https: string; metrics: string }>();

/** The certificate the init container issued, read from the directory it shares with the sidecar (by Bun:
 * the sidecar's image has no cat). It is self-signed, so it is also the one trust anchor a client needs. */
export async function issuedCert(ctx: StackContext): Promise<string> {
  let pem = certs.get(ctx.project.name);
  const read = ['bun', '-e', "process.stdout.write(require('fs').readFileSync('/etc/tls/tls.crt'))"];
  if (!pem) certs.set(ctx.project.name, (pem = await docker.exec(await ctx.project.id('tls-proxy'), read)));
  return pem;
}
/** Issued once per pod (the init container never runs again while the pod lives, check 3): read once per project. */
const certs = new Map<string, string>();

/** The issued certificate as a file in the run's own directory, and the lines `up` prints under "try:", which use it
 * (`curl --cacert`): a learner needs no docker exec and no copy by hand. */
export async function tryLines(ctx: StackContext): Promise<{ ca: string; hints: string[] }> {
  const e = await endpoints(ctx);
  const ca = join(ctx.state, 'notes-ca.crt');
  mkdirSync(ctx.state, { recursive: true });
  writeFileSync(ca, await issuedCert(ctx));
  return {
    ca,
    hints: [`curl --cacert ${ca} -X PUT --data hello ${e.https}/notes/first`, `curl --cacert ${ca} ${e.https}/status`, `curl ${e.metrics}`],
  };
}

export interface Reply {
  status: number;
  body: string;
  /** The serial number of the certificate the server presented. */
  serial: string;
}

/** One HTTPS request to the pod's published port, verified against the issued certificate (never switched off). */
export async function call(ctx: StackContext, method: string, path: string, body?: string): Promise<Reply> {
  const [{ https }, ca] = await Promise.all([endpoints(ctx), issuedCert(ctx)]);
  return new Promise((resolve, reject) => {
    const req = request(`${https}${path}`, { method, ca, agent: false, servername: 'localhost', timeout: 3000 }, (res) => {
      const serial = (res.socket as import('node:tls').TLSSocket).getPeerCertificate().serialNumber?.toUpperCase() ?? '';
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), serial }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`no answer to ${method} ${path} within 3000 ms`)));
    req.on('error', reject);
    req.end(body);
  });
}

/** The app's own status page (through the sidecar), as its "Name: number" figures. */
export async function appStatus(ctx: StackContext): Promise<{ text: string; figures: Record<string, number> }> {
  const r = await call(ctx, 'GET', '/status');
  if (r.status !== 200) throw new Error(`GET /status answered ${r.status}`);
  const figures = Object.fromEntries([...r.body.matchAll(/^([A-Za-z][\w -]*?): (\d+)$/gm)].map((m) => [m[1]!, Number(m[2])]));
  return { text: r.body, figures };
}

/** A Prometheus text-format sample line: name, optional labels, a number. */
export const SAMPLE = /^[a-zA-Z_:][a-zA-Z0-9_:]*(\{[^}]*\})? -?[0-9.eE+-]+$/;

/** The adapter's /metrics: its text and its samples (name{labels} -> value). */
export async function adapterMetrics(ctx: StackContext): Promise<{ text: string; samples: Map<string, number> }> {
  const res = await fetch((await endpoints(ctx)).metrics);
  const text = await res.text();
  if (res.status !== 200) throw new Error(`GET /metrics answered ${res.status}: ${text}`);
  const samples = new Map<string, number>();
  for (const line of text.split('\n').filter((l) => SAMPLE.test(l))) {
    const i = line.lastIndexOf(' ');
    samples.set(line.slice(0, i), Number(line.slice(i + 1)));
  }
  return { text, samples };
}

export interface Timing {
  status: string;
  exitCode: number;
  startedAt: number;
  finishedAt: number;
}

const ZERO = '0001-01-01T00:00:00Z';
/** Docker's RFC 3339 timestamps with nanoseconds, as fractional milliseconds since the epoch (NaN when never). */
export function instant(t: string): number {
  if (!t || t === ZERO) return Number.NaN;
  const m = /^(.*?T\d\d:\d\d:\d\d)(?:\.(\d+))?(Z|[+-]\d\d:\d\d)$/.exec(t);
  if (!m) return Number.NaN;
  return Date.parse(`${m[1]}${m[3]}`) + Number(`0.${m[2] ?? '0'}`) * 1000;
}

/** A container's state and its start and finish times. */
export async function timing(id: string): Promise<Timing> {
  const out = await $`docker inspect --format ${'{{json .State}}'} ${id}`.quiet();
  const s = JSON.parse(out.stdout) as { Status: string; ExitCode: number; StartedAt: string; FinishedAt: string };
  return { status: s.Status, exitCode: s.ExitCode, startedAt: instant(s.StartedAt), finishedAt: instant(s.FinishedAt) };
}

/** The containers of one service of a compose project (by label: a container Compose created but never started counts). */
export async function containersOf(project: string, service: string): Promise<string[]> {
  const out =
    await $`docker ps -aq --filter ${`label=com.docker.compose.project=${project}`} --filter ${`label=com.docker.compose.service=${service}`}`.quiet();
  return out.stdout.split('\n').filter(Boolean);
}
