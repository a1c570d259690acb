// What the https checks share: where the stack is published, its CA, and its metrics.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseMetrics } from '../../sidecars/lib/metrics.js';
import type { Ca } from '../../scripts/lib/certs.js';
import type { StackContext } from '../../scripts/lib/lifecycle.js';
import { httpsGet } from '../../scripts/lib/tls-client.js';

export const caDir = (ctx: StackContext) => join(ctx.state, 'ca');
export const certDir = (ctx: StackContext) => join(ctx.state, 'certs');
export const caPem = (ctx: StackContext) => readFileSync(join(caDir(ctx), 'ca.crt'));
/** The stack's CA, to issue a new server certificate with (certificate rotation). */
export const caFiles = (ctx: StackContext): Ca => ({ dir: caDir(ctx), cert: join(caDir(ctx), 'ca.crt'), key: join(caDir(ctx), 'ca.key') });

/** Published addresses, asked of Compose each time (a re-created stack gets new ephemeral ports). */
export async function endpoints(ctx: StackContext) {
  const [tls, admin] = await Promise.all([ctx.project.port('pod', 8443), ctx.project.port('pod', 9901)]);
  return { https: `https://${tls}/`, admin: `http://${admin}`, tlsPort: Number(tls.split(':')[1]) };
}

export async function metrics(ctx: StackContext): Promise<Map<string, number>> {
  const res = await fetch(`${(await endpoints(ctx)).admin}/metrics`);
  return parseMetrics(await res.text());
}

/** One verified HTTPS request to the stack's published port. */
export async function get(ctx: StackContext, path = '/', agent?: import('node:https').Agent) {
  const { https } = await endpoints(ctx);
  return httpsGet(new URL(path, https).href, { ca: caPem(ctx), agent });
}
