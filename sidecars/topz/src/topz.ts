// Puts topz together: the safety rules on the listen address, the self-check, the periodic
// sampler, the HTTP server, the token reload on SIGHUP and the drain.
import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { readSecretFile, envName, type Values } from '../../lib/params.js';
import { Reloadable } from '../../lib/reloadable.js';
import type { Context, Running } from '../../lib/run.js';
import { Inspector } from './inspector.js';
import { spec, type params as table } from './params.js';
import { readText, userNames } from './proc.js';
import { secretMatcher } from './redact.js';
import { privilege } from './selfcheck.js';
import { createTopzServer } from './server.js';

type P = Values<typeof table>;

export const isLoopback = (address: string) => address === 'localhost' || address === '::1' || (isIP(address) === 4 && address.startsWith('127.'));

/** The one rule that spans two parameters: a non-loopback address needs a token, or an explicit --unsafe-no-auth. */
export function checkExposure(p: Pick<P, 'listenAddress' | 'token' | 'unsafeNoAuth'>): void {
  if (isLoopback(p.listenAddress) || p.token !== undefined || p.unsafeNoAuth) return;
  throw new Error(`--listen-address ${p.listenAddress} is not loopback: set ${envName(spec.prefix, 'token')}_FILE, or pass --unsafe-no-auth`);
}

const passwd = () => { try { return readFileSync('/etc/passwd', 'utf8'); } catch { return ''; } };

export async function startTopz({ params: p, log, metrics }: Context<typeof table>, env = process.env): Promise<Running & { port: number }> {
  checkExposure(p);
  const m = {
    scans: metrics.counter('scans_total', 'Scans of the proc root, by trigger (request, sample).'),
    scanSeconds: metrics.histogram('scan_duration_seconds', 'Duration of one scan.', [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1]),
    skipped: metrics.counter('skipped_processes_total', 'Processes skipped by scans, by reason (vanished, unreadable).'),
    truncated: metrics.counter('truncated_scans_total', 'Scans stopped by a cap, by reason (maxProcesses, scanTimeout).'),
    requests: metrics.counter('requests_total', 'HTTP answers, by route and status.'),
    exposed: metrics.gauge('environ_readable_processes', 'Processes of other containers whose environment topz could read (should be 0).'),
    tokenReloads: metrics.counter('token_reloads_total', 'Token file loads, by result.'),
  };

  const inspector = new Inspector({
    root: p.procRoot, maxProcesses: p.maxProcesses, timeoutMs: p.scanTimeout, cmdline: p.showCmdline, environ: p.showEnviron,
    isSecret: secretMatcher(p.redactWords.split(',')), historyLength: p.historyLength, selfPid: process.pid, user: userNames(passwd()),
    onExposure: (e) => { m.exposed.inc(); log.warn(`SECURITY WARNING: topz can read another container's environment`, { pid: e.pid, name: e.name }); },
  });
  const why = privilege(readText('/proc/self/status'));
  if (why) { inspector.warn(`SECURITY WARNING: ${why}`); log.warn(`SECURITY WARNING: ${why}`); }

  const take = (trigger: 'request' | 'sample') => {
    const s = inspector.snapshot({ record: trigger === 'sample' });
    m.scans.inc({ trigger });
    m.scanSeconds.observe(s.scanMs / 1000);
    for (const [reason, n] of Object.entries(s.skipped)) if (n) m.skipped.inc({ reason }, n);
    if (s.truncated) m.truncated.inc({ reason: s.truncated });
    return s;
  };
  const first = take('sample');
  log.info('self-check done', { processes: first.processes.length, warnings: first.warnings.length });
  const sampler = setInterval(() => {
    try { take('sample'); } catch (e) { log.error('periodic scan failed', { err: e as Error }); }
  }, p.sampleInterval);
  sampler.unref();

  // The token's file is re-read on SIGHUP; a missing or empty file keeps the last good token.
  const tokenFile = env[`${envName(spec.prefix, 'token')}_FILE`];
  const token = tokenFile ? new Reloadable<string>('token', () => {
    const value = readSecretFile(tokenFile);
    if (!value) throw new Error(`${tokenFile} is empty`);
    return value;
  }, log, m.tokenReloads) : undefined;
  if (token && !(await token.reload('start')).ok) throw new Error(`invalid ${envName(spec.prefix, 'token')}_FILE: ${token.lastError}`);

  const server = createTopzServer({
    token: () => (token ? token.value : p.token), snapshot: () => take('request'), refreshMs: p.pageRefresh,
    onResponse: (route, status) => m.requests.inc({ route, status: String(status) }),
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(p.listenPort, p.listenAddress, () => resolve());
  });
  log.info('listening', { address: p.listenAddress, port: p.listenPort, auth: p.token !== undefined ? 'bearer token' : 'none (loopback)', cmdline: p.showCmdline, environ: p.showEnviron });

  return {
    port: p.listenPort,
    ready: () => ({ ready: true }),
    reload: async (reason) => token?.reload(reason),
    async drain() {
      clearInterval(sampler);
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      });
    },
  };
}
